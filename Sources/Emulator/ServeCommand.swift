import AstroCore
import Foundation

/// `astrosh serve`: the emulator over HTTP until SIGINT or SIGTERM.
public enum ServeCommand {
  /// Runs the server with the arguments after `serve` and returns the exit code: 0 after a
  /// clean shutdown, 1 when the state file or the port is unusable, 2 for a wrong command
  /// line.
  public static func run(arguments: [String]) -> Int32 {
    let options: ServeOptions
    do {
      options = try ServeOptions.parse(arguments)
    } catch {
      writeError("astrosh serve: \(error.message)\nrun 'astrosh serve --help' for the options")
      return 2
    }
    if options.help {
      write(ServeOptions.usage + "\n", to: .standardOutput)
      return 0
    }
    // Block the stop signals before any thread exists, so MHD's threads inherit the mask
    // and the signals wait for `sigwait` below instead of killing the process mid-write.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    defer { pthread_sigmask(SIG_UNBLOCK, &signals, nil) }

    let server: EmulatorServer
    do {
      server = try start(options)
    } catch {
      writeError("astrosh serve: \(error)")
      return 1
    }
    write("astrosh serve: listening on \(server.baseURL)\n", to: .standardOutput)
    if !options.quiet { describe(options) }
    var received: Int32 = 0
    sigwait(&signals, &received)
    writeError("astrosh serve: stopping (signal \(received))")
    server.stop()
    return 0
  }

  static func start(_ options: ServeOptions) throws -> EmulatorServer {
    let engine = try EmulatorEngine(
      options: EmulatorEngine.Options(
        token: options.token, stateFile: options.stateFile, faults: options.faults,
        syntheticAuditEvents: options.auditEvents))
    var log: (@Sendable (String) -> Void)?
    if !options.quiet {
      log = { line in writeError("\(Timestamp.format(Date())) \(line)") }
    }
    let server = EmulatorServer(
      engine: engine,
      configuration: EmulatorServer.Configuration(
        host: options.host, port: options.port, threads: options.threads, log: log))
    try server.start()
    return server
  }

  /// Start-up notes on stderr; the token itself is never printed.
  private static func describe(_ options: ServeOptions) {
    var notes: [String] = []
    notes.append(
      options.token == nil ? "any bearer token is accepted" : "only the --token token is accepted")
    if let file = options.stateFile { notes.append("state is kept in \(file)") }
    if options.faults != .none {
      notes.append("faults: \(JSON.serialize(options.faults.json))")
    }
    notes.append("control endpoint: /_emulator/faults, /_emulator/reset, /_emulator/audit-events")
    for note in notes { writeError("astrosh serve: \(note)") }
  }

  static func writeError(_ line: String) { write(line + "\n", to: .standardError) }

  private static func write(_ text: String, to handle: FileHandle) {
    handle.write(Data(text.utf8))
  }
}
