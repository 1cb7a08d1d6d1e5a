import AstroCore
import Testing

@testable import AstroLang

@Suite struct BuiltinFilterTests {
  let domains =
    #"[{"name":"a.example","status":"PENDING"},{"name":"b.example","status":"VERIFIED"}]"#

  @Test func whereKeepsMatchingItems() throws {
    let pending = fn { .bool($0.recordValue?["status"] == .string("PENDING")) }
    #expect(
      try runJSON("where", [pending], input: domains)
        == #"[{"name":"a.example","status":"PENDING"}]"#)
  }

  @Test func whereTreatsNullAsFalse() throws {
    #expect(try runJSON("where", [fn { _ in .null }], input: "[1,2]") == "[]")
  }

  @Test func whereNeedsAClosure() {
    let e = errorOf { try run("where", [.string("x")], input: .value(json("[1]"))) }
    #expect(e?.message == "'where' expects a closure for 'condition', found string")
  }

  @Test func eachMapsAndDropsNulls() throws {
    let double = fn { v in v.intValue.map { .int($0 * 2) } ?? .null }
    #expect(try runJSON("each", [double], input: #"[1,"x",3]"#) == "[2,6]")
  }

  @Test func eachOnASingleValueRunsOnce() throws {
    #expect(try runJSON("each", [fn { _ in .int(7) }], input: #"{"a":1}"#) == "[7]")
  }

  @Test func eachKeepGoingGivesOneRecordPerItem() throws {
    let body = fn { v in
      if v == .int(0) { throw ShellError.runtime("zero", "division by zero") }
      return .int(10 / v.intValue!)
    }
    let out = try run(
      "each", [body], flags: ["keep-going": .bool(true)], input: .value(json("[5,0]")))
    let items = try #require(out.listValue)
    #expect(items[0].json == #"{"item":5,"ok":true,"value":2,"error":null}"#)
    #expect(items[1].recordValue?["ok"] == .bool(false))
    #expect(items[1].recordValue?["error"]?.recordValue?["message"] == .string("division by zero"))
  }

  @Test func eachWithoutKeepGoingRaises() {
    let body = fn { _ in throw ShellError.runtime("boom", "boom") }
    #expect(errorOf { try run("each", [body], input: .value(json("[1]"))) }?.code == "boom")
  }

  @Test func selectPicksFieldsInOrder() throws {
    #expect(
      try runJSON("select", [.string("status"), .string("name")], input: domains)
        == #"[{"status":"PENDING","name":"a.example"},{"status":"VERIFIED","name":"b.example"}]"#)
  }

  @Test func selectSuggestsAClosestField() {
    let e = errorOf { try run("select", [.string("nme")], input: .value(json(#"{"name":1}"#))) }
    #expect(e?.message == "the record has no field 'nme'")
    #expect(e?.hint == "did you mean 'name'?")
  }

  @Test func selectOptionalFillsNull() throws {
    #expect(
      try runJSON("select", [.string("x")], flags: ["optional": .bool(true)], input: #"{"a":1}"#)
        == #"{"x":null}"#)
  }

  @Test func rejectRemovesFields() throws {
    #expect(
      try runJSON("reject", [.string("status")], input: domains)
        == #"[{"name":"a.example"},{"name":"b.example"}]"#)
  }

  @Test func rejectNamesTheItemWithoutTheField() {
    let e = errorOf {
      try run("reject", [.string("zz")], input: .value(json(#"[{"zz":1},{"a":2}]"#)))
    }
    #expect(e?.message == "item 1 has no field 'zz'")
    #expect(e?.hint == "its fields are: a")
  }

  @Test(arguments: [
    ("name", #"{"name":"x","d":{"l":[{"n":1},{"n":2}]}}"#, #""x""#),
    ("d.l.1.n", #"{"name":"x","d":{"l":[{"n":1},{"n":2}]}}"#, "2"),
    ("d.l.n", #"{"name":"x","d":{"l":[{"n":1},{"n":2}]}}"#, "[1,2]"),
    ("d.l.-1.n", #"{"name":"x","d":{"l":[{"n":1},{"n":2}]}}"#, "2"),
    ("id", #"[{"id":1},{"id":2}]"#, "[1,2]"),
    ("1", #"["a","b"]"#, #""b""#),
  ])
  func getFollowsCellPaths(path: String, input: String, expected: String) throws {
    #expect(try runJSON("get", [.string(path)], input: input) == expected)
  }

  @Test func getReportsMissingFieldsWithAHint() {
    let e = errorOf { try run("get", [.string("stauts")], input: .value(json(#"{"status":1}"#))) }
    #expect(e?.code == "missing_field")
    #expect(e?.hint == "did you mean 'status'?")
    let range = errorOf { try run("get", [.int(5)], input: .value(json("[1]"))) }
    #expect(range?.message == "index 5 is out of range for a list of 1 items")
  }

  @Test func getOptionalGivesNull() throws {
    #expect(
      try runJSON("get", [.string("a.b")], flags: ["optional": .bool(true)], input: "{}") == "null")
  }

  @Test func firstLastSkip() throws {
    #expect(try runJSON("first", input: "[3,4,5]") == "3")
    #expect(try runJSON("first", [.int(2)], input: "[3,4,5]") == "[3,4]")
    #expect(try runJSON("first", [.int(9)], input: "[3]") == "[3]")
    #expect(try runJSON("first", input: "[]") == "null")
    #expect(try runJSON("last", input: "[3,4,5]") == "5")
    #expect(try runJSON("last", [.int(2)], input: "[3,4,5]") == "[4,5]")
    #expect(try runJSON("last", [.int(0)], input: "[3,4,5]") == "[]")
    #expect(try runJSON("skip", input: "[3,4,5]") == "[4,5]")
    #expect(try runJSON("skip", [.int(5)], input: "[3,4,5]") == "[]")
  }

  @Test func negativeCountsAreRefused() {
    #expect(
      errorOf { try run("first", [.int(-1)], input: .value(json("[1]"))) }?.code
        == "invalid_argument")
  }
}
