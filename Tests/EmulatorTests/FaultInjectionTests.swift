import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("Conformance: fault injection")
struct FaultInjectionTests {
  static let domains = "/organizations/demo-org/domains"

  @Test(arguments: Target.allCases)
  func rateLimitAnswers429WithRetryAfter(target: Target) throws {
    // One request per 100 s: the bucket holds one token, so the second POST is over.
    let faults = FaultConfig(rateLimits: [.post: 0.01])
    let h = try Harness(target, options: EmulatorEngine.Options(faults: faults))
    #expect(
      try h.call(.post, "\(Self.domains)/\(DemoSeed.pendingDomains[0].id)/verify").status == 200)
    let limited = try h.call(.post, "\(Self.domains)/\(DemoSeed.pendingDomains[1].id)/verify")
    #expect(limited.status == 429)
    #expect(limited.header("Retry-After") == "100")
    Conformance.expectError(
      try JSON.parse(String(decoding: limited.body, as: UTF8.self)), status: 429)
    #expect(try h.call(.get, Self.domains).status == 200, "other methods have their own bucket")
  }

  @Test(arguments: Target.allCases)
  func nthRequestsFail(target: Target) throws {
    let faults = FaultConfig(failNth: [NthRule(method: .get, ordinals: [2, 4], status: 503)])
    let h = try Harness(target, options: EmulatorEngine.Options(faults: faults))
    let responses = try (1...5).map { _ in try h.call(.get, Self.domains) }
    #expect(responses.map(\.status) == [200, 503, 200, 503, 200])
    let failure = try JSON.parse(String(decoding: responses[1].body, as: UTF8.self))
    Conformance.expectError(failure, status: 503)
  }

  @Test(arguments: Target.allCases)
  func shareOfRequestsFailsDeterministically(target: Target) throws {
    let faults = FaultConfig(failShare: 0.5, failStatus: 500, seed: 42)
    let h = try Harness(target, options: EmulatorEngine.Options(faults: faults))
    let statuses = try (1...40).map { _ in try h.call(.get, Self.domains).status }
    #expect(Set(statuses) == [200, 500])
    let gate = FaultGate(faults)
    let expected = (1...40).map { _ in gate.decide(method: .get) == .pass ? 200 : 500 }
    #expect(statuses == expected, "the seeded generator gives the same sequence")
  }

  @Test(arguments: Target.allCases)
  func droppedConnectionsGetNoAnswer(target: Target) throws {
    let faults = FaultConfig(dropNth: [NthRule(method: .post, ordinals: [1])])
    let h = try Harness(target, options: EmulatorEngine.Options(faults: faults))
    let path = "\(Self.domains)/\(DemoSeed.pendingDomains[0].id)/verify"
    #expect(throws: TransportError.self) { try h.call(.post, path) }
    #expect(
      try h.json(.get, "\(Self.domains)/\(DemoSeed.pendingDomains[0].id)")["status"]
        == .string("PENDING"), "a dropped call never ran")
    #expect(try h.call(.post, path).status == 200)
  }

  @Test(arguments: Target.allCases)
  func latencyDelaysWithoutBreaking(target: Target) throws {
    let faults = FaultConfig(latencyMs: [.get: 20])
    let h = try Harness(target, options: EmulatorEngine.Options(faults: faults))
    #expect(try h.call(.get, Self.domains).status == 200)
    let auth = [(name: "Authorization", value: "Bearer t")]
    let get = APIRequest(method: .get, path: Self.domains, headers: auth)
    let post = APIRequest(method: .post, path: Self.domains, headers: auth)
    #expect(h.engine.admit(get).latencyMs == 20)
    #expect(h.engine.admit(post).latencyMs == 0)
  }

  @Test func sandboxCancelsDuringLatency() throws {
    let engine = try EmulatorEngine(
      options: EmulatorEngine.Options(faults: FaultConfig(latencyAllMs: 600_000)))
    let sandbox = Sandbox(engine: engine, defaultToken: "t")
    let request = APIRequest(
      method: .post, path: "/organizations", body: Array(#"{"name": "Never"}"#.utf8))
    let polls = Locked(0)
    let error = #expect(throws: TransportError.self) {
      try sandbox.send(request) {
        polls.withLock {
          $0 += 1
          return $0 > 2
        }
      }
    }
    #expect(error?.reason == .cancelled)
    #expect(engine.snapshot.organizations.count == 1, "the cancelled create never ran")
  }

  @Test func slowRequestDoesNotStallOthers() throws {
    let engine = try EmulatorEngine(
      options: EmulatorEngine.Options(faults: FaultConfig(latencyMs: [.post: 600_000])))
    let server = EmulatorServer(engine: engine, configuration: .init(threads: 2))
    try server.start()
    let transport = try HTTPTransport(configuration: .init(baseURL: server.baseURL))
    let auth = [(name: "Authorization", value: "Bearer t")]
    let slowStatus = Locked<Int?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      let request = APIRequest(
        method: .post, path: "/organizations", headers: auth, body: Array(#"{"name":"S"}"#.utf8))
      let status = try? transport.send(request) { false }.status
      slowStatus.withLock { $0 = status }
      done.signal()
    }
    // Several quick requests complete while the slow one is suspended.
    for _ in 0..<5 {
      let quick = try transport.send(
        APIRequest(method: .get, path: "/organizations", headers: auth)
      ) {
        false
      }
      #expect(quick.status == 200)
    }
    #expect(slowStatus.current == nil, "the slow request is still waiting")
    server.stop()
    done.wait()
    #expect(slowStatus.current == 503, "stopping answers waiting requests with 503")
  }

  @Test(arguments: Target.allCases)
  func controlEndpointChangesFaultsMidRun(target: Target) throws {
    let h = try Harness(target)
    try h.error(.get, "/_emulator/faults", token: nil, expect: 401)
    #expect(try h.json(.get, "/_emulator/faults") == .record(Record()))
    let set = try h.json(
      .post, "/_emulator/faults",
      json: #"{"failNth": [{"method": "GET", "nth": [1], "status": 500}], "latencyMs": 0}"#)
    #expect(set["failNth"]?.listValue?.count == 1)
    #expect(try h.call(.get, Self.domains).status == 500)
    #expect(try h.call(.get, Self.domains).status == 200)
    let bad = try h.error(.post, "/_emulator/faults", json: #"{"failshare": 1}"#, expect: 400)
    #expect(bad.contains("unknown fault 'failshare'"))
    try h.json(.post, "/_emulator/faults", json: "{}")
    #expect(h.engine.faults == .none)
  }

  @Test(arguments: Target.allCases)
  func controlEndpointCapsLatencyAsTheFlagsDo(target: Target) throws {
    let h = try Harness(target)
    let cap = FaultConfig.maxLatencyMs
    #expect(cap == 600_000)
    for body in [#"{"latencyMs": 99999999}"#, #"{"latencyMs": \#(cap + 1)}"#] {
      let message = try h.error(.post, "/_emulator/faults", json: body, expect: 400)
      #expect(message == "Invalid request: latencyMs must be milliseconds from 0 to 600000")
    }
    #expect(h.engine.faults == .none, "a refused configuration changes nothing")
    try h.json(.post, "/_emulator/faults", json: #"{"latencyMs": \#(cap)}"#)
    #expect(h.engine.faults.latencyAllMs == cap)
  }

  @Test(arguments: Target.allCases)
  func controlEndpointResetsAndSeedsAuditEvents(target: Target) throws {
    let h = try Harness(target)
    try h.json(.post, "/organizations", json: #"{"name": "Temp"}"#)
    try h.json(.post, "/_emulator/reset")
    #expect(try h.json(.get, "/organizations").listValue?.count == 1)
    let set = try h.json(.post, "/_emulator/audit-events", json: #"{"count": 50}"#)
    #expect(set["count"] == .int(50))
    #expect(try AuditLogConformanceTests.records(h).count == 51)
    for count in ["99999999999999", "-1"] {
      try h.error(.post, "/_emulator/audit-events", json: #"{"count": \#(count)}"#, expect: 400)
    }
    #expect(try AuditLogConformanceTests.records(h).count == 51)
    try h.error(.get, "/_emulator/reset", expect: 405)
    try h.error(.get, "/_emulator/nothing", expect: 404)
  }

  @Test func faultConfigJSONRoundTrips() throws {
    let config = FaultConfig(
      rateLimits: [.post: 5, .get: 10], failShare: 0.25, failStatus: 500,
      failNth: [NthRule(method: nil, ordinals: [3], status: 503)], latencyAllMs: 5,
      latencyMs: [.delete: 9], dropShare: 0.1, dropNth: [NthRule(method: .get, ordinals: [2])],
      failVerify: ["*.bad.example.com"], seed: 9)
    let back = try FaultConfig(json: config.json)
    #expect(back.json == config.json)
    #expect(back.verificationFails(for: "x.BAD.example.com"))
    #expect(!back.verificationFails(for: "bad.example.com"))
  }

  @Test(arguments: [
    (#"[]"#, "must be an object"),
    (#"{"failShare": 2}"#, "from 0 to 1"),
    (#"{"failStatus": 404}"#, "5xx"),
    (#"{"rateLimits": {"PUT": 1}}"#, "not GET, POST or DELETE"),
    (#"{"rateLimits": {"GET": 0}}"#, "positive"),
    (#"{"failNth": [{"method": "GET", "nth": []}]}"#, "non-empty list"),
    (#"{"dropNth": [{"nth": [0]}]}"#, "ordinals from 1"),
    (#"{"latencyMs": {"GET": -1}}"#, "latencyMs.GET must be milliseconds from 0 to 600000"),
    (#"{"latencyMs": {"*": 600001}}"#, "latencyMs.* must be milliseconds from 0 to 600000"),
    (#"{"latencyMs": -1}"#, "latencyMs must be milliseconds from 0 to 600000"),
    (#"{"failVerify": ["a", 1]}"#, "domain-name patterns"),
  ])
  func badFaultConfigsAreRefused(json: String, mentions: String) throws {
    let error = #expect(throws: FaultConfigError.self) { try FaultConfig(json: JSON.parse(json)) }
    #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
  }
}
