import AstroCore
import OrgAPI
import Testing

@testable import Emulator

/// One request that breaks a rule of contract §5, and a word its 400 message must contain.
struct BadRequest: CustomTestStringConvertible, Sendable {
  var rule: String
  var method: HTTPMethod
  var path: String
  var query: [String: String] = [:]
  var body: String?
  var mentions: String

  var testDescription: String { rule }

  static let org = "/organizations/\(DemoSeed.organizationId)"
  static let domain = "\(org)/domains/\(DemoSeed.pendingDomains[0].id)"
  static let connection = #"""
    {"auth0ConnectionName": "ok-name", "configuration": {"strategy": "samlp"},
     "managedDomains": [{"id": "x", "name": "y"}]}
    """#

  static let all: [BadRequest] = [
    BadRequest(
      rule: "missing required field", method: .post, path: "/organizations", body: "{}",
      mentions: "'name' is required"),
    BadRequest(
      rule: "wrong JSON type", method: .post, path: "/organizations", body: #"{"name": 7}"#,
      mentions: "must be a string"),
    BadRequest(
      rule: "organization name over 50 characters", method: .post, path: "/organizations",
      body: #"{"name": "\#(String(repeating: "n", count: 51))"}"#, mentions: "at most 50"),
    BadRequest(
      rule: "update name over 50 characters", method: .post, path: org,
      body: #"{"name": "\#(String(repeating: "n", count: 51))", "billingEmail": "a@b.c", "#
        + #""isScimEnabled": false}"#, mentions: "at most 50"),
    BadRequest(
      rule: "update missing isScimEnabled", method: .post, path: org,
      body: #"{"name": "n", "billingEmail": "a@b.c"}"#, mentions: "'isScimEnabled' is required"),
    BadRequest(
      rule: "auth0ConnectionName under 3 characters", method: .post,
      path: "\(org)/sso-connections",
      body: connection.replacingOccurrences(of: "ok-name", with: "ab"), mentions: "at least 3"),
    BadRequest(
      rule: "empty managedDomains", method: .post, path: "\(org)/sso-connections",
      body: #"{"auth0ConnectionName": "abc", "configuration": {"strategy": "samlp"}, "#
        + #""managedDomains": []}"#, mentions: "must not be empty"),
    BadRequest(
      rule: "strategy outside the enum", method: .post, path: "\(org)/sso-connections",
      body: connection.replacingOccurrences(of: "samlp", with: "oidc"), mentions: "samlp, waad"),
    BadRequest(
      rule: "enforcedLogins item outside the enum", method: .post, path: "\(org)/domains",
      body: #"{"name": "a.example.com", "enforcedLogins": ["sso", "magic"]}"#,
      mentions: "'enforcedLogins[1]'"),
    BadRequest(
      rule: "update domain without enforcedLogins", method: .post, path: domain, body: "{}",
      mentions: "'enforcedLogins' is required"),
    BadRequest(
      rule: "invalid JSON", method: .post, path: "/organizations", body: #"{"name": "#,
      mentions: "not valid JSON"),
    BadRequest(
      rule: "missing body", method: .post, path: "/organizations", mentions: "body"),
    BadRequest(
      rule: "body not an object", method: .post, path: "/organizations", body: "[1]",
      mentions: "must be an object"),
    BadRequest(
      rule: "login event without user", method: .post, path: "/auth/post-login-callback",
      body: #"{"event": {"connection": {"strategy": "samlp"}}}"#, mentions: "'event.user'"),
    BadRequest(
      rule: "earliest 0", method: .get, path: "\(org)/audit-logs", query: ["earliest": "0"],
      mentions: "1 to 90"),
    BadRequest(
      rule: "earliest 91", method: .get, path: "\(org)/audit-logs", query: ["earliest": "91"],
      mentions: "1 to 90"),
    BadRequest(
      rule: "earliest not a number", method: .get, path: "\(org)/audit-logs",
      query: ["earliest": "week"], mentions: "'week'"),
    BadRequest(
      rule: "isLookUpOnly not a boolean", method: .get, path: org,
      query: ["isLookUpOnly": "yes"], mentions: "true or false"),
    BadRequest(
      rule: "supportPlan outside the enum", method: .get, path: "/organizations",
      query: ["supportPlan": "GOLD"], mentions: "'GOLD'"),
    BadRequest(
      rule: "malformed sort", method: .get, path: "/organizations", query: ["sorts": "name"],
      mentions: "field:asc"),
  ]
}

@Suite("Conformance: validation, authentication, routing")
struct ValidationConformanceTests {
  @Test(arguments: Target.allCases, BadRequest.all)
  func schemaViolationsAre400(target: Target, bad: BadRequest) throws {
    let h = try Harness(target)
    let message = try h.error(
      bad.method, bad.path, query: bad.query.map { ($0.key, $0.value) }, json: bad.body,
      expect: 400)
    #expect(message.hasPrefix("Invalid request: "))
    #expect(message.contains(bad.mentions), "\(message)")
  }

  @Test(arguments: Target.allCases)
  func queryBooleansIgnoreCase(target: Target) throws {
    let h = try Harness(target)
    for text in ["true", "True", "TRUE"] {
      let org = try h.json(
        .get, "/organizations/demo-org", query: [("isLookUpOnly", text)])
      #expect(org["managedDomains"] == nil)
    }
    let full = try h.json(.get, "/organizations/demo-org", query: [("isLookUpOnly", "False")])
    #expect(full["managedDomains"] != nil)
  }

  @Test(arguments: Target.allCases)
  func missingOrBadTokenIs401(target: Target) throws {
    let h = try Harness(target)
    try h.error(.get, "/organizations", token: nil, expect: 401)
    try h.error(.get, "/organizations", token: "", expect: 401)
    let basic = try h.call(
      .get, "/organizations", token: nil, headers: [("Authorization", "Basic x")])
    #expect(basic.status == 401)
    try h.error(.post, "/organizations", json: #"{"name": "x"}"#, token: nil, expect: 401)
  }

  @Test(arguments: Target.allCases)
  func pinnedTokenIsTheOnlyOneAccepted(target: Target) throws {
    let h = try Harness(target, options: EmulatorEngine.Options(token: "pinned"))
    let message = try h.error(.get, "/organizations", token: "other", expect: 401)
    #expect(!message.contains("other") && !message.contains("pinned"), "no token in messages")
    #expect(try h.call(.get, "/organizations", token: "pinned").status == 200)
  }

  @Test(arguments: Target.allCases)
  func unknownPathIs404AndWrongMethodIs405(target: Target) throws {
    let h = try Harness(target)
    try h.error(.get, "/nothing/here", expect: 404)
    try h.error(.delete, "/organizations/demo-org", expect: 405)
    try h.error(.get, "/organizations/demo-org/domains/x/verify", expect: 405)
    try h.error(.post, "/organizationAuthIds", expect: 405)
  }
}
