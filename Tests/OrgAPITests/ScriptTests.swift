import AstroCore
import AstroLang
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// The API builtins as scripts use them: parsed by the interpreter, run against a fresh
/// sandbox.
@Suite struct ScriptTests {
  let sink = ExampleTests.Sink()
  let services = Services()
  let client: APIClient
  let interpreter: Interpreter

  init() throws {
    client = APIClient.over(
      try Sandbox(), APISettings(organization: "demo-org", rateLimits: .unlimited))
    services.register(client)
    interpreter = Interpreter(services: services, output: sink)
    interpreter.register(DataBuiltins.all + APIBuiltins.all())
  }

  private func eval(_ code: String) throws -> Value {
    try interpreter.evaluate(SourceFile(name: "<test>", text: code))
  }

  @Test(arguments: ["--enforced-logins", "--enforced_logins", "--enforcedLogins"])
  func flagSpellingsThroughTheParser(flag: String) throws {
    let v = try eval(
      "create_managed_domain --name a.example \(flag) sso,google | get enforcedLogins")
    #expect(v == Fixture.json(#"["sso","google"]"#))
  }

  @Test func switchWithAnExplicitFalse() throws {
    let v = try eval(
      "update_organization --name Demo --billing-email b@demo.example --is-scim-enabled=false"
        + " | get isScimEnabled")
    #expect(v == .bool(false))
  }

  @Test func apiErrorsAreCatchableRecords() throws {
    let v = try eval(
      """
      try { get_managed_domain nope } catch {|e| {status: $e.status, code: $e.code, op: $e.operation, has_id: ($e.requestId != null)} }
      """)
    #expect(
      v
        == Fixture.json(
          #"{"status":404,"code":"api_not_found","op":"get_managed_domain","has_id":true}"#))
  }

  @Test func validationErrorNamesTheFieldBeforeSending() throws {
    let e = try #require(
      throwing { try eval("create_managed_domain --name a.example --enforced-logins saml") })
    #expect(
      e.message.contains("field 'enforcedLogins[0]' must be one of sso, password, google, github"))
    #expect(try eval("list_managed_domains | length") == .int(5))
  }

  @Test func unknownFlagSuggests() throws {
    let e = try #require(throwing { try eval("list_organizations --sort name:asc") })
    #expect(e.hint == "did you mean '--sorts'?")
  }

  @Test func verifyPendingDomainsPipeline() throws {
    let v = try eval(
      #"list_managed_domains | where status == "PENDING" | verify_managed_domain | each { $it.status }"#
    )
    #expect(v == Fixture.json(#"["VERIFIED","VERIFIED","VERIFIED"]"#))
  }

  @Test func onboardFromRecordsInAnEach() throws {
    let v = try eval(
      """
      let rows = [{domain: "one.example"}, {domain: "two.example"}]
      let made = $rows | each {|row| create_managed_domain {name: $row.domain} }
      $made | verify_managed_domain | each { $it.name }
      """)
    #expect(v == Fixture.json(#"["one.example","two.example"]"#))
  }

  @Test func dryRunHoldsInsideClosures() throws {
    let dry = APIClient.over(
      try Sandbox(), APISettings(organization: "demo-org", dryRun: true, rateLimits: .unlimited))
    let services = Services()
    services.register(dry)
    let out = ExampleTests.Sink()
    let i = Interpreter(services: services, output: out)
    i.register(DataBuiltins.all + APIBuiltins.all())
    let v = try i.evaluate(
      SourceFile(
        name: "<dry>",
        text: """
          def wipe [] { list_managed_domains | delete_managed_domain }
          wipe
          [1, 2] | each --parallel 2 {|n| create_managed_domain --name "d$n.example" } | length
          list_managed_domains | length
          """))
    #expect(v == .int(5))
    // Piped domains name their organization by id.
    #expect(
      out.text.current.contains(
        "dry-run: DELETE /organizations/cldemoorg0000000000000001/domains/cldemodom0000000000000001"
      ))
    #expect(
      out.text.current.contains(
        #"dry-run: POST /organizations/demo-org/domains {"name":"d2.example"}"#))
  }

  @Test func auditLogsRawAndSave() throws {
    services.register(
      GzipCodec(decompress: { try Gzip.decompress($0) }, compress: { Gzip.compress($0) }))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try eval("get_organization_audit_logs --earliest 90 --raw | save \(dir)/audit.ndjson.gz")
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dir)/audit.ndjson.gz")))
    // The bytes are the API's gzip as it came, not compressed a second time.
    #expect(bytes == (try eval("get_organization_audit_logs --earliest 90 --raw")).binaryValue)
    #expect(
      String(decoding: try Gzip.decompress(bytes), as: UTF8.self).split(separator: "\n").count == 3)
  }
}

extension Value {
  fileprivate var binaryValue: [UInt8]? {
    if case .binary(let b) = self { return b }
    return nil
  }
}
