import AstroCore
import OrgAPI
import Testing

@testable import Emulator

@Suite("Conformance: managed domains")
struct DomainConformanceTests {
  let org = "/organizations/\(DemoSeed.organizationShortName)"

  @Test(arguments: Target.allCases)
  func lifecycle(target: Target) throws {
    let h = try Harness(target)
    let created = try h.json(
      .post, "\(org)/domains", json: #"{"name": "new.example.com", "enforcedLogins": ["sso"]}"#)
    Conformance.expect(created, is: Models.managedDomain)
    #expect(created["status"] == .string("PENDING"))
    #expect(created["organizationId"] == .string(DemoSeed.organizationId))
    let id = try #require(created["id"]?.stringValue)
    #expect(Conformance.isCuid(id))

    let got = try h.json(.get, "\(org)/domains/\(id)")
    #expect(got == created)
    let list = try h.json(.get, "/organizations/\(DemoSeed.organizationId)/domains")
    #expect(list.listValue?.count == 6)
    list.listValue?.forEach { Conformance.expect($0, is: Models.managedDomain) }

    let updated = try h.json(
      .post, "\(org)/domains/\(id)", json: #"{"enforcedLogins": ["password", "google"]}"#)
    #expect(updated["enforcedLogins"] == .list([.string("password"), .string("google")]))
    #expect(updated["name"] == .string("new.example.com"))

    let verified = try h.json(.post, "\(org)/domains/\(id)/verify")
    Conformance.expect(verified, is: Models.managedDomain)
    #expect(verified["status"] == .string("VERIFIED"))
    let orgValue = try h.json(.get, org)
    let inOrg = orgValue["managedDomains"]?.listValue?.first { $0["id"] == .string(id) }
    #expect(inOrg?["status"] == .string("VERIFIED"), "Organization.managedDomains follows")

    let deleted = try h.call(.delete, "\(org)/domains/\(id)")
    #expect(deleted.status == 204)
    #expect(deleted.body.isEmpty)
    try h.error(.delete, "\(org)/domains/\(id)", expect: 404)
    try h.error(.get, "\(org)/domains/\(id)", expect: 404)
    try h.error(.post, "\(org)/domains/\(id)/verify", expect: 404)
  }

  @Test(arguments: Target.allCases)
  func duplicateAndMalformedNamesAre400(target: Target) throws {
    let h = try Harness(target)
    let duplicate = try h.error(
      .post, "\(org)/domains", json: #"{"name": "Pending-1.example.com"}"#, expect: 400)
    #expect(duplicate.hasPrefix("Invalid request: "))
    try h.error(.post, "\(org)/domains", json: #"{"name": "not a domain"}"#, expect: 400)
  }

  @Test(arguments: Target.allCases)
  func domainUsedBySsoCannotBeDeleted(target: Target) throws {
    let h = try Harness(target)
    let id = DemoSeed.verifiedDomains[0].id
    let message = try h.error(.delete, "\(org)/domains/\(id)", expect: 400)
    #expect(message.contains(DemoSeed.ssoConnectionId))
  }

  @Test(arguments: Target.allCases)
  func failedVerificationStaysPending(target: Target) throws {
    let h = try Harness(target)
    h.engine.setFaults(FaultConfig(failVerify: ["pending-1.*"]))
    let id = DemoSeed.pendingDomains[0].id
    let message = try h.error(.post, "\(org)/domains/\(id)/verify", expect: 400)
    #expect(message.contains("DNS verification"))
    #expect(message.contains("pending-1.example.com"))
    #expect(try h.json(.get, "\(org)/domains/\(id)")["status"] == .string("PENDING"))
    let other = DemoSeed.pendingDomains[1].id
    #expect(try h.json(.post, "\(org)/domains/\(other)/verify")["status"] == .string("VERIFIED"))
  }
}
