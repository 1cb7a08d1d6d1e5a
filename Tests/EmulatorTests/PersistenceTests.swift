import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("State persistence")
struct PersistenceTests {
  /// A fresh empty directory for one test.
  static func directory() throws -> String {
    let path = NSTemporaryDirectory() + "emu-state-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test(arguments: Target.allCases)
  func stateSurvivesARestart(target: Target) throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let options = EmulatorEngine.Options(stateFile: file)
    var domainId = ""
    var keyValue: Value?
    do {
      let h = try Harness(target, options: options)
      #expect(FileManager.default.fileExists(atPath: file), "the seed is saved at start")
      let created = try h.json(
        .post, "/organizations/demo-org/domains", json: #"{"name": "kept.example.com"}"#)
      domainId = try #require(created["id"]?.stringValue)
      keyValue = try h.json(.post, "/organizations/demo-org/sso-bypass-key")["bypassKey"]
      try h.json(.post, "/organizations/demo-org/domains/\(domainId)/verify")
    }
    let h = try Harness(target, options: options)
    let domain = try h.json(.get, "/organizations/demo-org/domains/\(domainId)")
    #expect(domain["status"] == .string("VERIFIED"))
    #expect(try h.json(.get, "/organizations/demo-org/sso-bypass-key")["bypassKey"] == keyValue)
    let next = try h.json(.post, "/organizations", json: #"{"name": "After"}"#)
    #expect(next["id"]?.stringValue != domainId, "the id serial carries over")
    let records = try AuditLogConformanceTests.records(h)
    let paths = records.compactMap { $0["path"]?.stringValue }
    #expect(paths.contains { $0.hasSuffix("/verify") }, "the audit log is kept too")
    let ids = records.compactMap { $0["requestId"]?.stringValue }
    #expect(Set(ids).count == ids.count, "request ids do not repeat after a restart")
  }

  @Test func savedStateReadsBackEqual() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let engine = try EmulatorEngine(options: .init(stateFile: dir + "/s.json"))
    let sandbox = Sandbox(engine: engine, defaultToken: "t")
    let body = SsoConformanceTests.connectionBody([DemoSeed.verifiedDomains[1]], name: "kept")
    let request = APIRequest(
      method: .post, path: "/organizations/demo-org/sso-connections", body: Array(body.utf8))
    #expect(try sandbox.send(request) { false }.status == 200)
    let reloaded = try EmulatorEngine(options: .init(stateFile: dir + "/s.json"))
    #expect(reloaded.snapshot == engine.snapshot)
  }

  @Test func writesAreAtomic() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let engine = try EmulatorEngine(options: .init(stateFile: file))
    let stop = Locked(false)
    let torn = Locked(0)
    let reads = Locked(0)
    let reader = Thread {
      while !stop.current {
        // Every read must see a whole file: the old one or the new one.
        if let data = FileManager.default.contents(atPath: file) {
          if (try? JSON.parse(data)) == nil { torn.withLock { $0 += 1 } }
          reads.withLock { $0 += 1 }
        }
      }
    }
    reader.start()
    for i in 0..<60 {
      let body = Array(#"{"name": "atomic-\#(i).example.com"}"#.utf8)
      let reply = engine.respond(
        APIRequest(
          method: .post, path: "/organizations/demo-org/domains",
          headers: [("Authorization", "Bearer t")], body: body))
      #expect(reply?.response.status == 200)
    }
    while reads.current < 10 { usleep(1000) }
    stop.withLock { $0 = true }
    #expect(torn.current == 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(leftovers == ["state.json", "state.json.lock"], "no temporary files are left behind")
  }

  @Test(arguments: [
    ("{not json", "not valid JSON"),
    (#"{"format": "something-else"}"#, "not an astrosh emulator state file"),
    (
      #"{"format": "astrosh-emulator-state", "version": 1, "nextSerial": 3, "organizations": "#
        + #"[{"id": "x"}], "audit": []}"#, "'organizations[0].name' is missing"
    ),
  ])
  func corruptFileIsAClearError(content: String, mentions: String) throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    try content.write(toFile: file, atomically: false, encoding: .utf8)
    let error = #expect(throws: StateFileError.self) {
      try EmulatorEngine(options: .init(stateFile: file))
    }
    #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
    #expect(error?.message.contains(file) == true)
  }

  @Test func unwritableLocationIsAClearError() throws {
    let error = #expect(throws: StateFileError.self) {
      try EmulatorEngine(options: .init(stateFile: "/nonexistent-dir-for-emu/state.json"))
    }
    #expect(error?.message.contains("cannot save the state file") == true)
  }
}

/// Two processes saving over one state file would lose each other's changes.
struct StateFileClaimTests {
  @Test func aSecondProcessIsRefusedTheStateFile() throws {
    let dir = NSTemporaryDirectory() + "claim-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    // Another process holds the lock; it says so once it has it.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/bin/sh")
    holder.arguments = [
      "-c", "exec 9>\"$0\"; flock --exclusive 9; echo locked; exec sleep 30", file + ".lock",
    ]
    let ready = Pipe()
    holder.standardOutput = ready
    try holder.run()
    defer { holder.terminate() }
    let line = String(decoding: ready.fileHandleForReading.availableData, as: UTF8.self)
    #expect(line.hasPrefix("locked"))
    let error = #expect(throws: StateFileError.self) {
      try EmulatorEngine(options: .init(stateFile: file))
    }
    #expect(
      error?.message
        == "the state file '\(file)' is in use by another astrosh; stop it or choose another file")
    #expect(error?.kind == .inUse)
    #expect(
      FileManager.default.fileExists(atPath: file + ".lock"),
      "the lock file of the process using the state stays")
    #expect(!FileManager.default.fileExists(atPath: file), "the state file is not touched")
  }

}
