import AstroCore
import Testing

@testable import OrgAPI

@Suite struct DryRunAndTraceTests {
  private let secretConfig = Value.record(
    Record([
      ("strategy", .string("waad")), ("azureClientId", .string("client-1")),
      ("azureClientSecret", .string("AZURE-SECRET-VALUE")),
      ("azureDomainName", .string("a.example")),
    ]))

  @Test func dryRunSendsNoMutatingRequestAtAll() throws {
    let transport = RecordingTransport(status: 200, json: "{}")
    let ctx = TestContext(client: Fixture.client(transport, dryRun: true))
    let mutating = Operations.all.filter(\.isMutating)
    #expect(mutating.count == 12)
    try Fixture.run("create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    try Fixture.run("delete_managed_domain", [.string("d1")], in: ctx)
    try Fixture.run("verify_managed_domain", [.string("d1")], in: ctx)
    try Fixture.run("upsert_sso_bypass_key", in: ctx)
    let items = Fixture.json(#"[{"id":"d1"},{"id":"d2"}]"#)
    try Fixture.run("verify_managed_domain", input: .value(items), in: ctx)
    // Calls on existing objects read them (to stand in for the answer), and only that.
    #expect(transport.requests.allSatisfy { $0.method == .get })
  }

  @Test func aCreatedStandInChainsWithoutAnyRequest() throws {
    let transport = RecordingTransport(status: 200, json: "{}")
    let ctx = TestContext(client: Fixture.client(transport, dryRun: true))
    let created = try Fixture.run(
      "create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    #expect(created.recordValue?["id"] == .string("dry-run-1"))
    #expect(created.recordValue?["status"] == .string("PENDING"))
    let verified = try Fixture.run("verify_managed_domain", input: .value(created), in: ctx)
    let record = try #require(verified.listValue?.first?.recordValue ?? verified.recordValue)
    #expect(record["id"] == .string("dry-run-1"))
    #expect(record["name"] == .string("a.example"))
    #expect(record["status"] == .string("VERIFIED"))
    #expect(transport.requests.isEmpty, "a placeholder id is never sent, not even in a GET")
    let second = try Fixture.run(
      "create_managed_domain", flags: ["name": .string("b.example")], in: ctx)
    #expect(second.recordValue?["id"] == .string("dry-run-2"))
  }

  @Test func aCallOnAnExistingObjectStandsInWithItsFields() throws {
    let transport = RecordingTransport(
      status: 200, json: #"{"id":"d1","name":"d.example","status":"PENDING"}"#)
    let ctx = TestContext(client: Fixture.client(transport, dryRun: true))
    let result = try Fixture.run("verify_managed_domain", [.string("d1")], in: ctx)
    #expect(result.recordValue?["name"] == .string("d.example"))
    #expect(result.recordValue?["status"] == .string("VERIFIED"))
    #expect(result.recordValue?["organizationId"] == .string("o1"))
    #expect(transport.requests.map(\.method) == [.get])
  }

  @Test func theBypassKeyStandsInForItselfNotForItsOrganization() throws {
    let transport = RecordingTransport(
      status: 200, json: #"{"bypassKey":"KEY-SECRET-1","organizationId":"o1"}"#)
    let ctx = TestContext(client: Fixture.client(transport, dryRun: true))
    for name in ["upsert_sso_bypass_key", "delete_sso_bypass_key"] {
      let record = try #require(try Fixture.run(name, in: ctx).recordValue)
      #expect(record["id"] == nil, "\(name)")
      #expect(record["bypassKey"] == .string(Redactor.marker), "\(name)")
      #expect(record["operation"] == .string(name))
    }
    #expect(transport.requests.map(\.method) == [.get, .get])
    #expect(transport.requests.allSatisfy { $0.path == "/organizations/o1/sso-bypass-key" })
    // No key yet: an upsert would make one, so the 404 is no error.
    let none = RecordingTransport(status: 404, json: #"{"message":"no key","statusCode":404}"#)
    let fresh = TestContext(client: Fixture.client(none, dryRun: true))
    let planned = try #require(try Fixture.run("upsert_sso_bypass_key", in: fresh).recordValue)
    #expect(planned["organizationId"] == .string("o1"))
    #expect(planned["dryRun"] == .bool(true))
  }

  @Test func dryRunStillRunsGets() throws {
    let transport = RecordingTransport(status: 200, json: "[]")
    let ctx = TestContext(client: Fixture.client(transport, dryRun: true))
    try Fixture.run("list_managed_domains", in: ctx)
    #expect(transport.requests.count == 1)
  }

  @Test func dryRunPrintsAndReturnsThePlannedCall() throws {
    let ctx = TestContext(client: Fixture.client(RecordingTransport(), dryRun: true))
    let result = try Fixture.run(
      "create_managed_domain", flags: ["name": .string("a.example")], in: ctx)
    #expect(ctx.stderr == #"dry-run: POST /organizations/o1/domains {"name":"a.example"}"# + "\n")
    #expect(
      result
        == Fixture.json(
          #"{"organizationId":"o1","name":"a.example","createdAt":null,"enforcedLogins":null,"#
            + #""id":"dry-run-1","status":"PENDING","updatedAt":null,"dryRun":true,"#
            + #""operation":"create_managed_domain","method":"POST","#
            + #""path":"/organizations/o1/domains"}"#))
  }

  @Test func dryRunRedactsSecrets() throws {
    let ctx = TestContext(client: Fixture.client(RecordingTransport(), dryRun: true))
    let result = try Fixture.run(
      "create_sso_connection",
      flags: [
        "auth0-connection-name": .string("azure"), "configuration": secretConfig,
        "managed-domains": Fixture.json(#"[{"id":"d1","name":"a.example"}]"#),
      ], in: ctx)
    #expect(!ctx.stderr.contains("AZURE-SECRET-VALUE"))
    #expect(ctx.stderr.contains(#""azureClientSecret":"[redacted]""#))
    #expect(!JSON.serialize(result).contains("AZURE-SECRET-VALUE"))
  }

  @Test func traceShowsEachExchangeWithoutSecrets() throws {
    let transport = RecordingTransport { _, _ in
      APIResponse(
        status: 200, headers: [("X-Request-Id", "rq1")],
        body: Array(#"{"organizationId":"o1","bypassKey":"BYPASS-SECRET"}"#.utf8))
    }
    let ctx = TestContext(client: Fixture.client(transport, trace: true))
    let result = try Fixture.run("upsert_sso_bypass_key", in: ctx)
    let lines = ctx.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0] == "trace: #1 > POST /organizations/o1/sso-bypass-key")
    #expect(
      lines[1]
        == "trace: #1 > Accept: application/json, User-Agent: astrosh/\(AstroshVersion.current), "
        + "Authorization: Bearer [redacted]")
    #expect(lines[2].hasPrefix("trace: #1 < 200 in "))
    #expect(
      lines[2].hasSuffix(
        #" request rq1, 51 bytes '{"organizationId":"o1","bypassKey":"[redacted]"}'"#))
    #expect(!ctx.stderr.contains(Fixture.token))
    #expect(!ctx.stderr.contains("BYPASS-SECRET"))
    // The value itself reaches the user; only its display is redacted.
    #expect(result.recordValue?["bypassKey"] == .string("BYPASS-SECRET"))
  }

  @Test func traceRedactsSecretsInRequestBodiesAndRetries() throws {
    let transport = RecordingTransport { _, n in
      APIResponse(
        status: n == 0 ? 429 : 200, headers: [("Retry-After", "0")], body: Array("{}".utf8))
    }
    let ctx = TestContext(client: Fixture.client(transport, trace: true))
    try Fixture.run(
      "update_sso_connection", [.string("c1")],
      flags: [
        "configuration": secretConfig, "enabled": .bool(true),
        "idp-initiated-login-enabled": .bool(false),
        "managed-domains": Fixture.json(#"[{"id":"d1","name":"a.example"}]"#),
      ], in: ctx)
    #expect(ctx.stderr.contains("retry 2/5 in "))
    #expect(ctx.stderr.contains("after 429"))
    #expect(!ctx.stderr.contains("AZURE-SECRET-VALUE"))
  }

  @Test func errorMessagesAreRedacted() throws {
    let body =
      #"{"message":"key BYPASS-1 rejected for tok-SECRET-1234567890","requestId":"r","statusCode":400}"#
    let ctx = TestContext(client: Fixture.client(RecordingTransport(status: 400, json: body)))
    let e = try #require(throwing { try Fixture.run("get_sso_bypass_key", in: ctx) })
    #expect(!e.message.contains(Fixture.token))
    #expect(e.message.contains("[redacted]"))
    let raw = #"{"bypassKey":"BYPASS-77","oops"#
    let ctx2 = TestContext(client: Fixture.client(RecordingTransport(status: 502, json: raw)))
    let e2 = try #require(throwing { try Fixture.run("get_sso_bypass_key", in: ctx2) })
    #expect(!e2.message.contains("BYPASS-77"))
  }
}

extension DryRunAndTraceTests {
  @Test func aSecretSentIsRedactedWhereTheServerQuotesItBack() throws {
    // A server that quotes the request back in its error, certificate line breaks escaped.
    let quoted =
      #"{"message":"bad body: {\"samlSigningCert\":\"CERT\\nSECRET42\"}","statusCode":400}"#
    let transport = RecordingTransport(status: 400, json: quoted)
    let ctx = TestContext(client: Fixture.client(transport, trace: true))
    let e = try #require(
      throwing {
        try Fixture.run(
          "create_sso_connection",
          [
            Fixture.json(
              #"{"auth0ConnectionName":"xyz","configuration":{"strategy":"samlp","#
                + #""samlSigningCert":"CERT\nSECRET42"},"#
                + #""managedDomains":[{"id":"d","name":"d.example"}]}"#)
          ], in: ctx)
      })
    #expect(!e.message.contains("SECRET42"), "\(e.message)")
    #expect(e.message.contains("[redacted]"))
    #expect(!ctx.stderr.contains("SECRET42"), "\(ctx.stderr)")
    #expect(ctx.stderr.contains("trace: #1 < 400"), "the trace was on")
  }
}

@Suite struct RedactorTests {
  let r = Redactor(secretValues: ["tok-SECRET-1234567890"])

  @Test func redactsSecretKeysAtAnyDepth() {
    let v = Fixture.json(
      #"{"a":[{"configuration":{"samlSigningCert":"PEM","strategy":"samlp"}}],"bypassKey":null}"#)
    #expect(
      r.redact(v)
        == Fixture.json(
          #"{"a":[{"configuration":{"samlSigningCert":"[redacted]","strategy":"samlp"}}],"bypassKey":null}"#
        ))
  }

  @Test func redactsTruncatedJSONText() {
    #expect(
      r.redact(json: #"{"bypassKey": "abc\"def", "x": 1"#) == #"{"bypassKey": "[redacted]", "x": 1"#
    )
    #expect(
      r.redact(json: #"[{"azureClientSecret":"cut-off"#) == #"[{"azureClientSecret":"[redacted]""#)
  }

  @Test func redactsTargets() {
    #expect(r.redact(target: "/auth/sso-bypass-keys/KEY123") == "/auth/sso-bypass-keys/[redacted]")
    #expect(r.redact(target: "/x?bypassKey=abc&y=1") == "/x?bypassKey=[redacted]&y=1")
    #expect(r.redact(target: "/x?t=tok-SECRET-1234567890") == "/x?t=[redacted]")
  }
}
