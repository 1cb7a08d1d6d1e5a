import AstroCore
import Testing

@testable import OrgAPI

/// One builtin call and the exact request it must produce.
struct RequestCase: CustomTestStringConvertible, Sendable {
  var name: String
  var positional: [Value] = []
  var flags: [String: Value] = [:]
  var method: HTTPMethod
  var target: String
  var body: String?
  var auth = true

  var testDescription: String { name }
}

@Suite struct RequestBuildingTests {
  static let sso = Value.record(
    Record([
      ("strategy", .string("samlp")), ("samlSignInUrl", .string("https://idp.example/sso")),
    ]))
  static let domains = Value.list([
    .record(Record([("id", .string("d1")), ("name", .string("a.example"))]))
  ])
  static let event = Value.record(
    Record([
      ("connection", .record(Record([("strategy", .string("samlp"))]))),
      ("user", .record(Record([("email", .string("u@a.example"))]))),
    ]))

  static let cases: [RequestCase] = [
    RequestCase(
      name: "create_managed_domain", positional: [.string("o1")],
      flags: ["name": .string("a.example"), "enforced-logins": .string("sso,password")],
      method: .post, target: "/organizations/o1/domains",
      body: #"{"name":"a.example","enforcedLogins":["sso","password"]}"#),
    RequestCase(
      name: "create_organization", flags: ["name": .string("Acme")], method: .post,
      target: "/organizations", body: #"{"name":"Acme"}"#),
    RequestCase(
      name: "create_sso_connection",
      flags: [
        "auth0-connection-name": .string("acme-saml"), "configuration": sso,
        "managed_domains": domains, "idpInitiatedLoginEnabled": .bool(true),
      ],
      method: .post, target: "/organizations/o1/sso-connections",
      body: #"{"auth0ConnectionName":"acme-saml","configuration":{"strategy":"samlp","#
        + #""samlSignInUrl":"https://idp.example/sso"},"idpInitiatedLoginEnabled":true,"#
        + #""managedDomains":[{"id":"d1","name":"a.example"}]}"#),
    RequestCase(
      name: "delete_managed_domain", positional: [.string("o1"), .string("d1")],
      method: .delete, target: "/organizations/o1/domains/d1"),
    RequestCase(
      name: "delete_sso_bypass_key", method: .delete,
      target: "/organizations/o1/sso-bypass-key"),
    RequestCase(
      name: "delete_sso_connection", positional: [.string("o1"), .string("c 1")],
      method: .delete, target: "/organizations/o1/sso-connections/c%201"),
    RequestCase(
      name: "get_managed_domain", positional: [.string("o1"), .string("d1")], method: .get,
      target: "/organizations/o1/domains/d1"),
    RequestCase(
      name: "get_organization", positional: [.string("acme")],
      flags: ["is-look-up-only": .bool(true)], method: .get,
      target: "/organizations/acme?isLookUpOnly=true"),
    RequestCase(
      name: "get_organization_audit_logs", flags: ["earliest": .int(7)], method: .get,
      target: "/organizations/o1/audit-logs?earliest=7"),
    RequestCase(
      name: "get_sso_bypass_key", method: .get, target: "/organizations/o1/sso-bypass-key"),
    RequestCase(
      name: "get_sso_connection", positional: [.string("o1"), .string("c1")], method: .get,
      target: "/organizations/o1/sso-connections/c1"),
    RequestCase(
      name: "list_managed_domains", method: .get, target: "/organizations/o1/domains"),
    RequestCase(
      name: "list_organization_auth_ids", flags: ["email": .string("a+b@x.example")],
      method: .get, target: "/organizationAuthIds?email=a%2Bb%40x.example", auth: false),
    RequestCase(
      name: "list_organizations",
      flags: [
        "sorts": .list([.string("name:asc"), .string("createdAt:desc")]),
        "trial_status": .string("active"), "supportPlan": .string("TRIAL"),
      ],
      method: .get,
      target:
        "/organizations?trialStatus=active&supportPlan=TRIAL&sorts=name%3Aasc&sorts=createdAt%3Adesc"
    ),
    RequestCase(
      name: "list_sso_connections", method: .get, target: "/organizations/o1/sso-connections"),
    RequestCase(
      name: "update_managed_domain", positional: [.string("o1"), .string("d1")],
      flags: ["enforcedLogins": .string("google")], method: .post,
      target: "/organizations/o1/domains/d1", body: #"{"enforcedLogins":["google"]}"#),
    RequestCase(
      name: "update_organization",
      positional: [
        .record(
          Record([
            ("name", .string("Acme")), ("billingEmail", .string("b@acme.example")),
            ("isScimEnabled", .bool(false)),
          ]))
      ],
      method: .post, target: "/organizations/o1",
      body: #"{"name":"Acme","billingEmail":"b@acme.example","isScimEnabled":false}"#),
    RequestCase(
      name: "update_sso_connection", positional: [.string("c1")],
      flags: [
        "configuration": sso, "enabled": .bool(true),
        "idp-initiated-login-enabled": .string("false"),
        "managed-domains": domains,
      ],
      method: .post, target: "/organizations/o1/sso-connections/c1",
      body: #"{"configuration":{"strategy":"samlp","samlSignInUrl":"https://idp.example/sso"},"#
        + #""enabled":true,"idpInitiatedLoginEnabled":false,"#
        + #""managedDomains":[{"id":"d1","name":"a.example"}]}"#),
    RequestCase(
      name: "upsert_sso_bypass_key", method: .post, target: "/organizations/o1/sso-bypass-key"),
    RequestCase(
      name: "validate_sso_login", flags: ["event": event], method: .post,
      target: "/auth/post-login-callback",
      body: #"{"event":{"connection":{"strategy":"samlp"},"user":{"email":"u@a.example"}}}"#),
    RequestCase(
      name: "verify_managed_domain", positional: [.string("d1")], method: .post,
      target: "/organizations/o1/domains/d1/verify"),
  ]

  @Test func everyOperationHasACase() {
    #expect(Set(Self.cases.map(\.name)) == Set(Operations.all.map(\.name)))
  }

  @Test(arguments: cases)
  func buildsTheExactRequest(_ c: RequestCase) throws {
    let answersAList: Bool
    if case .array = try #require(Operations.all.first { $0.name == c.name }).response {
      answersAList = true
    } else {
      answersAList = false
    }
    let transport = RecordingTransport(status: 200, json: answersAList ? "[]" : "{}")
    let ctx = TestContext(client: Fixture.client(transport))
    try Fixture.run(c.name, c.positional, flags: c.flags, in: ctx)
    let request = try #require(transport.requests.first)
    #expect(transport.requests.count == 1)
    #expect(request.method == c.method)
    #expect(request.target == c.target)
    #expect(request.header("Accept") == "application/json")
    #expect(request.header("User-Agent") == "astrosh/\(AstroshVersion.current)")
    #expect(request.header("Authorization") == (c.auth ? "Bearer \(Fixture.token)" : nil))
    if let body = c.body {
      #expect(request.header("Content-Type") == "application/json")
      #expect(try JSON.parse(Fixture.text(request.body)) == JSON.parse(body))
    } else {
      #expect(request.body == nil)
      #expect(request.header("Content-Type") == nil)
    }
  }
}
