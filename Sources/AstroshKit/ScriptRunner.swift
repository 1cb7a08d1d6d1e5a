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

  /// Runs the script and returns the exit code.
  static func run(_ session: Session, mode: Options.Mode) -> Int32 {
    let signals = InterruptWatcher { session.interpreter.cancel() }
    defer { signals.stop() }
    do {
      let source = try source(for: mode)
      try session.interpreter.run(source)
      return signals.interrupted ? ShellError.Category.interrupted.exitCode : 0
    } catch let exit as ScriptExit {
      return exit.code
    } catch let error as ShellError {
      session.sink.writeError(session.render(error))
      return error.category.exitCode
    } catch {
      session.sink.writeError("error: \(error)\n")
      return ShellError.Category.runtime.exitCode
    }
  }
}
