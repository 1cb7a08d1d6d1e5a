import AstroCore
import Testing

@testable import AstroLang

@Suite struct BuiltinListTests {
  let people = #"[{"n":"b","age":30},{"n":"a","age":25},{"n":"c","age":30}]"#

  @Test func sortByField() throws {
    #expect(try runJSON("sort_by", [.string("n")], input: people).contains(#"[{"n":"a""#))
    let byAge = try run("sort_by", [.string("age")], input: .value(json(people)))
    // Stable: b stays before c among the equal ages.
    #expect(byAge.listValue?.compactMap { $0.recordValue?["n"]?.stringValue } == ["a", "b", "c"])
  }

  @Test func sortByTwoFieldsReversed() throws {
    let out = try run(
      "sort_by", [.string("age"), .string("n")], flags: ["reverse": .bool(true)],
      input: .value(json(people)))
    #expect(out.listValue?.compactMap { $0.recordValue?["n"]?.stringValue } == ["c", "b", "a"])
  }

  @Test func sortByClosureAndPlainValues() throws {
    let byLength = fn { .int($0.stringValue!.count) }
    #expect(try runJSON("sort_by", [byLength], input: #"["ccc","a","bb"]"#) == #"["a","bb","ccc"]"#)
    #expect(try runJSON("sort_by", input: "[3,1.5,2]") == "[1.5,2,3]")
  }

  @Test func sortByMissingFieldsSortFirstButATypoFails() throws {
    #expect(
      try runJSON("sort_by", [.string("x")], input: #"[{"x":2},{"y":1},{"x":1}]"#)
        == #"[{"y":1},{"x":1},{"x":2}]"#)
    let e = errorOf { try run("sort_by", [.string("agee")], input: .value(json(people))) }
    #expect(e?.message == "no item has the field 'agee'")
    #expect(e?.hint == "did you mean 'age'?")
  }

  @Test func groupBy() throws {
    #expect(
      try runJSON("group_by", [.string("age")], input: people)
        == #"{"30":[{"n":"b","age":30},{"n":"c","age":30}],"25":[{"n":"a","age":25}]}"#)
    let parity = fn { .bool($0.intValue! % 2 == 0) }
    #expect(try runJSON("group_by", [parity], input: "[1,2,3]") == #"{"false":[1,3],"true":[2]}"#)
  }

  @Test func countAndLength() throws {
    #expect(try runJSON("count", input: "[1,2,3]") == "3")
    #expect(
      try run("count", input: .value(.range(ValueRange(start: 1, end: 10, inclusive: true))))
        == .int(10))
    #expect(try runJSON("length", input: #""héllo""#) == "5")
    #expect(try runJSON("length", input: #"{"a":1,"b":2}"#) == "2")
    #expect(try runJSON("length", input: "[]") == "0")
    let e = errorOf { try run("length", input: .value(.int(3))) }
    #expect(e?.message == "'length' expects a list, string or record as input, found int")
  }

  @Test func uniqTreatsEqualNumbersAndRecordsAsOne() throws {
    #expect(
      try runJSON("uniq", input: #"[1,1.0,2,{"a":1,"b":2},{"b":2,"a":1},"1"]"#)
        == #"[1,2,{"a":1,"b":2},"1"]"#)
  }

  @Test func flatten() throws {
    #expect(try runJSON("flatten", input: "[[1,2],[3,[4]],5,[]]") == "[1,2,3,[4],5]")
    #expect(
      try runJSON("flatten", flags: ["all": .bool(true)], input: "[[1,[2,[3]]],4]") == "[1,2,3,4]")
  }

  @Test func reduce() throws {
    let add = fn2 { acc, item in .int(acc.intValue! + item.intValue!) }
    let concat = fn2 { acc, item in .string(acc.stringValue! + item.stringValue!) }
    #expect(
      try runJSON("reduce", [concat], flags: ["fold": .string(">")], input: #"["a","b"]"#)
        == #"">ab""#)
    #expect(try runJSON("reduce", [add], input: "[1,2,3,4]") == "10")
    #expect(try runJSON("reduce", [add], flags: ["fold": .int(100)], input: "[1,2]") == "103")
    #expect(try runJSON("reduce", [add], flags: ["fold": .int(5)], input: "[]") == "5")
    let e = errorOf { try run("reduce", [add], input: .value(json("[]"))) }
    #expect(e?.hint == "give a starting value with --fold")
  }

  @Test func enumerate() throws {
    #expect(
      try runJSON("enumerate", input: #"["a","b"]"#)
        == #"[{"index":0,"item":"a"},{"index":1,"item":"b"}]"#)
  }

  @Test(arguments: [
    ([Value.int(1), .int(5)], [String: Value](), "[1,2,3,4,5]"),
    ([.int(5), .int(1)], [:], "[5,4,3,2,1]"),
    ([.int(0), .int(10)], ["step": .int(3)], "[0,3,6,9]"),
    ([.int(0), .int(10)], ["step": .int(2), "exclusive": .bool(true)], "[0,2,4,6,8]"),
    ([.int(3), .int(3)], ["exclusive": .bool(true)], "[]"),
  ])
  func rangeGenerates(args: [Value], flags: [String: Value], expected: String) throws {
    #expect(try run("range", args, flags: flags).json == expected)
  }

  @Test func rangeSlicesInput() throws {
    let r = Value.range(ValueRange(start: 1, end: 3, inclusive: false))
    #expect(try runJSON("range", [r], input: #"["a","b","c","d"]"#) == #"["b","c"]"#)
    #expect(try runJSON("range", [.string("2..3")], input: #"["a","b","c","d"]"#) == #"["c","d"]"#)
    #expect(try run("range", [.string("3..<0")]).json == "[3,2,1]")
    #expect(errorOf { try run("range", [.int(1), .int(2)], flags: ["step": .int(0)]) } != nil)
  }
}
