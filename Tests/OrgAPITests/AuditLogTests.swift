import AstroCore
import Testing

@testable import OrgAPI

@Suite struct AuditLogTests {
  private static let lines = (0..<500).map {
    #"{"method":"POST","path":"/organizations/o1/domains","n":\#($0)}"#
  }
  private static let ndjson = Array((lines.joined(separator: "\n") + "\n").utf8)

  private static func transport(_ body: [UInt8], type: String = "application/gzip")
    -> RecordingTransport
  {
    RecordingTransport { _, _ in
      APIResponse(status: 200, headers: [("Content-Type", type)], body: body)
    }
  }

  @Test func streamsGzipNDJSONAsRecords() throws {
    let ctx = TestContext(client: Fixture.client(Self.transport(Gzip.compress(Self.ndjson))))
    let out = try Fixture.run("get_organization_audit_logs", flags: ["earliest": .int(3)], in: ctx)
    let records = try #require(out.listValue)
    #expect(records.count == 500)
    #expect(records[499] == Fixture.json(Self.lines[499]))
  }

  @Test func isAStreamNotAList() throws {
    let ctx = TestContext(client: Fixture.client(Self.transport(Gzip.compress(Self.ndjson))))
    let builtin = APIBuiltins.builtin(for: Fixture.op("get_organization_audit_logs"))
    let data = try builtin.run(CallArgs(), ctx)
    guard case .stream(let s) = data else { return #expect(Bool(false), "expected a stream") }
    #expect(try s.next() == Fixture.json(Self.lines[0]))
  }

  @Test func rawGivesTheBytes() throws {
    let gz = Gzip.compress(Self.ndjson)
    let ctx = TestContext(client: Fixture.client(Self.transport(gz)))
    let out = try Fixture.run("get_organization_audit_logs", flags: ["raw": .bool(true)], in: ctx)
    #expect(out == .binary(gz))
  }

  @Test func plainNDJSONIsReadToo() throws {
    let ctx = TestContext(
      client: Fixture.client(Self.transport(Self.ndjson, type: "application/x-ndjson")))
    #expect(try Fixture.run("get_organization_audit_logs", in: ctx).listValue?.count == 500)
  }

  @Test func truncatedGzipIsAnError() throws {
    let cut = Array(Gzip.compress(Self.ndjson).dropLast(12))
    let ctx = TestContext(client: Fixture.client(Self.transport(cut)))
    let e = try #require(throwing { try Fixture.run("get_organization_audit_logs", in: ctx) })
    #expect(e.message == "the audit log is unreadable: gzip data is truncated")
    #expect(e.category == .apiServer)
  }

  @Test func badLineNamesItsNumber() throws {
    let body = Array("{\"a\":1}\n\n{oops}\n".utf8)
    let ctx = TestContext(client: Fixture.client(Self.transport(Gzip.compress(body))))
    let e = try #require(throwing { try Fixture.run("get_organization_audit_logs", in: ctx) })
    #expect(e.message.hasPrefix("audit log line 3 is not JSON"))
  }

  @Test func severalOrganizationsConcatenate() throws {
    let ctx = TestContext(client: Fixture.client(Self.transport(Gzip.compress(Self.ndjson))))
    let orgs = Fixture.json(#"[{"id":"o1"},{"id":"o2"}]"#)
    let out = try Fixture.run("get_organization_audit_logs", input: .value(orgs), in: ctx)
    #expect(out.listValue?.count == 1000)
  }
}
