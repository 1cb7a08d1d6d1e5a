import AstroCore
import Foundation

/// Runs the real `astrosh` executable, as a user's shell would.
enum Binary {
  /// The executable under test: `$ASTROSH_BIN`, or the one SwiftPM built beside the tests.
  static let path: String = {
    if let env = ProcessInfo.processInfo.environment["ASTROSH_BIN"], !env.isEmpty { return env }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [beside, beside.deletingLastPathComponent()] {
      let candidate = dir.appendingPathComponent("astrosh").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/astrosh").path
  }()

  struct Result {
    var stdout: String
    var stderr: String
    var status: Int32
  }

  /// Runs astrosh with `arguments`, feeding `stdin`, in `directory`, with a clean
  /// environment (no ASTRO_* variables, no colour, a private HOME) plus `environment`.
  static func run(
    _ arguments: [String], stdin: String? = nil, directory: URL? = nil,
    environment: [String: String] = [:], timeout: TimeInterval = 60
  ) throws -> Result {
    try LaunchedAstrosh(arguments, stdin: stdin, directory: directory, environment: environment)
      .finish(timeout: timeout)
  }
}

/// An astrosh process a test can signal while it runs, started as `Binary.run` describes.
final class LaunchedAstrosh {
  let process = Process()
  private let out = Locked(Data())
  private let err = Locked(Data())
  private let readers = DispatchGroup()

  init(
    _ arguments: [String], stdin: String? = nil, directory: URL? = nil,
    environment: [String: String] = [:]
  ) throws {
    process.executableURL = URL(fileURLWithPath: Binary.path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LANG": "C.UTF-8"]
    env["HOME"] = FileManager.default.temporaryDirectory.path
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let outPipe = Pipe()
    let errPipe = Pipe()
    let input = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = input
    try process.run()
    for (pipe, sink) in [(outPipe, out), (errPipe, err)] {
      readers.enter()
      DispatchQueue.global().async { [readers] in
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        sink.withLock { $0 = data }
        readers.leave()
      }
    }
    // Written once the output is being read, so a large input cannot deadlock the two.
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
  }

  func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

  /// Waits for the process to end and returns what it wrote.
  func finish(timeout: TimeInterval = 60) throws -> Binary.Result {
    if readers.wait(timeout: .now() + timeout) == .timedOut {
      signal(SIGKILL)
      throw BinaryError.timedOut(process.arguments ?? [])
    }
    process.waitUntilExit()
    return Binary.Result(
      stdout: String(decoding: out.current, as: UTF8.self),
      stderr: String(decoding: err.current, as: UTF8.self), status: process.terminationStatus)
  }
}

enum BinaryError: Error {
  case timedOut([String])
}
