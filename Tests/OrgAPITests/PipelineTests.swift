import AstroCore
import Foundation
import Testing

@testable import OrgAPI

@Suite struct PipelineTests {
  private static func domains(_ n: Int) -> Value {
    .list(
      (0..<n).map { i in
        Fixture.json(#"{"id":"d\#(i)","organizationId":"o1","status":"PENDING"}"#)
      })
  }

  /// Answers each verify with the domain id from its path, so order can be checked.
  private static func echoTransport(fail: Set<String> = []) -> RecordingTransport {
    RecordingTransport { request, _ in
      let id = String(request.path.split(separator: "/")[3])
      if fail.contains(id) {
        return APIResponse(
          status: 400,
          body: Array(#"{"message":"cannot verify \#(id)","requestId":"r","statusCode":400}"#.utf8))
      }
      return APIResponse(status: 200, body: Array(#"{"id":"\#(id)","status":"VERIFIED"}"#.utf8))
    }
  }

  @Test func verifiesEveryPipedDomainInOrder() throws {
    let transport = Self.echoTransport()
    let ctx = TestContext(client: Fixture.client(transport))
    let out = try Fixture.run("verify_managed_domain", input: .value(Self.domains(20)), in: ctx)
    let ids = out.listValue?.compactMap { $0.recordValue?["id"]?.stringValue }
    #expect(ids == (0..<20).map { "d\($0)" })
    #expect(Set(transport.requests.map(\.path)).count == 20)
    #expect(transport.requests.allSatisfy { $0.method == .post && $0.path.hasSuffix("/verify") })
  }

  @Test func streamsFromAStreamToo() throws {
    let transport = Self.echoTransport()
    let ctx = TestContext(client: Fixture.client(transport))
    let stream = ValueStream.of(Self.domains(5).listValue!)
    let out = try Fixture.run("verify_managed_domain", input: .stream(stream), in: ctx)
    #expect(out.listValue?.count == 5)
  }

  @Test func runsRequestsConcurrently() throws {
    // Each request waits until three are in flight at once; sequential sending would
    // reach only one and fall through on the timeout with a lower maximum.
    let inFlight = Locked(0)
    let peak = Locked(0)
    let transport = RecordingTransport { _, _ in
      let now = inFlight.withLock { n -> Int in
        n += 1
        return n
      }
      peak.withLock { $0 = max($0, now) }
      let deadline = Date().addingTimeInterval(5)
      while peak.current < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
      inFlight.withLock { $0 -= 1 }
      return APIResponse(status: 200, body: Array("{}".utf8))
    }
    let ctx = TestContext(client: Fixture.client(transport))
    try Fixture.run(
      "verify_managed_domain", flags: ["parallel": .int(3)], input: .value(Self.domains(6)), in: ctx
    )
    #expect(peak.current == 3)
  }

  @Test(arguments: [0, 65, 100_000])
  func parallelOutsideOneToSixtyFourIsAUsageError(_ n: Int) throws {
    let transport = Self.echoTransport(fail: [])
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(
      throwing {
        try Fixture.run(
          "verify_managed_domain", flags: ["parallel": .int(n)], input: .value(Self.domains(2)),
          in: ctx)
      })
    #expect(e.message == "verify_managed_domain: '--parallel' must be a whole number from 1 to 64")
    #expect(transport.requests.isEmpty)
  }

  @Test func firstFailureStopsWithTheUsualError() throws {
    let transport = Self.echoTransport(fail: ["d3"])
    let ctx = TestContext(client: Fixture.client(transport))
    let e = try #require(
      throwing {
        try Fixture.run(
          "verify_managed_domain", flags: ["parallel": .int(1)], input: .value(Self.domains(10)),
          in: ctx)
      })
    #expect(e.message == "verify_managed_domain failed with 400 bad request: cannot verify d3")
    // One worker: nothing after the failing item was started.
    #expect(transport.requests.count == 4)
  }

  @Test func keepGoingGivesOneResultPerItemAndASummary() throws {
    let transport = Self.echoTransport(fail: ["d1", "d4"])
    let client = Fixture.client(transport)
    let ctx = TestContext(client: client)
    let out = try Fixture.run(
      "verify_managed_domain", flags: ["keep-going": .bool(true)], input: .value(Self.domains(6)),
      in: ctx)
    let results = try #require(out.listValue)
    #expect(results.count == 6)
    #expect(
      results.map { $0.recordValue?["ok"] }
        == [true, false, true, true, false, true].map(Value.bool))
    #expect(results[1].recordValue?["item"]?.recordValue?["id"] == .string("d1"))
    #expect(results[1].recordValue?["error"]?.recordValue?["status"] == .int(400))
    #expect(results[0].recordValue?["value"]?.recordValue?["id"] == .string("d0"))
    #expect(ctx.stderr.hasPrefix("verify_managed_domain: 4 ok, 2 failed\n"))
    #expect(ctx.stderr.contains("  item 1 (d1): verify_managed_domain failed with 400 bad request"))
    #expect(client.failedItems == 2)
  }

  @Test func badItemFailsBeforeItsRequest() throws {
    let transport = Self.echoTransport()
    let ctx = TestContext(client: Fixture.client(transport))
    let items = Value.list([Fixture.json(#"{"id":"d0"}"#), Fixture.json(#"{"name":"no id"}"#)])
    let out = try Fixture.run(
      "verify_managed_domain", flags: ["keep-going": .bool(true)], input: .value(items), in: ctx)
    #expect(out.listValue?.last?.recordValue?["ok"] == .bool(false))
    #expect(transport.requests.count == 1)
  }

  @Test func bulkRunnerPropagatesUpstreamErrors() {
    var n = 0
    let input = ValueStream {
      n += 1
      if n == 3 { throw ShellError.runtime("upstream", "upstream broke") }
      return .int(n)
    }
    let runner = BulkRunner(input: input, workers: 2, keepGoing: true) { $0 }
    #expect(throws: ShellError.self) { try runner.stream.collectAll() }
  }

  @Test func bulkRunnerStopsPullingWhenTheConsumerStops() throws {
    let pulled = Locked(0)
    let input = ValueStream {
      pulled.withLock { $0 += 1 }
      return .int(pulled.current)
    }
    let runner = BulkRunner(input: input, workers: 2, keepGoing: false) { $0 }
    let stream = runner.stream
    for _ in 0..<3 { _ = try stream.next() }
    // An endless input: only a window's worth (four items per worker) was pulled ahead.
    #expect(pulled.current <= 3 + 8)
  }

  @Test func itemsThatFinishAfterTheConsumerLetGoAreStillCounted() throws {
    let finished = Locked<BulkSummary?>(nil)
    do {
      let runner = BulkRunner(
        input: ValueStream.of((0..<40).map(Value.int)), workers: 4, keepGoing: false,
        onFinish: { summary in finished.withLock { $0 = summary } }
      ) { v in
        if v == .int(4) { throw ShellError.runtime("bad", "item 4 is bad") }
        return v
      }
      let stream = runner.stream
      for _ in 0..<2 { _ = try stream.next() }
    }
    // The stream is gone: the items started were waited for and counted.
    let summary = try #require(finished.current)
    #expect(summary.readerLeft)
    #expect(summary.unread > 0)
    #expect(summary.succeeded + summary.failures.count == 2 + summary.unread)
    #expect(summary.failures.map(\.index) == [4])
    #expect(summary.text.contains("finished after the pipeline stopped reading"))
  }

  @Test func resultsHandedOutAfterCtrlCAreKeptForTheReport() throws {
    let cancelled = Locked(false)
    let finished = Locked<BulkSummary?>(nil)
    let runner = BulkRunner(
      input: ValueStream.of((0..<6).map(Value.int)), workers: 1, keepGoing: false,
      isCancelled: { cancelled.current },
      onFinish: { summary in finished.withLock { $0 = summary } }
    ) { v in .record(Record([("id", .string("made-\(v.intValue ?? -1)"))])) }
    let stream = runner.stream
    _ = try stream.next()
    cancelled.withLock { $0 = true }
    #expect(throws: ShellError.self) {
      while try stream.next() != nil {}
    }
    let summary = try #require(finished.current)
    #expect(summary.interrupted)
    #expect(!summary.unreadDone.isEmpty)
    #expect(!summary.unreadDone.contains { $0.index == 0 }, "item 0 was read before Ctrl-C")
    #expect(summary.unreadChanges.contains("(made-1): done"))
  }

  @Test func aFailureThatStopsARunSaysWhatElseItDid() throws {
    let runner = BulkRunner(
      input: ValueStream.of((0..<10).map(Value.int)), workers: 2, keepGoing: false
    ) { v in
      if v == .int(3) { throw ShellError.runtime("bad", "item 3 is bad") }
      return v
    }
    let error = #expect(throws: ShellError.self) { try runner.stream.collectAll() }
    #expect(error?.message == "item 3 is bad")
    #expect(error?.hint?.contains("item 3 stopped the run after") == true)
    let bulk = error?.details["bulk"]?.recordValue
    #expect(bulk?["item"] == .int(3))
    #expect((bulk?["succeeded"]?.intValue ?? 0) >= 3)
  }

  @Test func ctrlCStopsLaunchingAndDoesNotLookComplete() throws {
    let cancelled = Locked(false)
    let calls = Locked(0)
    let runner = BulkRunner(
      input: ValueStream.of((0..<100).map(Value.int)), workers: 2, keepGoing: true,
      isCancelled: { cancelled.current }
    ) { v in
      calls.withLock { $0 += 1 }
      return v
    }
    let stream = runner.stream
    _ = try stream.next()
    cancelled.withLock { $0 = true }
    #expect(throws: ShellError.self) {
      while try stream.next() != nil {}
    }
    #expect(calls.current < 100)
  }

  @Test func interruptedItemEndsAKeepGoingRun() throws {
    let runner = BulkRunner(
      input: ValueStream.of((0..<10).map(Value.int)), workers: 1, keepGoing: true
    ) { v in
      if v == .int(2) { throw ShellError.interrupted }
      return v
    }
    let stream = runner.stream
    #expect(try stream.next()?.recordValue?["ok"] == .bool(true))
    #expect(try stream.next()?.recordValue?["ok"] == .bool(true))
    #expect(throws: ShellError.self) { try stream.next() }
    #expect(try stream.next() == nil)
  }

  @Test func noRequestStartsAfterCtrlC() throws {
    let transport = Self.echoTransport()
    let ctx = TestContext(client: Fixture.client(transport))
    ctx.cancelled.withLock { $0 = true }
    #expect(throws: ShellError.self) {
      try Fixture.run("verify_managed_domain", input: .value(Self.domains(4)), in: ctx)
    }
    #expect(throws: ShellError.self) { try Fixture.run("list_managed_domains", in: ctx) }
    #expect(transport.requests.isEmpty)
  }
}
