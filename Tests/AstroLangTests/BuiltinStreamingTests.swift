import AstroCore
import Testing

@testable import AstroLang

/// Filters must pull only what they need from a stream: ten million items through
/// `where | first` must stop after a handful.
@Suite struct BuiltinStreamingTests {
  static let huge = 10_000_000

  @Test func whereThenFirstPullsOnlyWhatItNeeds() throws {
    let source = CountingStream(limit: Self.huge)
    let even = fn { .bool($0.intValue! % 2 == 0) }
    let filtered = try runData("where", [even], input: source.data)
    let firstThree = try run("first", [.int(3)], input: filtered)
    #expect(firstThree.json == "[0,2,4]")
    #expect(source.pulled.current == 5)
  }

  @Test(arguments: ["each", "select", "get", "enumerate", "skip", "uniq", "flatten", "upper"])
  func lazyBuiltinsDoNotPullAhead(name: String) throws {
    let source = CountingStream(limit: Self.huge)
    let records = ValueStream {
      try source.data.items().next().map { v in .record(Record([("s", .string("\(v.intValue!)"))]))
      }
    }
    let args: [Value]
    var input = PipelineData.stream(records)
    switch name {
    case "each": args = [fn { $0 }]
    case "select", "get": args = [.string("s")]
    case "upper":
      args = []
      input = try runData("get", [.string("s")], input: input)
    default: args = []
    }
    let out = try runData(name, args, input: input)
    let two = try run("first", [.int(2)], input: out)
    #expect(two.listValue?.count == 2)
    #expect(source.pulled.current <= 3)
  }

  @Test func firstWithoutCountPullsOne() throws {
    let source = CountingStream(limit: Self.huge)
    #expect(try run("first", input: source.data) == .int(0))
    #expect(source.pulled.current == 1)
  }

  @Test func rangeSliceStopsAtItsEnd() throws {
    let source = CountingStream(limit: Self.huge)
    let r = Value.range(ValueRange(start: 2, end: 4, inclusive: true))
    #expect(try run("range", [r], input: source.data).json == "[2,3,4]")
    #expect(source.pulled.current == 5)
  }

  @Test func countDoesNotKeepItems() throws {
    let source = CountingStream(limit: 200_000)
    #expect(try run("count", input: source.data) == .int(200_000))
  }

  @Test func cancellationStopsALongCount() {
    let ctx = FakeContext()
    ctx.cancelled.withLock { $0 = true }
    let source = CountingStream(limit: Self.huge)
    let e = errorOf { try run("count", input: source.data, ctx: ctx) }
    #expect(e?.category == .interrupted)
    #expect(source.pulled.current < 10)
  }
}
