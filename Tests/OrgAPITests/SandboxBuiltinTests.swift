import AstroCore
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// Every API builtin against the in-process emulator: the real client code path, from
/// arguments to request to decoded result, over a fresh demo seed per test.
@Suite struct SandboxBuiltinTests {
  static let org = "demo-org"
  static let orgId = "cldemoorg0000000000000001"
  static let verified1 = "cldemodom0000000000000001"
  static let verified2 = "cldemodom0000000000000002"
  static let pending1 = "cldemodom0000000000000003"
  static let connection = "cldemosso0000000000000001"

  let ctx: TestContext

  init() throws {
    let sandbox = try Sandbox()
    ctx = TestContext(
      client: APIClient(.init(transport: sandbox, token: "sandbox-token", rateLimits: .unlimited)))
  }

  private func run(
    _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:],
    input: PipelineData = .empty
  ) throws -> Value {
    try Fixture.run(name, positional, flags: flags, input: input, in: ctx)
  }

  private func field(_ v: Value, _ key: String) -> Value? { v.recordValue?[key] }

  @Test func organizations() throws {
    let list = try run("list_organizations")
    #expect(list.listValue?.compactMap { field($0, "shortName") } == [.string("demo-org")])
    let org = try run("get_organization", [.string(Self.org)])
    #expect(field(org, "id") == .string(Self.orgId))
    #expect(field(org, "managedDomains")?.listValue?.count == 5)
    let light = try run(
      "get_organization", [.string(Self.org)], flags: ["is-look-up-only": .bool(true)])
    #expect(field(light, "managedDomains") == nil)
    let created = try run("create_organization", flags: ["name": .string("Acme Labs")])
    #expect(field(created, "shortName") == .string("acmelabs"))
    let updated = try run(
      "update_organization", [.string("acmelabs")],
      flags: [
        "name": .string("Acme"), "billing_email": .string("b@acme.example"),
        "isScimEnabled": .bool(true),
      ])
    #expect(field(updated, "isScimEnabled") == .bool(true))
    #expect(
      try run("list_organizations", flags: ["sorts": .string("name:asc")]).listValue?.count == 2)
  }

  @Test func managedDomains() throws {
    let all = try run("list_managed_domains", [.string(Self.org)])
    #expect(all.listValue?.count == 5)
    let one = try run("get_managed_domain", [.string(Self.org), .string(Self.verified1)])
    #expect(field(one, "name") == .string("verified-1.example.com"))
    let created = try run(
      "create_managed_domain", [.string(Self.org)],
      flags: ["name": .string("new.example.com"), "enforced-logins": .string("sso,password")])
    #expect(field(created, "status") == .string("PENDING"))
    let id = try #require(field(created, "id"))
    let verified = try run("verify_managed_domain", [.string(Self.org), id])
    #expect(field(verified, "status") == .string("VERIFIED"))
    let updated = try run(
      "update_managed_domain", [.string(Self.org), id], flags: ["enforcedLogins": .string("google")]
    )
    #expect(field(updated, "enforcedLogins") == .list([.string("google")]))
    #expect(try run("delete_managed_domain", [.string(Self.org), id]) == .null)
    let gone = try #require(throwing { try run("get_managed_domain", [.string(Self.org), id]) })
    #expect(gone.code == "api_not_found")
    #expect(gone.details["requestId"]?.stringValue?.isEmpty == false)
  }

  @Test func verifyEveryPendingDomainByPipeline() throws {
    let pending = try run("list_managed_domains", [.string(Self.org)]).listValue!.filter {
      field($0, "status") == .string("PENDING")
    }
    let out = try run("verify_managed_domain", input: .value(.list(pending)))
    #expect(
      out.listValue?.map { field($0, "status") } == Array(repeating: .string("VERIFIED"), count: 3))
    let after = try run("list_managed_domains", [.string(Self.org)]).listValue!
    #expect(after.allSatisfy { field($0, "status") == .string("VERIFIED") })
  }

  @Test func ssoConnections() throws {
    let list = try run("list_sso_connections", [.string(Self.org)])
    #expect(list.listValue?.count == 1)
    let created = try run(
      "create_sso_connection", [.string(Self.org)],
      flags: [
        "auth0ConnectionName": .string("demo-entra"),
        "configuration": Fixture.json(
          #"{"strategy":"waad","azureClientId":"c1","azureClientSecret":"s3cret"}"#),
        "managed-domains": Fixture.json(
          #"[{"id":"\#(Self.verified2)","name":"verified-2.example.com"}]"#),
      ])
    #expect(field(created, "enabled") == .bool(false))
    #expect(field(created, "configuration")?.recordValue?["azureClientSecret"] == nil)
    let id = try #require(field(created, "id"))
    let got = try run("get_sso_connection", [.string(Self.org), id])
    #expect(field(got, "auth0ConnectionName") == .string("demo-entra"))
    // Read, modify, write: the piped connection fills the body.
    let enabled = try run(
      "update_sso_connection",
      flags: ["enabled": .bool(true), "idp-initiated-login-enabled": .bool(false)],
      input: .value(got))
    #expect(field(enabled, "enabled") == .bool(true))
    #expect(try run("delete_sso_connection", [.string(Self.org), id]) == .null)
  }

  @Test func bypassKey() throws {
    let missing = try #require(throwing { try run("get_sso_bypass_key", [.string(Self.org)]) })
    #expect(missing.code == "api_not_found")
    let key = try run("upsert_sso_bypass_key", [.string(Self.org)])
    #expect(field(key, "bypassKey")?.stringValue?.count == 32)
    let got = try run("get_sso_bypass_key", input: .value(key))
    #expect(field(got, "bypassKey") == field(key, "bypassKey"))
    #expect(try run("delete_sso_bypass_key", [.string(Self.org)]) == .null)
  }

  @Test func authIdsAndLoginValidation() throws {
    let ids = try run(
      "list_organization_auth_ids", flags: ["email": .string("a@verified-1.example.com")])
    #expect(ids == .list([.string("org_demoorg000000001")]))
    let allowed = try run(
      "validate_sso_login",
      [
        Fixture.json(
          #"{"event":{"connection":{"strategy":"samlp"},"user":{"email":"a@verified-1.example.com"}}}"#
        )
      ])
    #expect(
      field(allowed, "idTokenClaims")?.recordValue?["ssoConnection"] == .string("demo-org-saml"))
  }

  @Test func auditLogsStreamAsRecords() throws {
    let week = try run(
      "get_organization_audit_logs", [.string(Self.org)], flags: ["earliest": .int(7)])
    #expect(week.listValue?.count == 2)
    let raw = try run(
      "get_organization_audit_logs", [.string(Self.org)],
      flags: ["raw": .bool(true), "earliest": .int(90)])
    guard case .binary(let bytes) = raw else { return #expect(Bool(false), "expected bytes") }
    #expect(bytes.prefix(2) == [0x1F, 0x8B])
    let lines = String(decoding: try Gzip.decompress(bytes), as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 3)
  }

  @Test func validationHappensBeforeTheEmulatorSeesAnything() throws {
    let e = try #require(
      throwing {
        try run(
          "create_managed_domain", [.string(Self.org)],
          flags: ["name": .string("x.example"), "enforced-logins": .string("saml")])
      })
    #expect(e.category == .usage)
    let domains = try run("list_managed_domains", [.string(Self.org)])
    #expect(domains.listValue?.count == 5)
  }

  @Test func emulatorRejectionIsAnAPIError() throws {
    // The emulator refuses an SSO connection over a PENDING domain with a 400.
    let e = try #require(
      throwing {
        try run(
          "create_sso_connection", [.string(Self.org)],
          flags: [
            "auth0ConnectionName": .string("pending-sso"),
            "configuration": Fixture.json(#"{"strategy":"samlp"}"#),
            "managedDomains": Fixture.json(
              #"[{"id":"\#(Self.pending1)","name":"pending-1.example.com"}]"#),
          ])
      })
    #expect(e.category == .apiClient)
    #expect(e.details["status"] == .int(400))
    #expect(e.message.contains("verify it before using it for SSO"))
  }
}
