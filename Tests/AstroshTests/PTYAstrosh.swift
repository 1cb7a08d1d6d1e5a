import Foundation

/// astrosh's interactive shell in a terminal of its own, with a private state directory
/// (so a private history file), against the built-in sandbox unless told otherwise.
final class AstroshTerminal {
  let session: PTYSession
  /// `XDG_STATE_HOME` of the shell; several terminals may share one to test restarts.
  let stateHome: URL

  var historyFile: URL { stateHome.appendingPathComponent("astrosh/history") }

  init(
    stateHome: URL? = nil, arguments: [String] = ["--sandbox"],
    environment: [String: String] = [:], columns: Int = 100
  ) throws {
    let state =
      stateHome
      ?? FileManager.default.temporaryDirectory
      .appendingPathComponent("astrosh-state-" + UUID().uuidString)
    self.stateHome = state
    var env = ["XDG_STATE_HOME": state.path]
    env.merge(environment) { _, given in given }
    session = try PTYSession(
      Binary.path, arguments: arguments, environment: env, columns: columns)
  }

  func close() {
    session.close()
  }

  /// Removes the state directory; call once the last terminal sharing it is closed.
  func removeState() {
    try? FileManager.default.removeItem(at: stateHome)
  }

  /// Waits until the shell shows an empty primary prompt on its last line, and at least
  /// `count` prompts in all.
  @discardableResult
  func waitForPrompt(count: Int = 1, timeout: TimeInterval = 20) throws -> String {
    try session.waitUntil("prompt number \(count), empty", timeout: timeout) { transcript in
      let last = transcript.split(separator: "\n").last { !$0.isEmpty } ?? ""
      return Self.prompts(in: transcript) >= count && last.hasPrefix("astrosh[")
        && last.hasSuffix(">")
    }
  }

  /// Types `line`, presses Enter and waits for the prompt after it. Counting prompts
  /// matters: the empty prompt from before the line was typed must not count.
  @discardableResult
  func run(_ line: String) throws -> String {
    let before = Self.prompts(in: try session.transcript())
    try session.type(line)
    try session.press("Enter")
    return try waitForPrompt(count: before + 1)
  }

  /// How many primary prompts the transcript shows.
  static func prompts(in transcript: String) -> Int {
    transcript.split(separator: "\n").filter { $0.hasPrefix("astrosh[") }.count
  }

  /// The history file's bytes, or nil when it does not exist.
  func historyBytes() -> [UInt8]? {
    (try? Data(contentsOf: historyFile)).map { Array($0) }
  }
}

/// `astrosh serve` on a free loopback port, for tests that need a real HTTP server.
final class EmulatorProcess {
  let process = Process()
  /// The base URL it serves, e.g. `http://127.0.0.1:40123/v1alpha1`.
  private(set) var url = ""
  private let log: URL

  init(arguments: [String]) throws {
    log = FileManager.default.temporaryDirectory
      .appendingPathComponent("astrosh-serve-" + UUID().uuidString + ".log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    defer { try? handle.close() }
    // Started directly, not through the descriptor-closing shell: Foundation watches a
    // child through a socket the child inherits, and a child that closes it early makes
    // Foundation wait for it, blocking every other Process until this server ends.
    process.executableURL = URL(fileURLWithPath: Binary.path)
    process.arguments = ["serve", "--port", "0"] + arguments
    process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try PTYSession.runWithSignalsUnblocked(process)
    url = try waitForURL()
  }

  /// Reads the log until the server says where it listens.
  private func waitForURL() throws -> String {
    let deadline = Date().addingTimeInterval(20)
    repeat {
      let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      if let range = text.range(of: "listening on ") {
        let rest = text[range.upperBound...]
        return String(rest.prefix { !$0.isWhitespace })
      }
      usleep(20_000)
    } while Date() < deadline && process.isRunning
    throw PTYError.timedOut(waitingFor: "astrosh serve to listen", screen: "")
  }

  func stop() {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: log)
  }
}
