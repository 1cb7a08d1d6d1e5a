import AstroCore
import Foundation
import Testing

@testable import OrgAPI

/// What a bulk run does with failed items under each policy, and what reaches the
/// summary at the end of a script.
@Suite struct BulkPolicyTests {
  private func runner(_ policy: FailurePolicy, meter: BulkMeter? = nil) -> BulkRunner {
    BulkRunner(
      input: ValueStream.of((0..<6).map(Value.int)), workers: 3, policy: policy,
      progress: meter?.start("test", total: 6)
    ) { v in
      if let n = v.intValue, n % 3 == 1 { throw ShellError.runtime("odd", "item \(n) failed") }
      return v
    }
  }

  @Test func skipLeavesFailuresOutAndKeepsTheShape() throws {
    #expect(try runner(.skip).stream.collectAll() == [0, 2, 3, 5].map(Value.int))
  }

  @Test func recordGivesOneRecordPerItem() throws {
    let out = try runner(.record).stream.collectAll()
    #expect(out.count == 6)
    #expect(
      out.map { $0.recordValue?["ok"] } == [true, false, true, true, false, true].map(Value.bool))
  }

  @Test func stopThrowsTheFirstFailure() {
    #expect(throws: ShellError.self) { try runner(.stop).stream.collectAll() }
  }

  @Test func theMeterCountsEveryItemAndTheRunEnds() throws {
    let meter = BulkMeter()
    _ = try runner(.skip, meter: meter).stream.collectAll()
    #expect(meter.active.isEmpty)
    let run = meter.takeUnfinished().first
    #expect(run?.done == 6)
    #expect(run?.failed == 2)
    #expect(run?.total == 6)
  }

  @Test func scriptWideKeepGoingFillsTheLedger() throws {
    let settings = BulkSettings(keepGoing: true)
    settings.ledger.defersSummary = true
    let transport = RecordingTransport { request, _ in
      let id = String(request.path.split(separator: "/")[3])
      let status = id == "d1" ? 400 : 200
      return APIResponse(status: status, body: Array(#"{"id":"\#(id)","message":"no"}"#.utf8))
    }
    let ctx = TestContext(client: Fixture.client(transport))
    ctx.services.register(settings)
    let items = Value.list(
      (0..<3).map { Fixture.json(#"{"id":"d\#($0)","name":"n\#($0).example"}"#) })
    let out = try Fixture.run("verify_managed_domain", input: .value(items), in: ctx)
    #expect(out.listValue?.count == 2)
    #expect(ctx.stderr.isEmpty)
    let summary = settings.ledger.summary
    #expect(summary.hasPrefix("summary: 1 item failed\n  verify_managed_domain: 2 ok, 1 failed\n"))
    #expect(summary.contains("    item 1 (d1, n1.example): "))
  }

  @Test(arguments: [
    (Value.string("abc"), "abc"), (Value.int(7), "7"),
    (Fixture.json(#"{"id":"d1","name":"a.example","x":1}"#), "d1, a.example"),
    (Fixture.json(#"{"x":1}"#), ""),
  ])
  func ledgerLabels(item: Value, label: String) {
    #expect(BulkLedger.label(item) == label)
  }
}
