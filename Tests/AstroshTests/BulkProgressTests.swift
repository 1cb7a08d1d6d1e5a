import AstroCore
import Foundation
import Testing

@testable import AstroshKit

/// The progress line: what it says, and at a terminal that it is drawn in place and
/// gone when the run ends.
@Suite struct BulkProgressTests {
  @Test(arguments: [
    (
      [
        BulkMeter.Snapshot(
          label: "verify_managed_domain", done: 12, failed: 1, total: 40, elapsed: 2.5)
      ],
      "verify_managed_domain 12/40, 1 failed, 4.8/s, 6 s left"
    ),
    (
      [
        BulkMeter.Snapshot(label: "each", done: 2, failed: 0, total: 5, elapsed: 10),
        BulkMeter.Snapshot(
          label: "verify_managed_domain", done: 300, failed: 0, total: nil, elapsed: 2),
      ],
      "each 2/5 | verify_managed_domain 300 done, 150/s"
    ),
    ([BulkMeter.Snapshot(label: "each", done: 0, failed: 0, total: 9, elapsed: 1)], "each 0/9"),
  ])
  func describesTheRuns(runs: [BulkMeter.Snapshot], expected: String) {
    #expect(ProgressLine.describe(runs) == expected)
  }

  @Test(arguments: [(0.2, "1 s"), (59, "59 s"), (61, "1 min 1 s"), (7300, "2 h 1 min")])
  func timeLeftReads(seconds: Double, text: String) {
    #expect(ProgressLine.duration(seconds) == text)
  }

  @Test func anInterruptionNamesTheFirstRunThatHadNotFinished() {
    let meter = BulkMeter()
    // `1..3 | each {…} | get_managed_domain`: each produced all three items first.
    let each = meter.start("each", total: 3)
    let get = meter.start("get_managed_domain", total: 3)
    for _ in 0..<3 { each.tick() }
    get.tick()
    #expect(meter.takeUnfinished().map(\.label) == ["get_managed_domain"])
    #expect(meter.takeUnfinished().isEmpty, "the job is forgotten once taken")
    get.end()
    each.end()
    // A stream's length is unknown until its end: such a run counts as unfinished.
    let stream = meter.start("verify_managed_domain", total: nil)
    stream.tick()
    stream.end()
    let later = meter.start("each", total: 1)
    later.tick()
    later.end()
    #expect(
      meter.takeUnfinished().map(\.label) == ["each"], "a run starting alone begins a new job")
    // A run that makes changes is named even when it did all its items: the stage after
    // it may have dropped what it made.
    let rows = meter.start("each", total: 2)
    let create = meter.start("create_managed_domain", total: 2, makesChanges: true)
    let verify = meter.start("verify_managed_domain", total: 2, makesChanges: true)
    for run in [rows, rows, create, create] { run.tick() }
    #expect(
      meter.takeUnfinished().map(\.label) == ["create_managed_domain", "verify_managed_domain"])
    verify.end()
    create.end()
    rows.end()
  }

  @Test func theMeterForgetsEndedRunsButRemembersTheOutermost() {
    let meter = BulkMeter()
    let outer = meter.start("each", total: 3)
    let inner = meter.start("verify_managed_domain", total: nil)
    inner.tick()
    inner.tick(failed: true)
    #expect(meter.active.map(\.label) == ["each", "verify_managed_domain"])
    inner.end()
    outer.tick()
    outer.end()
    #expect(meter.active.isEmpty)
    // `each` did 1 of 3 and the inner run's total is unknown: both were cut short.
    let cut = meter.takeUnfinished()
    #expect(cut.map(\.label) == ["each", "verify_managed_domain"])
    #expect(cut.first?.done == 1)
    #expect(meter.takeUnfinished().isEmpty)
  }

  @Test(.enabled(if: PTYSession.isAvailable))
  func atATerminalTheLineIsDrawnInPlaceAndErased() throws {
    let emulator = try ServedEmulator(["--latency", "POST=200"])
    let code = #"1..8 | each {|i| create_managed_domain --name "t$i.example.com" } | length"#
    let terminal = try PTYSession(
      Binary.path, arguments: ["-c", code], environment: emulator.environment)
    defer { terminal.close() }
    try terminal.waitUntil("a progress line") { $0.contains("each ") && $0.contains("/8") }
    #expect(try terminal.exitStatus() == 0)
    let screen = try terminal.transcript()
    #expect(screen.contains("8"))
    #expect(!screen.contains("/8"))
  }
}
