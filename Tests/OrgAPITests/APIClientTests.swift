import AstroCore
import Foundation
import Testing

@testable import OrgAPI

@Suite struct APIClientTests {
  private static func reply(
    _ status: Int, _ json: String, headers: [(name: String, value: String)] = []
  )
    -> APIResponse
  {
    APIResponse(status: status, headers: headers, body: Array(json.utf8))
  }

  private let errorBody = #"{"message":"domain not found","requestId":"req-1","statusCode":404}"#

  @Test func retriesAGetAfter503ThenSucceeds() throws {
    let transport = RecordingTransport { _, n in
      n < 2
        ? Self.reply(503, #"{"message":"busy","requestId":"r","statusCode":503}"#)
        : Self.reply(200, "[]")
    }
    let clock = VirtualClock()
    let ctx = TestContext(client: Fixture.client(transport, clock: clock))
    #expect(try Fixture.run("list_managed_domains", in: ctx) == .list([]))
    #expect(transport.requests.count == 3)
    #expect(clock.sleeps.current.reduce(0, +) >= 0.375 + 0.75)
  }

  @Test func honoursRetryAfterOn429() throws {
    let transport = RecordingTransport { _, n in
      n == 0 ? Self.reply(429, "{}", headers: [("Retry-After", "2")]) : Self.reply(200, "{}")
    }
    let clock = VirtualClock()
    let ctx = TestContext(client: Fixture.client(transport, clock: clock))
    try Fixture.run("verify_managed_domain", [.string("d1")], in: ctx)
    #expect(transport.requests.count == 2)
    #expect(clock.elapsed >= 2)
  }

  @Test func createIsNotReplayedAfterAServerError() throws {
    let transport = RecordingTransport(
      status: 502, json: #"{"message":"bad gateway","requestId":"r2","statusCode":502}"#)
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(
      throwing {
        try Fixture.run("create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
      })
    #expect(transport.requests.count == 1)
    #expect(e.category == .apiServer)
    #expect(
      e.message
        == "create_managed_domain failed with 502 bad gateway: bad gateway; not retried: the "
        + "server may have acted on this POST (pass --retry-unsafe to replay it)")
  }

  @Test func retryUnsafeReplaysTheCreate() throws {
    let transport = RecordingTransport { _, n in
      n == 0 ? Self.reply(503, "{}") : Self.reply(200, #"{"id":"d1"}"#)
    }
    let client = Fixture.client(transport, retry: RetryPolicy(retryUnsafe: true, random: { 0 }))
    let ctx = TestContext(client: client)
    try Fixture.run("create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    #expect(transport.requests.count == 2)
  }

  @Test func refusedConnectionIsRetriedEvenForACreate() throws {
    let transport = RecordingTransport { _, n in
      if n == 0 { throw TransportError(.connectionFailed, host: "h", detail: "connection refused") }
      return Self.reply(200, "{}")
    }
    let ctx = TestContext(client: Fixture.client(transport))
    try Fixture.run("create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    #expect(transport.requests.count == 2)
  }

  @Test func apiErrorIsARecordWithStatusAndRequestId() throws {
    let transport = RecordingTransport(status: 404, json: errorBody)
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(
      throwing { try Fixture.run("get_managed_domain", [.string("d1")], in: ctx) })
    #expect(e.category == .apiClient)
    #expect(e.code == "api_not_found")
    #expect(e.message == "get_managed_domain failed with 404 not found: domain not found")
    #expect(e.hint == "list_managed_domains shows the domains and their ids")
    let r = e.asRecord
    #expect(r["status"] == .int(404))
    #expect(r["requestId"] == .string("req-1"))
    #expect(r["operation"] == .string("get_managed_domain"))
    #expect(r["path"] == .string("/organizations/o1/domains/d1"))
    #expect(r["category"] == .string("api_client"))
  }

  @Test func errorThatIsNotTheErrorShapeIsStillClear() throws {
    let transport = RecordingTransport { _, _ in
      APIResponse(
        status: 500, headers: [("X-Request-Id", "rq9")], body: Array("<html>oops</html>".utf8))
    }
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(throwing { try Fixture.run("list_sso_connections", in: ctx) })
    #expect(e.category == .apiServer)
    #expect(
      e.message
        == "list_sso_connections failed with 500 internal server error; the answer is not the "
        + "API's error format: '<html>oops</html>'")
    #expect(e.details["requestId"] == .string("rq9"))
  }

  @Test func bodyThatIsNotJSONIsAClearError() throws {
    let transport = RecordingTransport(status: 200, json: #"{"id":"d1","name":"#)
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(
      throwing { try Fixture.run("get_managed_domain", [.string("d1")], in: ctx) })
    #expect(e.code == "api_bad_response")
    #expect(e.message.hasPrefix("the answer to get_managed_domain is not valid JSON ("))
    #expect(e.message.hasSuffix(#": '{"id":"d1","name":'"#))
  }

  @Test func networkFailureNamesHostAndCause() throws {
    let transport = RecordingTransport { _, _ in
      throw TransportError(.timedOut, host: "api.example:8443", detail: "no answer within 60 s")
    }
    let ctx = TestContext(
      client: Fixture.client(transport, retry: RetryPolicy(maxAttempts: 2, random: { 0 })))
    let e = try #require(throwing { try Fixture.run("list_managed_domains", in: ctx) })
    #expect(transport.requests.count == 2)
    #expect(e.category == .network)
    #expect(
      e.message
        == "api.example:8443 did not answer in time: no answer within 60 s; gave up after 2 attempts"
    )
    #expect(e.details["host"] == .string("api.example:8443"))
  }

  @Test func noContentIsNull() throws {
    let transport = RecordingTransport { _, _ in APIResponse(status: 204) }
    let ctx = TestContext(client: Fixture.client(transport))
    #expect(try Fixture.run("delete_managed_domain", [.string("d1")], in: ctx) == .null)
  }

  @Test func resultsKeepUnknownKeysAndValues() throws {
    let json = #"{"id":"d1","status":"QUARANTINED","brandNew":{"x":1},"enforcedLogins":null}"#
    let ctx = TestContext(client: Fixture.client(RecordingTransport(status: 200, json: json)))
    #expect(try Fixture.run("get_managed_domain", [.string("d1")], in: ctx) == Fixture.json(json))
  }

  @Test func missingTokenIsAClearErrorButAuthIdsNeedNone() throws {
    let transport = RecordingTransport(status: 200, json: "[]")
    let client = APIClient(.init(transport: transport, token: nil, rateLimits: .unlimited))
    let ctx = TestContext(client: client)
    let e = try #require(throwing { try Fixture.run("list_organizations", in: ctx) })
    #expect(e.code == "missing_token")
    #expect(transport.requests.isEmpty)
    try Fixture.run("list_organization_auth_ids", flags: ["email": .string("a@b.example")], in: ctx)
    #expect(transport.requests.count == 1)
  }

  @Test func useOrganizationSetsTheDefault() throws {
    let transport = RecordingTransport(status: 200, json: "[]")
    let ctx = TestContext(client: Fixture.client(transport, org: nil))
    let use = APIBuiltins.useOrganization
    #expect(try use.run(CallArgs(), ctx).collect() == .null)
    _ = try use.run(CallArgs(positional: [.string("acme")]), ctx)
    #expect(try use.run(CallArgs(), ctx).collect() == .string("acme"))
    _ = try use.run(CallArgs(input: .value(Fixture.json(#"{"id":"o42"}"#))), ctx)
    try Fixture.run("list_managed_domains", in: ctx)
    #expect(transport.requests.last?.path == "/organizations/o42/domains")
  }
}

/// The error `body` throws, as a ShellError.
func throwing(_ body: () throws -> Any) -> ShellError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error as? ShellError
  }
}
