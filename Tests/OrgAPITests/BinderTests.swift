import AstroCore
import Testing

@testable import OrgAPI

@Suite struct BinderTests {
  private func binder(_ name: String) -> CallBinder {
    CallBinder(
      operation: Fixture.op(name), extraFlags: APIBuiltins.extraFlags(for: Fixture.op(name)))
  }

  private func bind(
    _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:], item: Value? = nil,
    org: String? = "o1"
  ) throws -> APICall {
    let b = binder(name)
    return try b.bind(
      positional: positional, flags: b.flags(flags), item: item, defaultOrganization: org)
  }

  private func error(_ body: () throws -> Any) -> ShellError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? ShellError
    }
  }

  @Test(arguments: ["enforced-logins", "enforced_logins", "enforcedLogins", "--enforced-logins"])
  func acceptsEverySpellingOfAField(spelling: String) throws {
    let call = try bind("update_managed_domain", [.string("d1")], flags: [spelling: .string("sso")])
    #expect(call.body == Fixture.json(#"{"enforcedLogins":["sso"]}"#))
  }

  @Test func commaListsAndListsBothWork() throws {
    let a = try bind(
      "create_managed_domain",
      flags: ["name": .string("a.example"), "enforced-logins": .string("sso, password")])
    let b = try bind(
      "create_managed_domain",
      flags: [
        "name": .string("a.example"),
        "enforced-logins": .list([.string("sso"), .string("password")]),
      ])
    #expect(a.body == b.body)
    #expect(a.body == Fixture.json(#"{"name":"a.example","enforcedLogins":["sso","password"]}"#))
  }

  @Test func flagsOverrideTheBodyRecord() throws {
    let call = try bind(
      "create_managed_domain",
      [.record(Record([("name", .string("old.example"))]))],
      flags: ["name": .string("new.example")])
    #expect(call.body == Fixture.json(#"{"name":"new.example"}"#))
  }

  @Test func missingRequiredFieldIsNamedWithAHint() throws {
    let e = try #require(error { try bind("create_managed_domain") })
    #expect(e.category == .usage)
    #expect(e.message == "create_managed_domain: field 'name' is required")
    #expect(e.hint == "pass --name or a body record with 'name'")
  }

  @Test func badEnumValueListsTheAllowedValues() throws {
    let e = try #require(
      error {
        try bind(
          "create_managed_domain",
          flags: ["name": .string("a.example"), "enforced-logins": .string("sso,pasword")])
      })
    #expect(
      e.message
        == "create_managed_domain: field 'enforcedLogins[1]' must be one of sso, password, "
        + "google, github, not 'pasword'")
    #expect(e.hint == "did you mean 'password'?")
  }

  @Test func nestedViolationsNameThePath() throws {
    let e = try #require(
      error {
        try bind(
          "create_sso_connection",
          flags: [
            "auth0-connection-name": .string("ab"),
            "configuration": .record(Record([("strategy", .string("oidc"))])),
            "managed-domains": .list([]),
          ])
      })
    #expect(e.message.contains("field 'auth0ConnectionName' must be at least 3 characters long"))
    #expect(
      e.message.contains("field 'configuration.strategy' must be one of samlp, waad, not 'oidc'"))
    #expect(e.message.contains("field 'managedDomains' must not be empty"))
    #expect(
      e.details["fields"]
        == .list([
          .string("auth0ConnectionName"), .string("configuration.strategy"),
          .string("managedDomains"),
        ]))
  }

  @Test func wrongTypeIsNamed() throws {
    let e = try #require(
      error {
        try bind(
          "update_organization",
          flags: [
            "name": .string("Acme"), "billing-email": .string("b@x"),
            "is-scim-enabled": .string("maybe"),
          ])
      })
    #expect(e.message == "update_organization: field 'isScimEnabled' must be a boolean, not string")
  }

  @Test func booleanFlagsTakeTextForFalse() throws {
    let call = try bind(
      "update_organization",
      flags: [
        "name": .string("Acme"), "billing-email": .string("b@x"),
        "is-scim-enabled": .string("false"),
      ])
    #expect(call.body?.recordValue?["isScimEnabled"] == .bool(false))
  }

  @Test func unknownFlagSuggestsTheClosest() throws {
    let e = try #require(
      error { try bind("create_managed_domain", flags: ["enforced-login": .string("sso")]) })
    #expect(e.code == "unknown_flag")
    #expect(e.message == "create_managed_domain has no flag '--enforced-login'")
    #expect(e.hint == "did you mean '--enforced-logins'?")
    let camel = try #require(
      error { try bind("get_organization", flags: ["isLookupOnl": .bool(true)]) })
    #expect(camel.hint == "did you mean '--is-look-up-only'?")
  }

  @Test func queryValuesAreChecked() throws {
    let e = try #require(
      error { try bind("get_organization_audit_logs", flags: ["earliest": .string("soon")]) })
    #expect(
      e.message == "get_organization_audit_logs: flag '--earliest' must be an integer, not string")
    let missing = try #require(error { try bind("list_organization_auth_ids") })
    #expect(missing.message == "list_organization_auth_ids needs --email")
    let badEnum = try #require(
      error { try bind("list_organizations", flags: ["product": .string("CLOUD")]) })
    #expect(badEnum.message.contains("must be one of HOSTED, HYBRID, not 'CLOUD'"))
  }

  @Test func repeatedQueryAcceptsCommaText() throws {
    let call = try bind("list_organizations", flags: ["sorts": .string("name:asc,id:desc")])
    #expect(call.query.map(\.value) == ["name:asc", "id:desc"])
  }

  @Test func defaultOrganizationFillsTheFirstParameter() throws {
    #expect(try bind("list_managed_domains").pathValues == ["organizationId": "o1"])
    #expect(
      try bind("get_managed_domain", [.string("d1")]).pathValues
        == ["organizationId": "o1", "domainId": "d1"])
    #expect(
      try bind("get_managed_domain", [.string("o2"), .string("d1")]).pathValues
        == ["organizationId": "o2", "domainId": "d1"])
  }

  @Test func noOrganizationAnywhereIsAnError() throws {
    let e = try #require(error { try bind("list_managed_domains", org: nil) })
    #expect(e.message == "list_managed_domains needs organizationId")
    #expect(e.hint?.contains("use_organization") == true)
  }

  @Test func pipedRecordFillsPathByProperty() throws {
    let domain = Fixture.json(#"{"id":"d9","organizationId":"o7","name":"x.example"}"#)
    let call = try bind("verify_managed_domain", item: domain)
    #expect(call.pathValues == ["organizationId": "o7", "domainId": "d9"])
    let org = Fixture.json(#"{"id":"o5","shortName":"acme"}"#)
    #expect(try bind("list_managed_domains", item: org).pathValues == ["organizationId": "o5"])
    // One argument short is the domain, piped record or not; the record gives the rest.
    #expect(
      try bind("get_managed_domain", [.string("d2")], item: domain).pathValues
        == ["organizationId": "o7", "domainId": "d2"])
    let noOrg = Fixture.json(#"{"id":"d9","name":"x.example"}"#)
    #expect(
      try bind("get_managed_domain", [.string("d2")], item: noOrg).pathValues
        == ["organizationId": "o1", "domainId": "d2"])
    #expect(
      try bind("get_managed_domain", flags: ["organization-id": .string("o2")], item: domain)
        .pathValues == ["organizationId": "o2", "domainId": "d9"])
    // A piped string is the last path parameter; other bare values fill nothing.
    #expect(
      try bind("get_sso_connection", item: .string("c3")).pathValues
        == ["organizationId": "o1", "connectionId": "c3"])
    #expect(
      try bind("list_managed_domains", item: .string("acme")).pathValues
        == ["organizationId": "acme"])
    #expect(try bind("list_managed_domains", item: .int(2)).pathValues == ["organizationId": "o1"])
  }

  @Test func pipedRecordFillsTheBody() throws {
    let row = Fixture.json(#"{"domain":"x","name":"x.example","enforced_logins":"sso,google"}"#)
    let call = try bind("create_managed_domain", item: row)
    #expect(call.body == Fixture.json(#"{"enforcedLogins":["sso","google"],"name":"x.example"}"#))
  }

  @Test func aWholeNumberWhereTextGoesIsSentAsItsDigits() throws {
    // A CSV cell `123` is read as a number; the name is text to the API.
    let body = Fixture.json(
      #"{"auth0ConnectionName":123,"configuration":{"strategy":"samlp","samlSignInUrl":7},"#
        + #""managedDomains":[{"id":42,"name":"a.example"}]}"#)
    let call = try bind("create_sso_connection", [body])
    #expect(call.body?.recordValue?["auth0ConnectionName"] == .string("123"))
    #expect(
      call.body?.recordValue?["managedDomains"]
        == Fixture.json(#"[{"id":"42","name":"a.example"}]"#))
    // Other mismatches are still refused.
    let e = error {
      try bind("create_sso_connection", [Fixture.json(#"{"auth0ConnectionName":true}"#)])
    }
    #expect(e?.message.contains("auth0ConnectionName") == true)
  }

  @Test func recordGivenToABodylessOperationIsAnError() throws {
    let e = try #require(error { try bind("get_managed_domain", [.record(Record())]) })
    #expect(e.code == "unexpected_body")
    let many = try #require(
      error { try bind("get_managed_domain", [.string("a"), .string("b"), .string("c")]) })
    #expect(many.code == "too_many_arguments")
  }

  @Test func kebabNames() {
    #expect(FlagNames.kebab("auth0ConnectionName") == "auth0-connection-name")
    #expect(FlagNames.kebab("isLookUpOnly") == "is-look-up-only")
    #expect(FlagNames.kebab("trial_status") == "trial-status")
    #expect(FlagNames.normalized("--Is_Look-up-only") == "islookuponly")
  }
}
