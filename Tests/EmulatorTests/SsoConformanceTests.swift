import AstroCore
import OrgAPI
import Testing

@testable import Emulator

@Suite("Conformance: SSO connections, bypass key, login")
struct SsoConformanceTests {
  let org = "/organizations/\(DemoSeed.organizationId)"

  static func connectionBody(_ domains: [(id: String, name: String)], name: String = "acme-saml")
    -> String
  {
    let items = domains.map { #"{"id": "\#($0.id)", "name": "\#($0.name)"}"# }
    return #"""
      {"auth0ConnectionName": "\#(name)",
       "configuration": {"strategy": "samlp", "samlSignInUrl": "https://idp.example/sso",
                         "samlSigningCert": "-----BEGIN CERTIFICATE-----x"},
       "jitPolicy": {"defaultOrgRole": "ORGANIZATION_MEMBER"},
       "managedDomains": [\#(items.joined(separator: ","))]}
      """#
  }

  @Test(arguments: Target.allCases)
  func lifecycle(target: Target) throws {
    let h = try Harness(target)
    let domain = DemoSeed.verifiedDomains[1]
    let created = try h.json(
      .post, "\(org)/sso-connections", json: Self.connectionBody([domain]))
    Conformance.expect(created, is: Models.ssoConnection)
    #expect(created["enabled"] == .bool(false))
    let expanded = try #require(created["managedDomains"]?.listValue)
    #expect(expanded.count == 1)
    Conformance.expect(expanded[0], is: Models.managedDomain)
    #expect(expanded[0]["status"] == .string("VERIFIED"))
    let id = try #require(created["id"]?.stringValue)

    #expect(try h.json(.get, "\(org)/sso-connections/\(id)") == created)
    let list = try h.json(.get, "/organizations/demo-org/sso-connections")
    #expect(list.listValue?.count == 2)

    let update = #"""
      {"configuration": {"strategy": "waad", "azureClientId": "app", "azureClientSecret": "s3cret",
                         "azureDomainName": "acme.onmicrosoft.com"},
       "enabled": true, "idpInitiatedLoginEnabled": false,
       "managedDomains": [{"id": "\#(domain.id)", "name": "\#(domain.name)"}]}
      """#
    let updated = try h.json(.post, "\(org)/sso-connections/\(id)", json: update)
    Conformance.expect(updated, is: Models.ssoConnection)
    #expect(updated["enabled"] == .bool(true))
    #expect(updated["configuration"]?["strategy"] == .string("waad"))
    #expect(updated["configuration"]?["azureClientSecret"] == nil, "secrets are write-only")
    #expect(updated["jitPolicy"] == nil, "a full replacement drops the JIT policy")

    #expect(try h.call(.delete, "\(org)/sso-connections/\(id)").status == 204)
    try h.error(.delete, "\(org)/sso-connections/\(id)", expect: 404)
    try h.error(.get, "\(org)/sso-connections/\(id)", expect: 404)
  }

  @Test(arguments: Target.allCases)
  func domainsMustBeVerifiedAndOwned(target: Target) throws {
    let h = try Harness(target)
    let pending = try h.error(
      .post, "\(org)/sso-connections", json: Self.connectionBody([DemoSeed.pendingDomains[0]]),
      expect: 400)
    #expect(pending.contains("PENDING"))

    let other = try h.json(.post, "/organizations", json: #"{"name": "Other"}"#)
    let otherId = try #require(other["id"]?.stringValue)
    let foreign = try h.error(
      .post, "/organizations/\(otherId)/sso-connections",
      json: Self.connectionBody([DemoSeed.verifiedDomains[1]]), expect: 400)
    #expect(foreign.contains("does not belong"))

    let used = try h.error(
      .post, "\(org)/sso-connections", json: Self.connectionBody([DemoSeed.verifiedDomains[0]]),
      expect: 400)
    #expect(used.contains(DemoSeed.ssoConnectionId))

    let wrongName = try h.error(
      .post, "\(org)/sso-connections",
      json: Self.connectionBody([(DemoSeed.verifiedDomains[1].id, "other.example.com")]),
      expect: 400)
    #expect(wrongName.contains("verified-2.example.com"))
  }

  @Test(arguments: Target.allCases)
  func bypassKeyUpsertGetDelete(target: Target) throws {
    let h = try Harness(target)
    try h.error(.get, "\(org)/sso-bypass-key", expect: 404)
    try h.error(.delete, "\(org)/sso-bypass-key", expect: 404)
    let first = try h.json(.post, "\(org)/sso-bypass-key")
    Conformance.expect(first, is: Models.ssoBypassKey)
    #expect(first["bypassKey"]?.stringValue?.count == 32)
    #expect(first["organizationShortName"] == .string(DemoSeed.organizationShortName))
    #expect(try h.json(.get, "/organizations/demo-org/sso-bypass-key") == first)
    let rotated = try h.json(.post, "\(org)/sso-bypass-key")
    #expect(rotated["bypassKey"] != first["bypassKey"])
    #expect(rotated["createdAt"] == first["createdAt"])
    let deleted = try h.call(.delete, "\(org)/sso-bypass-key")
    #expect(deleted.status == 204 && deleted.body.isEmpty)
    try h.error(.get, "\(org)/sso-bypass-key", expect: 404)
    try h.error(.delete, "\(org)/sso-bypass-key", expect: 404)
  }

  @Test(arguments: Target.allCases)
  func authIdsByEmailDomainWithoutToken(target: Target) throws {
    let h = try Harness(target)
    let verified = try h.json(
      .get, "/organizationAuthIds", query: [("email", "ada@Verified-2.example.com")], token: nil)
    #expect(verified == .list([.string(DemoSeed.authServiceId)]))
    let pending = try h.json(
      .get, "/organizationAuthIds", query: [("email", "ada@pending-1.example.com")], token: nil)
    #expect(pending == .list([]))
    try h.error(.get, "/organizationAuthIds", token: nil, expect: 400)
    try h.error(.get, "/organizationAuthIds", query: [("email", "nobody")], token: nil, expect: 400)
  }

  static func loginEvent(_ email: String) -> String {
    #"{"event": {"connection": {"strategy": "samlp"}, "user": {"email": "\#(email)"}}}"#
  }

  @Test(arguments: Target.allCases)
  func validateSsoLogin(target: Target) throws {
    let h = try Harness(target)
    let allowed = try h.json(
      .post, "/auth/post-login-callback", json: Self.loginEvent("ada@verified-1.example.com"))
    Conformance.expect(allowed, is: Models.ssoLoginCallback)
    #expect(allowed["deny"] == nil)
    #expect(allowed["accessTokenClaims"]?["organizationId"] == .string(DemoSeed.organizationId))

    let cases = [
      ("ada@verified-2.example.com", "NO_SSO_CONNECTION"),
      ("ada@pending-1.example.com", "DOMAIN_NOT_MANAGED"),
      ("ada@elsewhere.example.org", "DOMAIN_NOT_MANAGED"),
    ]
    for (email, reason) in cases {
      let denied = try h.json(.post, "/auth/post-login-callback", json: Self.loginEvent(email))
      Conformance.expect(denied, is: Models.ssoLoginCallback)
      #expect(denied["deny"]?["reason"] == .string(reason), "\(email)")
      #expect(denied["accessTokenClaims"] == nil)
    }
  }
}
