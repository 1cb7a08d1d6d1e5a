import AstroCore
import Foundation
import Testing

@testable import AstroLang

@Suite struct BuiltinParallelTests {
  func parallel(_ n: Int, keepGoing: Bool = false) -> [String: Value] {
    var flags: [String: Value] = ["parallel": .int(n)]
    if keepGoing { flags["keep-going"] = .bool(true) }
    return flags
  }

  @Test func resultsKeepInputOrder() throws {
    // Later items finish first: without reordering the output would come out reversed.
    let body = fn { v in
      usleep(UInt32(max(0, 20 - v.intValue!)) * 200)
      return .int(v.intValue! * 10)
    }
    let input = PipelineData.value(.range(ValueRange(start: 0, end: 20, inclusive: false)))
    let out = try run("each", [body], flags: parallel(4), input: input)
    #expect(out.listValue == (0..<20).map { .int($0 * 10) })
  }

  @Test func runsItemsAtTheSameTime() throws {
    let active = Locked(0)
    let peak = Locked(0)
    let body = fn { v in
      let now = active.withLock { n -> Int in
        n += 1
        return n
      }
      peak.withLock { $0 = max($0, now) }
      // Wait (bounded) for a partner so the overlap does not depend on scheduling luck.
      for _ in 0..<2000 where peak.current < 3 { usleep(500) }
      active.withLock { $0 -= 1 }
      return v
    }
    let out = try run("each", [body], flags: parallel(3), input: .value(json("[1,2,3,4,5,6]")))
    #expect(out.json == "[1,2,3,4,5,6]")
    #expect(peak.current == 3)
  }

  @Test func anErrorIsRaisedWithTheFailedCount() {
    let body = fn { v in
      if v.intValue! % 2 == 1 { throw ShellError.runtime("odd", "odd item \(v.intValue!)") }
      return v
    }
    let e = errorOf {
      try run("each", [body], flags: parallel(2), input: .value(json("[0,1,2,3]")))
    }
    #expect(e?.message == "odd item 1")
    #expect(e?.details["failedCount"]?.intValue ?? 1 >= 1)
  }

  @Test func errorsAreNeverSwallowedAmongManyItems() {
    let body = fn { v in
      if v.intValue! == 777 { throw ShellError.runtime("bad", "bad item") }
      return v
    }
    let input = PipelineData.value(.range(ValueRange(start: 0, end: 2000, inclusive: false)))
    #expect(errorOf { try run("each", [body], flags: parallel(8), input: input) }?.code == "bad")
  }

  @Test func keepGoingReportsEveryItem() throws {
    let body = fn { v in
      if v.intValue! % 3 == 0 { throw ShellError.runtime("three", "multiple of three") }
      return .int(v.intValue! + 100)
    }
    let input = PipelineData.value(.range(ValueRange(start: 0, end: 30, inclusive: false)))
    let out = try run("each", [body], flags: parallel(4, keepGoing: true), input: input)
    let items = try #require(out.listValue)
    #expect(items.count == 30)
    for (i, item) in items.enumerated() {
      let r = try #require(item.recordValue)
      #expect(r["item"] == .int(i))
      #expect(r["ok"] == .bool(i % 3 != 0))
      #expect(r["value"] == (i % 3 == 0 ? .null : .int(i + 100)))
    }
  }

  @Test func interruptionIsNotCaughtByKeepGoing() {
    let body = fn { _ in throw ShellError.interrupted }
    let e = errorOf {
      try run("each", [body], flags: parallel(2, keepGoing: true), input: .value(json("[1,2,3]")))
    }
    #expect(e?.category == .interrupted)
  }

  @Test func abandoningTheStreamStopsTheWorkers() throws {
    let source = CountingStream(limit: 10_000_000)
    let ctx = FakeContext()
    do {
      let out = try runData("each", [fn { $0 }], flags: parallel(4), input: source.data, ctx: ctx)
      #expect(try run("first", [.int(3)], input: out).json == "[0,1,2]")
    }
    // The workers may run ahead by at most the window; give them time to notice the stop.
    var settled = source.pulled.current
    for _ in 0..<200 {
      usleep(5000)
      let now = source.pulled.current
      if now == settled { break }
      settled = now
    }
    #expect(source.pulled.current < 1000)
  }

  @Test func aSourceErrorIsRaisedAfterTheItemsBeforeIt() {
    var n = 0
    let source = ValueStream {
      n += 1
      if n == 4 { throw ShellError.runtime("source", "source failed") }
      return .int(n)
    }
    let e = errorOf { try run("each", [fn { $0 }], flags: parallel(2), input: .stream(source)) }
    #expect(e?.code == "source")
  }

  @Test func parallelMustBePositive() {
    let e = errorOf { try run("each", [fn { $0 }], flags: parallel(0), input: .value(json("[1]"))) }
    #expect(e?.message == "'each': --parallel must be 1 to 64")
    #expect(e?.category == .usage)
    let big = errorOf {
      try run("each", [fn { $0 }], flags: parallel(65), input: .value(json("[1]")))
    }
    #expect(big?.code == "invalid_argument")
  }
}
