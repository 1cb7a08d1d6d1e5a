import AstroCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `astrosh serve` on a free loopback port, started by one test and stopped after it.
final class ServedEmulator {
  let process = Process()
  let port: Int

  /// Starts the emulator with extra options (`--latency POST=100`, `--fail-verify …`).
  init(_ options: [String] = []) throws {
    process.executableURL = URL(fileURLWithPath: Binary.path)
    process.arguments = ["serve", "--port", "0", "--quiet"] + options
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The first line says where it listens: "... listening on http://127.0.0.1:PORT/v1alpha1".
    var text = ""
    while !text.contains("\n") {
      let data = out.fileHandleForReading.availableData
      if data.isEmpty { break }
      text += String(decoding: data, as: UTF8.self)
    }
    guard let range = text.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
      let port = Int(text[range].split(separator: ":")[1])
    else {
      process.terminate()
      throw BulkTestError.emulator(text)
    }
    self.port = port
  }

  deinit { stop() }

  func stop() {
    guard process.isRunning else { return }
    process.terminate()
    process.waitUntilExit()
  }

  var baseURL: String { "http://127.0.0.1:\(port)/v1alpha1" }

  /// What astrosh needs to talk to this emulator.
  var environment: [String: String] {
    [
      "ASTRO_API_TOKEN": "bulk-test-token", "ASTRO_API_URL": baseURL,
      "ASTRO_ORGANIZATION_ID": "demo-org",
    ]
  }

  /// Posts to the control endpoint (`faults`, `reset`).
  func control(_ path: String, _ json: String = "{}") throws {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/_emulator/\(path)")!)
    request.httpMethod = "POST"
    request.httpBody = Data(json.utf8)
    request.setValue("Bearer bulk-test-token", forHTTPHeaderField: "Authorization")
    let done = DispatchSemaphore(value: 0)
    let status = Locked(0)
    URLSession.shared.dataTask(with: request) { _, response, _ in
      let code = (response as? HTTPURLResponse)?.statusCode ?? 0
      status.withLock { $0 = code }
      done.signal()
    }.resume()
    _ = done.wait(timeout: .now() + 10)
    guard status.current == 200 else { throw BulkTestError.control(path, status.current) }
  }

  /// Runs astrosh against this emulator and parses its NDJSON output.
  func records(_ code: String) throws -> [[String: Any]] {
    let result = try Binary.run(
      ["--output", "ndjson", "-c", code], environment: environment)
    guard result.status == 0 else { throw BulkTestError.astrosh(result.stderr) }
    return result.stdout.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
  }

  /// How many create requests reached the emulator for each domain name (from its audit
  /// log, which records every change, refused ones included).
  func domainCreates() throws -> [String: Int] {
    let events = try records(#"get_organization_audit_logs --earliest 1 | where method == "POST""#)
    var counts: [String: Int] = [:]
    for event in events {
      guard let path = event["path"] as? String, path.hasSuffix("/domains"),
        let name = (event["requestBody"] as? [String: Any])?["name"] as? String
      else { continue }
      counts[name, default: 0] += 1
    }
    return counts
  }
}

enum BulkTestError: Error {
  case emulator(String)
  case control(String, Int)
  case astrosh(String)
}

/// A scratch directory for one test, removed by `remove()`.
struct ScratchDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func write(_ name: String, _ text: String) throws {
    try text.write(toFile: path(name), atomically: true, encoding: .utf8)
  }

  func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The repository's `examples/NAME.astro`.
func example(_ name: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/\(name)").path
}
