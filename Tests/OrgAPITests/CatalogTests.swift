import AstroCore
import Testing

@testable import OrgAPI

/// The API builtins describe themselves fully, from the one operation table.
@Suite struct CatalogTests {
  @Test func oneBuiltinPerOperationNamedAfterIt() {
    let names = APIBuiltins.all().map(\.name)
    #expect(names == Operations.all.map(\.name) + ["use_organization"])
    #expect(Set(names).count == names.count)
  }

  @Test(arguments: APIBuiltins.all().map(\.name))
  func describesItself(name: String) throws {
    let b = try #require(APIBuiltins.all().first { $0.name == name })
    #expect(!b.abstract.isEmpty && b.abstract.first!.isLowercase && !b.abstract.hasSuffix("."))
    #expect((1...3).contains(b.examples.count), "1 to 3 examples")
    for e in b.examples {
      #expect(e.code.contains(name), "an example of \(name) uses it")
      if let result = e.result { #expect((try? JSON.parse(result)) != nil, "result is JSON") }
    }
    for flag in b.signature.flags {
      #expect(flag.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "--\(flag.name)")
    }
  }

  @Test(arguments: Operations.all.map(\.name))
  func helpShowsMethodPathParametersAndFields(name: String) throws {
    let op = Fixture.op(name)
    let b = APIBuiltins.builtin(for: op)
    let details = try #require(b.details)
    #expect(details.hasPrefix("\(op.method.rawValue) \(op.path)\n"))
    #expect(b.category == op.category)
    #expect(b.signature.openFlags)
    for p in op.pathParams { #expect(details.contains("  \(p.name) ")) }
    for q in op.query { #expect(details.contains("--\(FlagNames.kebab(q.name))")) }
    for f in op.body?.fields ?? [] {
      #expect(details.contains("--\(FlagNames.kebab(f.name))"))
      #expect(b.signature.flag(named: FlagNames.kebab(f.name)) != nil)
    }
    #expect(
      b.signature.positional.map(\.name) == op.pathParams.map(\.name)
        + (op.body == nil ? [] : ["body"]))
  }

  @Test func helpOfVerifyReadsWell() throws {
    let details = try #require(
      APIBuiltins.builtin(for: Fixture.op("create_managed_domain")).details)
    #expect(details.contains("POST /organizations/{organizationId}/domains\n"))
    #expect(details.contains("  --name                      string, required\n"))
    #expect(
      details.contains(
        "  --enforced-logins           list of sso|password|google|github, or comma-separated\n"))
    let sso = try #require(APIBuiltins.builtin(for: Fixture.op("create_sso_connection")).details)
    #expect(sso.contains("\nSsoConnectionConfig:\n"))
    #expect(sso.contains("  strategy                    one of samlp, waad, required\n"))
    #expect(sso.contains("  azureClientSecret           string, secret (never shown in traces)\n"))
    let logs = try #require(
      APIBuiltins.builtin(for: Fixture.op("get_organization_audit_logs")).details)
    #expect(logs.contains("  --earliest                  int, default 1: how many days back"))
    #expect(b(named: "get_organization_audit_logs").signature.flag(named: "raw") != nil)
  }

  private func b(named name: String) -> Builtin { APIBuiltins.builtin(for: Fixture.op(name)) }
}
