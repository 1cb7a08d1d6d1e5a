import AstroCore
import Foundation
import Testing

@testable import OrgAPI

/// Pipeline-fed API builtins over the built-in HTTP client, where a few threads keep many
/// calls in flight (`APIClient.begin`/`finish`), against the scripted server.
@Suite struct BulkSplitTests {
  static func domains(_ n: Int) -> Value {
    .list((0..<n).map { Value.record(Record([("id", .string("d\($0)"))])) })
  }

  static func ids(_ value: Value) -> [String] {
    (value.listValue ?? []).map { $0.recordValue?["id"]?.stringValue ?? "?" }
  }

  /// The last path segment of a request: the domain id.
  static func id(_ request: RecordedRequest) -> String {
    String(request.target.split(separator: "/").last ?? "")
  }

  @Test func manyCallsComeBackInOrder() throws {
    let server = try ScriptedServer { request in
      let id = Self.id(request)
      // Every seventh answer is slow, so answers arrive out of order.
      var reply = ScriptedReply.json(200, #"{"id":"\#(id)"}"#)
      if (Int(id.dropFirst()) ?? 0) % 7 == 0 { reply.delay = 0.05 }
      return reply
    }
    defer { server.stop() }
    let client = Fixture.client(try PlainHTTPTransportTests.transport(server))
    #expect(client.sendsWithoutWaiting)
    let out = try Fixture.run(
      "get_managed_domain", flags: ["parallel": .int(16)], input: .value(Self.domains(120)),
      in: TestContext(client: client))
    #expect(Self.ids(out) == (0..<120).map { "d\($0)" })
    #expect(server.requests.count == 120)
  }

  @Test func aRetryIsWaitedOutAndTheOthersStillFinish() throws {
    let seen = Locked<[String: Int]>([:])
    let server = try ScriptedServer { request in
      let id = Self.id(request)
      let count = seen.withLock { counts -> Int in
        counts[id, default: 0] += 1
        return counts[id]!
      }
      if id == "d3", count == 1 {
        return .json(503, #"{"message":"busy"}"#, headers: [("Retry-After", "1")])
      }
      return .json(200, #"{"id":"\#(id)"}"#)
    }
    defer { server.stop() }
    let ctx = TestContext(client: Fixture.client(try PlainHTTPTransportTests.transport(server)))
    let out = try Fixture.run(
      "get_managed_domain", flags: ["parallel": .int(4)], input: .value(Self.domains(10)),
      in: ctx)
    #expect(Self.ids(out) == (0..<10).map { "d\($0)" })
    #expect(seen.current["d3"] == 2)
    #expect(seen.current.values.reduce(0, +) == 11)
  }

  @Test func theRateLimitPacesCallsThatAreInFlightTogether() throws {
    let arrivals = Locked<[Double]>([])
    let server = try ScriptedServer { request in
      arrivals.withLock { $0.append(monotonicNow()) }
      return .json(200, #"{"id":"\#(Self.id(request))"}"#)
    }
    defer { server.stop() }
    let client = APIClient(
      .init(
        transport: try PlainHTTPTransportTests.transport(server), token: Fixture.token,
        rateLimits: RateLimits(get: 40, post: nil, delete: nil), defaultOrganization: "o1"))
    let out = try Fixture.run(
      "get_managed_domain", flags: ["parallel": .int(8)], input: .value(Self.domains(20)),
      in: TestContext(client: client))
    #expect(Self.ids(out) == (0..<20).map { "d\($0)" })
    // 20 calls at 40 a second, evenly spaced: the last leaves about 0.475 s after the first.
    let times = arrivals.current.sorted()
    #expect(times.count == 20)
    #expect((times.last ?? 0) - (times.first ?? 0) >= 0.4)
  }

  @Test func anAnswerThatNeverStartsEndsAfterTheIdleTimeout() throws {
    let server = try ScriptedServer { _ in ScriptedReply(status: 200, delay: 5) }
    defer { server.stop() }
    let client = Fixture.client(
      try PlainHTTPTransportTests.transport(server, idle: 0.3), retry: RetryPolicy(maxAttempts: 1))
    let started = Date()
    let out = try Fixture.run(
      "get_managed_domain", flags: ["parallel": .int(3), "keep-going": .bool(true)],
      input: .value(Self.domains(3)), in: TestContext(client: client))
    #expect(Date().timeIntervalSince(started) < 3)
    let records = out.listValue ?? []
    #expect(records.count == 3)
    for record in records {
      #expect(record.recordValue?["ok"] == .bool(false))
      let message = record.recordValue?["error"]?.recordValue?["message"]?.stringValue ?? ""
      #expect(message.contains("nothing received for 0.3 s"), "\(message)")
    }
  }

  @Test func ctrlCEndsTheCallsInFlightAtOnce() throws {
    let server = try ScriptedServer { _ in ScriptedReply(status: 200, delay: 10) }
    defer { server.stop() }
    let ctx = TestContext(client: Fixture.client(try PlainHTTPTransportTests.transport(server)))
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
      ctx.cancelled.withLock { $0 = true }
    }
    let started = Date()
    let error = #expect(throws: ShellError.self) {
      try Fixture.run(
        "get_managed_domain", flags: ["parallel": .int(8)], input: .value(Self.domains(20)),
        in: ctx)
    }
    #expect(error?.category == .interrupted)
    #expect(Date().timeIntervalSince(started) < 3)
    #expect(server.requests.count <= 8, "nothing new went out after Ctrl-C")
  }
}
