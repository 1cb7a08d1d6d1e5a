import AstroCore
import Emulator
import Foundation
import Interactive
import OrgAPI

/// The entry point of the astrosh executable.
public enum AstroshMain {
  public static func run() -> Never {
    exit(main(Array(CommandLine.arguments.dropFirst())))
  }

  /// Runs astrosh with the given arguments and returns the exit code.
  static func main(_ arguments: [String]) -> Int32 {
    // A reader that goes away (`astrosh … | head -1`) must not kill a run with changes in
    // flight: the write fails with EPIPE instead, and the run stops and says what it did.
    signal(SIGPIPE, SIG_IGN)
    let environment = ProcessInfo.processInfo.environment
    let options: Options
    do {
      options = try Options.parse(arguments)
    } catch let error as ShellError {
      FileHandle.standardError.write(Data(Diagnostic.render(error).utf8))
      return error.category.exitCode
    } catch {
      return ShellError.Category.usage.exitCode
    }
    switch options.mode {
    case .help:
      print(Options.usage, terminator: "")
      return 0
    case .version:
      print("astrosh \(AstroshVersion.current)")
      return 0
    case .serve(let rest):
      return ServeCommand.run(arguments: rest)
    default:
      break
    }
    let session: Session
    do {
      session = try Session(options: options, environment: environment)
    } catch let error as ShellError {
      FileHandle.standardError.write(Data(Diagnostic.render(error).utf8))
      return error.category.exitCode
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      return ShellError.Category.usage.exitCode
    }
    if options.mode == .interactiveOrStdin && isInteractiveTerminal() {
      return Repl.run(session)
    }
    return ScriptRunner.run(session, mode: options.mode)
  }
}
