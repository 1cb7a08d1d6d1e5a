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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var env = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "LANG": "C.UTF-8"]
    env["HOME"] = FileManager.default.temporaryDirectory.path
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    let outData = Locked(Data())
    let errData = Locked(Data())
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
      group.enter()
      DispatchQueue.global().async {
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        sink.withLock { $0 = data }
        group.leave()
      }
    }
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    let deadline = DispatchTime.now() + timeout
    if group.wait(timeout: deadline) == .timedOut {
      process.terminate()
      throw BinaryError.timedOut(arguments)
    }
    process.waitUntilExit()
    return Result(
      stdout: String(decoding: outData.current, as: UTF8.self),
      stderr: String(decoding: errData.current, as: UTF8.self),
      status: process.terminationStatus)
  }
}

enum BinaryError: Error {
  case timedOut([String])
}
