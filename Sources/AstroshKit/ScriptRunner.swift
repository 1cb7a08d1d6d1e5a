import AstroCore
import AstroLang
import Foundation

/// Runs a script from a file, from `-c`, or from standard input, and turns how it ended
/// into the process exit code.
enum ScriptRunner {
  /// Reads the script named by the options. A missing or unreadable file is a usage error.
  static func source(for mode: Options.Mode) throws -> SourceFile {
    switch mode {
    case .code(let code):
      return SourceFile(name: "-c", text: code)
    case .file(let path):
      guard let data = FileManager.default.contents(atPath: path) else {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let why =
          !exists
          ? "no such file" : isDirectory.boolValue ? "it is a directory" : "it cannot be read"
        throw ShellError.usage(
          "script_unreadable", "cannot run '\(path)': \(why)",
          hint: "give the path of an .astro script, or use -c 'code'")
      }
      return try Interpreter.source(named: path, bytes: Array(data))
    default:
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return try Interpreter.source(named: "<stdin>", bytes: Array(data))
    }
  }

  /// Runs the script and returns the exit code. Ctrl-C or SIGTERM stops it from
  /// launching new calls (changes in flight get a short grace to be answered and
  /// journaled); the run then says how far it got and exits with 130.
  static func run(_ session: Session, mode: Options.Mode) -> Int32 {
    let code = runScript(session, mode: mode)
    // A result that could not be written is a failure, whatever the script did: exiting 0
    // would let CI carry on with a truncated file.
    if let failure = session.sink.outputFailure, code == 0 {
      session.sink.writeError(outputError(failure))
      return ShellError.Category.runtime.exitCode
    }
    return code
  }

  private static func outputError(_ failure: Int32) -> String {
    let reason = String(cString: strerror(failure)).lowercased()
    return "error: cannot write the results to standard output: \(reason)\n"
  }

  private static func runScript(_ session: Session, mode: Options.Mode) -> Int32 {
    let signals = InterruptWatcher { session.interpreter.cancel() }
    defer { signals.stop() }
    // Results that cannot be shown (the reader went away, the disk is full) stop the run
    // as Ctrl-C would: nothing new starts, and the report says what was done.
    session.sink.onOutputFailure { [interpreter = session.interpreter] in interpreter.cancel() }
    session.bulk.scriptStarts()
    let interrupted = ShellError.Category.interrupted.exitCode
    do {
      let source = try source(for: mode)
      try session.interpreter.run(source)
      return session.bulk.scriptEnds(code: signals.interrupted ? interrupted : 0, error: nil)
    } catch let exit as ScriptExit {
      return session.bulk.scriptEnds(code: exit.code, error: nil)
    } catch let error as ShellError where error.category == .interrupted {
      if !signals.interrupted, let failure = session.sink.outputFailure {
        return session.bulk.scriptEnds(
          code: ShellError.Category.runtime.exitCode, error: outputError(failure), stopped: true)
      }
      return session.bulk.scriptEnds(code: interrupted, error: nil)
    } catch let error as ShellError {
      return session.bulk.scriptEnds(code: error.category.exitCode, error: session.render(error))
    } catch {
      return session.bulk.scriptEnds(
        code: ShellError.Category.runtime.exitCode, error: "error: \(error)\n")
    }
  }
}
