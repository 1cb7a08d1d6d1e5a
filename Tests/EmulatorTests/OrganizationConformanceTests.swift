import AstroCore
import OrgAPI
import Testing

@testable import Emulator

@Suite("Conformance: organizations")
struct OrganizationConformanceTests {
  @Test(arguments: Target.allCases)
  func demoOrganizationIsSeeded(target: Target) throws {
    let h = try Harness(target)
    let orgs = try h.json(.get, "/organizations")
    let list = try #require(orgs.listValue)
    #expect(list.count == 1)
    for org in list { Conformance.expect(org, is: Models.organization) }
    let demo = try #require(list.first)
    #expect(demo["id"] == .string(DemoSeed.organizationId))
    #expect(demo["shortName"] == .string(DemoSeed.organizationShortName))
    #expect(demo["name"] == .string("Demo Organization"))
    let domains = try #require(demo["managedDomains"]?.listValue)
    let statuses = domains.compactMap { $0["status"]?.stringValue }
    #expect(statuses.filter { $0 == "VERIFIED" }.count == 2)
    #expect(statuses.filter { $0 == "PENDING" }.count == 3)
    #expect(Conformance.isCuid(DemoSeed.organizationId))
  }

  @Test(arguments: Target.allCases)
  func createGetUpdate(target: Target) throws {
    let h = try Harness(target)
    let created = try h.json(.post, "/organizations", json: #"{"name": "Acme Rockets, Inc."}"#)
    Conformance.expect(created, is: Models.organization)
    let id = try #require(created["id"]?.stringValue)
    #expect(Conformance.isCuid(id))
    #expect(created["shortName"] == .string("acmerocketsinc"))
    #expect(created["supportPlan"] == .string("TRIAL"))
    #expect(created["isScimEnabled"] == .bool(false))
    #expect(created["authServiceId"]?.stringValue?.hasPrefix("org_") == true)
    #expect(created["managedDomains"] == .list([]))
    #expect(Conformance.isTimestamp(created["createdAt"]?.stringValue))
    #expect(created["billingEmail"] == nil, "absent optionals are omitted")

    for key in [id, "acmerocketsinc"] {
      let got = try h.json(.get, "/organizations/\(key)")
      #expect(got["id"] == .string(id))
    }
    let lookUp = try h.json(.get, "/organizations/\(id)", query: [("isLookUpOnly", "True")])
    #expect(lookUp["managedDomains"] == nil)

    let updated = try h.json(
      .post, "/organizations/acmerocketsinc",
      json: #"{"name": "Acme", "billingEmail": "b@acme.example", "isScimEnabled": true}"#)
    Conformance.expect(updated, is: Models.organization)
    #expect(updated["name"] == .string("Acme"))
    #expect(updated["billingEmail"] == .string("b@acme.example"))
    #expect(updated["isScimEnabled"] == .bool(true))
    #expect(updated["shortName"] == .string("acmerocketsinc"), "the short name is kept")
    let before = try #require(created["updatedAt"]?.stringValue)
    #expect(try #require(updated["updatedAt"]?.stringValue) >= before)
  }

  @Test(arguments: Target.allCases)
  func shortNamesAreUniqueAndIdsDeterministic(target: Target) throws {
    let h = try Harness(target)
    let a = try h.json(.post, "/organizations", json: #"{"name": "Demo Org"}"#)
    let b = try h.json(.post, "/organizations", json: #"{"name": "demo org"}"#)
    #expect(a["shortName"] == .string("demoorg"))
    #expect(b["shortName"] == .string("demoorg-2"))
    #expect(a["id"] != b["id"], "creates are not idempotent")
    let again = try Harness(.sandbox)
    let c = try again.json(.post, "/organizations", json: #"{"name": "Demo Org"}"#)
    #expect(c["id"] == a["id"], "a fresh emulator mints the same ids in the same order")
  }

  @Test(arguments: Target.allCases)
  func listFiltersAndSorts(target: Target) throws {
    let h = try Harness(target)
    try h.json(.post, "/organizations", json: #"{"name": "Zulu"}"#)
    try h.json(.post, "/organizations", json: #"{"name": "Alpha"}"#)
    let trial = try h.json(.get, "/organizations", query: [("supportPlan", "TRIAL")])
    #expect(trial.listValue?.count == 2)
    let sorted = try h.json(.get, "/organizations", query: [("sorts", "name:desc")])
    let names = sorted.listValue?.compactMap { $0["name"]?.stringValue }
    #expect(names == ["Zulu", "Demo Organization", "Alpha"])
    let search = try h.json(.get, "/organizations", query: [("search", "alp")])
    #expect(search.listValue?.compactMap { $0["name"]?.stringValue } == ["Alpha"])
    let active = try h.json(.get, "/organizations", query: [("trialStatus", "active")])
    #expect(active.listValue?.count == 2)
  }

  @Test(arguments: Target.allCases)
  func unknownOrganizationIs404(target: Target) throws {
    let h = try Harness(target)
    let message = try h.error(.get, "/organizations/nope", expect: 404)
    #expect(message.contains("'nope'"))
    try h.error(
      .post, "/organizations/nope",
      json: #"{"name":"x","billingEmail":"a@b.c","isScimEnabled":false}"#,
      expect: 404)
    try h.error(.get, "/organizations/nope/domains", expect: 404)
  }
}
