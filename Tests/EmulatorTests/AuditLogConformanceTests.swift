import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("Conformance: audit logs")
struct AuditLogConformanceTests {
  static let org = "/organizations/\(DemoSeed.organizationId)"

  /// Downloads the log and returns its records, checking the gzip entity headers.
  static func records(_ h: Harness, earliest: String? = nil) throws -> [Record] {
    let response = try h.call(
      .get, "\(org)/audit-logs", query: earliest.map { [("earliest", $0)] } ?? [])
    #expect(response.status == 200)
    #expect(response.header("Content-Type") == "application/gzip")
    #expect(response.header("Content-Encoding") == nil, "the gzip is the entity itself")
    #expect(Array(response.body.prefix(2)) == [0x1f, 0x8b])
    let text = String(decoding: try Gzip.decompress(response.body), as: UTF8.self)
    return try text.split(separator: "\n").map { line in
      try #require(try JSON.parse(String(line)).recordValue)
    }
  }

  @Test(arguments: Target.allCases)
  func mutatingCallsAreRecorded(target: Target) throws {
    let h = try Harness(target)
    let before = try Self.records(h).count
    try h.json(.post, "\(Self.org)/domains", json: #"{"name": "logged.example.com"}"#)
    try h.error(.post, "\(Self.org)/domains", json: #"{"name": 1}"#, expect: 400)
    try h.json(.get, "\(Self.org)/domains")
    let records = try Self.records(h)
    #expect(records.count == before + 2, "both POSTs are recorded, the GET is not")
    let created = try #require(records.dropLast().last)
    let keys: Set<String> = [
      "subjectId", "subjectType", "organizationId", "timestamp", "sourceIp", "userAgent",
      "method", "path", "requestBody", "requestId", "responseStatus",
    ]
    #expect(Set(created.keys).isSubset(of: keys))
    #expect(Set(created.keys).isSuperset(of: keys.subtracting(["userAgent"])))
    #expect(created["method"] == .string("POST"))
    #expect(created["path"] == .string("/v1alpha1\(Self.org)/domains"))
    #expect(created["responseStatus"] == .int(200))
    #expect(created["requestBody"]?["name"] == .string("logged.example.com"))
    #expect(created["sourceIp"] == .string("127.0.0.1"))
    #expect(records.last?["responseStatus"] == .int(400))
    let times = records.compactMap { $0["timestamp"]?.stringValue }
    #expect(times == times.sorted(), "records are in time order")
  }

  @Test(arguments: Target.allCases)
  func secretsAreRedacted(target: Target) throws {
    let h = try Harness(target)
    let body = SsoConformanceTests.connectionBody([DemoSeed.verifiedDomains[1]])
    try h.json(.post, "\(Self.org)/sso-connections", json: body)
    let record = try #require(try Self.records(h).last)
    let config = record["requestBody"]?["configuration"]
    #expect(config?["samlSigningCert"] == .string(Redactor.marker))
    #expect(config?["samlSignInUrl"] == .string("https://idp.example/sso"))
  }

  @Test(arguments: Target.allCases)
  func earliestFiltersByDays(target: Target) throws {
    let h = try Harness(target)
    // The seed holds events 2 hours, 3 days and 40 days old.
    #expect(try Self.records(h).count == 1)
    #expect(try Self.records(h, earliest: "1").count == 1)
    #expect(try Self.records(h, earliest: "4").count == 2)
    #expect(try Self.records(h, earliest: "90").count == 3)
    let byShortName = try h.call(.get, "/organizations/demo-org/audit-logs")
    #expect(byShortName.status == 200)
  }

  @Test(arguments: Target.allCases)
  func syntheticEventsStreamInOrder(target: Target) throws {
    let h = try Harness(target, options: EmulatorEngine.Options(syntheticAuditEvents: 20_000))
    let records = try Self.records(h)
    #expect(records.count == 20_001, "20,000 synthetic events plus the seed's recent one")
    let times = records.compactMap { $0["timestamp"]?.stringValue }
    #expect(times == times.sorted())
    #expect(Set(records.compactMap { $0["requestId"]?.stringValue }).count == records.count)
    h.engine.setSyntheticAuditEvents(count: 0)
    #expect(try Self.records(h).count == 1)
  }

  @Test(arguments: Target.allCases)
  func downloadStreamsInBlocks(target: Target) throws {
    let h = try Harness(target, options: EmulatorEngine.Options(syntheticAuditEvents: 50_000))
    let request = APIRequest(
      method: .get, path: "\(Self.org)/audit-logs",
      headers: [(name: "Authorization", value: "Bearer t")])
    let response = try h.transport.open(request) { false }
    #expect(response.status == 200)
    let inflater = GzipDecompressor()
    var chunks = 0
    var lines = 0
    while let chunk = try response.next() {
      chunks += 1
      lines += try inflater.feed(chunk).lazy.filter { $0 == UInt8(ascii: "\n") }.count
    }
    try inflater.finish()
    #expect(lines == 50_001)
    #expect(chunks > 1, "the body arrives in several blocks, never whole")
  }

  @Test func syntheticWindowHonoursEarliest() throws {
    let anchor = Date(timeIntervalSince1970: 1_750_000_000)
    let spec = SyntheticAudit(count: 1000, organizationId: "o", anchor: anchor)
    for hours in [0, 1, 12, 22, 23, 24] {
      let since = anchor.addingTimeInterval(-Double(hours) * 3600)
      let lines = SyntheticLines(spec, since: since)
      let expected = (0..<1000).filter {
        lines.epochSeconds($0) >= Int64(since.timeIntervalSince1970)
      }.count
      #expect(1000 - lines.firstIndex == expected, "\(hours) hours")
    }
  }
}
