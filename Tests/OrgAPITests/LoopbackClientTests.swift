import AstroCore
import Foundation
import Testing

@testable import OrgAPI

/// The whole client over real HTTP to the scripted server on 127.0.0.1. Waiting between
/// retries runs on a virtual clock, so the waits are checked without being slept.
@Suite struct LoopbackClientTests {
  private static let errorJSON = #"{"message":"slow down","requestId":"rq","statusCode":429}"#

  private func client(
    _ server: ScriptedServer, clock: VirtualClock = VirtualClock(), deadline: Double = 10,
    attempts: Int = 3
  ) throws -> APIClient {
    let transport = try HTTPTransport(
      configuration: .init(baseURL: server.url + "/v1alpha1", deadline: deadline, idleTimeout: 10))
    return APIClient(
      .init(
        transport: transport, token: Fixture.token, rateLimits: .unlimited,
        retry: RetryPolicy(maxAttempts: attempts, random: { 0 }), defaultOrganization: "o1",
        clock: clock.clock))
  }

  @Test func honoursRetryAfterSecondsFromTheServer() throws {
    let count = Locked(0)
    let counting = try ScriptedServer { _ in
      let n = count.withLock { c -> Int in
        c += 1
        return c
      }
      return n == 1 ? .json(429, Self.errorJSON, headers: [("Retry-After", "4")]) : .json(200, "[]")
    }
    defer { counting.stop() }
    let clock = VirtualClock()
    let ctx = TestContext(client: try client(counting, clock: clock))
    #expect(try Fixture.run("list_managed_domains", in: ctx) == .list([]))
    #expect(counting.requests.count == 2)
    #expect(clock.sleeps.current.reduce(0, +) >= 4)
  }

  @Test func retryAfterDateAndTheCap() throws {
    let far = HTTPDate.format(Date().addingTimeInterval(600))
    let server = try ScriptedServer { _ in .json(503, "{}", headers: [("Retry-After", far)]) }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let e = try #require(throwing { try Fixture.run("list_managed_domains", in: ctx) })
    #expect(server.requests.count == 1)
    #expect(e.message.contains("the server asked to wait"))
    #expect(e.message.contains("longer than the 60 s this client waits"))
    #expect(e.details["retryAfter"] == .string(far))
  }

  @Test func authorizationDoesNotFollowARedirectToAnotherHost() throws {
    let target = try ScriptedServer { _ in .json(200, "[]") }
    defer { target.stop() }
    let origin = try ScriptedServer { _ in
      ScriptedReply(
        status: 302, headers: [("Location", "http://localhost:\(target.port)/v1alpha1/x")])
    }
    defer { origin.stop() }
    let ctx = TestContext(client: try client(origin))
    try Fixture.run("list_managed_domains", in: ctx)
    #expect(origin.requests.first?.header("Authorization") == "Bearer \(Fixture.token)")
    #expect(target.requests.count == 1)
    #expect(target.requests.first?.header("Authorization") == nil)
  }

  @Test func aCreateAnsweredWithARedirectIsAnErrorThatSaysItMayHaveHappened() throws {
    let server = try ScriptedServer { r in
      r.method == "GET"
        ? .json(200, "[]")
        : ScriptedReply(status: 302, headers: [("Location", "http://127.0.0.1:9/login")])
    }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let e = try #require(
      throwing {
        try Fixture.run("create_managed_domain", flags: ["name": .string("r.example.com")], in: ctx)
      })
    #expect(e.category == .apiServer)
    #expect(e.code == "api_status_302")
    #expect(
      e.message.hasPrefix(
        "create_managed_domain failed with 302 redirect to 'http://127.0.0.1:9/login'; "
          + "a change is not sent on to a redirect's address, but the server may have made it"))
    #expect(server.requests.map(\.method) == ["POST"])
  }

  @Test func anAnswerOfTheWrongShapeIsAnError() throws {
    let server = try ScriptedServer { _ in .json(200, "[1,2,3]") }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let e = try #require(throwing { try Fixture.run("get_organization", [.string("o1")], in: ctx) })
    #expect(e.code == "api_bad_response")
    #expect(e.message == "the answer to get_organization should be an object, not list: '[1,2,3]'")
  }

  @Test func slowAnswerHitsTheDeadline() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "[]")
      r.delay = 2
      return r
    }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server, deadline: 0.2, attempts: 2))
    let e = try #require(throwing { try Fixture.run("list_managed_domains", in: ctx) })
    #expect(e.category == .network)
    #expect(e.code == "network_timed_out")
    #expect(e.message.hasPrefix("127.0.0.1:\(server.port) did not answer in time"))
    #expect(server.requests.count == 2)
  }

  @Test func malformedJSONIsReported() throws {
    let server = try ScriptedServer { _ in .json(200, "[{\"id\": \"d1\",,]") }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let e = try #require(throwing { try Fixture.run("list_managed_domains", in: ctx) })
    #expect(e.code == "api_bad_response")
  }

  @Test func truncatedBodyIsRetriedForGetButNotForCreate() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, String(repeating: " ", count: 500) + "[]")
      r.truncateBodyTo = 20
      return r
    }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let e = try #require(throwing { try Fixture.run("list_managed_domains", in: ctx) })
    #expect(e.code == "network_connection_lost")
    #expect(server.requests.count == 3)
    _ = throwing {
      try Fixture.run("create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    }
    #expect(server.requests.count == 4)
  }

  @Test func connectionResetIsANetworkError() throws {
    let server = try ScriptedServer { _ in ScriptedReply(reset: true) }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server, attempts: 1))
    let e = try #require(throwing { try Fixture.run("get_sso_bypass_key", in: ctx) })
    #expect(e.category == .network)
    #expect(e.message.contains("127.0.0.1:\(server.port)"))
  }

  @Test func refusedConnectionNamesTheHost() throws {
    let server = try ScriptedServer { _ in .json(200, "{}") }
    let ctx = TestContext(client: try client(server, attempts: 2))
    server.stop()
    Thread.sleep(forTimeInterval: 0.05)
    let e = try #require(throwing { try Fixture.run("get_sso_bypass_key", in: ctx) })
    #expect(e.code == "network_connection_failed")
    #expect(e.message.hasPrefix("cannot connect to 127.0.0.1:\(server.port)"))
  }

  @Test func largeAuditLogStreamsThrough() throws {
    // Random hex barely compresses, so the body is larger than what the transport keeps
    // in memory and the backlog spills to disk while the reader lags behind.
    var text = ""
    var rng = SystemRandomNumberGenerator()
    for i in 0..<170_000 {
      let noise = (0..<6).map { _ in String(rng.next(), radix: 16) }.joined()
      text += #"{"n":\#(i),"noise":"\#(noise)"}"# + "\n"
    }
    let gz = Gzip.compress(Array(text.utf8))
    #expect(gz.count > TaskBox.memoryLimit)
    let server = try ScriptedServer { _ in
      ScriptedReply(status: 200, headers: [("Content-Type", "application/gzip")], body: gz)
    }
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let builtin = APIBuiltins.builtin(for: Fixture.op("get_organization_audit_logs"))
    guard case .stream(let stream) = try builtin.run(CallArgs(), ctx) else {
      return #expect(Bool(false), "expected a stream")
    }
    Thread.sleep(forTimeInterval: 0.5)
    var count = 0
    var last: Value?
    while let v = try stream.next() {
      count += 1
      last = v
    }
    #expect(count == 170_000)
    #expect(last?.recordValue?["n"] == .int(169_999))
  }
}
