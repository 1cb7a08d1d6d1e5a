import AstroCore
import Foundation
import Testing

struct SuggestTests {
  struct Case: Sendable, CustomStringConvertible {
    var a: String
    var b: String
    var distance: Int
    var description: String { "\(a)~\(b)" }
  }

  @Test(arguments: [
    Case(a: "", b: "abc", distance: 3),
    Case(a: "count", b: "count", distance: 0),
    Case(a: "cuont", b: "count", distance: 1),
    Case(a: "stauts", b: "status", distance: 1),
    Case(a: "lst_managed_domains", b: "list_managed_domains", distance: 1),
    Case(a: "kitten", b: "sitting", distance: 3),
  ])
  func distance(_ c: Case) {
    #expect(Suggest.distance(c.a, c.b) == c.distance)
  }

  @Test func hintPicksTheClosestOrNothing() {
    #expect(Suggest.hint(for: "cuont", in: ["count", "first"]) == "did you mean 'count'?")
    #expect(Suggest.hint(for: "zzzzzz", in: ["count", "first"]) == nil)
  }
}

struct DiagnosticTests {
  @Test func rendersLocationCaretAndHint() {
    let file = SourceFile(name: "x.astro", text: "let a = 1\nprint $b\n")
    let error = ShellError(
      .syntax, code: "unknown_variable", "unknown variable '$b'", hint: "did you mean '$a'?",
      at: SourceLocation(file: file, span: Span(16, 18)))
    #expect(
      Diagnostic.render(error) == """
        error: unknown variable '$b'
         --> x.astro:2:7
          |
        2 | print $b
          |       ^^
          = hint: did you mean '$a'?

        """)
  }

  @Test func controlCharactersInTheSourceNeverReachTheTerminal() {
    let file = SourceFile(name: "x", text: "print \"\u{1B}[2J\" $\n")
    let error = ShellError(
      .syntax, code: "x", "bad", at: SourceLocation(file: file, span: Span(12, 13)))
    let text = Diagnostic.render(error)
    #expect(!text.contains("\u{1B}"))
    #expect(text.contains("print \"?[2J\" $"))
  }

  @Test func theCaretIsPlacedAndSizedInTerminalCells() {
    // 日本 takes four cells and 漢字 under the caret two each.
    let file = SourceFile(name: "x", text: "print \"日本\" | 漢字x\n")
    let start = "print \"日本\" | ".utf8.count
    let error = ShellError(
      .syntax, code: "x", "unknown command",
      at: SourceLocation(file: file, span: Span(start, start + "漢字x".utf8.count)))
    let lines = Diagnostic.render(error).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[3] == "1 | print \"日本\" | 漢字x")
    #expect(lines[4] == "  |" + String(repeating: " ", count: 1 + 15) + "^^^^^")
  }

  @Test func aWindowsLineEndIsNotShown() {
    let file = SourceFile(name: "x", text: "let a = 1\r\nprint $b\r\n")
    let error = ShellError(
      .syntax, code: "x", "unknown variable '$b'",
      at: SourceLocation(file: file, span: Span(17, 19)))
    let text = Diagnostic.render(error)
    #expect(text.contains("2 | print $b\n"), "\(text)")
    #expect(!text.contains("?"))
  }

  @Test func columnsCountCharactersNotBytes() {
    let file = SourceFile(name: "x", text: "let é = ✓ oops")
    let offset = "let é = ✓ ".utf8.count
    #expect(file.lineAndColumn(of: offset).column == 11)
  }
}

struct JSONTests {
  @Test(arguments: [
    "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\\ny\"}",
    "[1.5,-2,\"\\u00e9\\ud83d\\ude00\"]",
    "{}",
    "[]",
  ])
  func roundTrip(_ text: String) throws {
    let value = try JSON.parse(text)
    #expect(try JSON.parse(JSON.serialize(value)) == value)
  }

  @Test func keepsKeyOrderAndLastDuplicate() throws {
    let value = try JSON.parse("{\"z\":1,\"a\":2,\"z\":3}")
    #expect(value.recordValue?.keys == ["z", "a"])
    #expect(value.recordValue?["z"] == .int(3))
  }

  @Test(arguments: ["{", "[1,]", "\"abc", "{\"a\" 1}", "01x", "tru", "\"\\q\"", "[1] 2", ""])
  func rejectsMalformedInput(_ text: String) {
    #expect(throws: JSON.SyntaxError.self) { try JSON.parse(text) }
  }

  @Test func refusesNestingDeeperThanTheLimit() {
    let deep = String(repeating: "[", count: JSON.maxDepth + 5)
    #expect(throws: JSON.SyntaxError.self) { try JSON.parse(deep) }
  }

  @Test func largeIntegersBecomeFloatsNotTraps() throws {
    #expect(try JSON.parse("123456789012345678901234567890") == .float(1.2345678901234568e29))
    #expect(try JSON.parse("12345678901234567890") == .float(12_345_678_901_234_567_890.0))
  }

  @Test func theSmallestIntStaysAnInt() throws {
    #expect(try JSON.parse("-9223372036854775808") == .int(Int.min))
    #expect(try JSON.parse("-9223372036854775809") == .float(-9_223_372_036_854_775_809.0))
  }

  @Test(arguments: [
    ("0123456789", "a number may not have a leading zero at byte 0"),
    ("[1, -007]", "a number may not have a leading zero at byte 4"),
    ("{\"a\": 00}", "a number may not have a leading zero at byte 6"),
  ])
  func refusesLeadingZeros(text: String, error: String) {
    let e = #expect(throws: JSON.SyntaxError.self) { try JSON.parse(text) }
    #expect(e?.description == error)
  }

  @Test func zeroItselfIsFine() throws {
    #expect(
      try JSON.parse("[0, -0, 0.5, 0e2, -0.25]")
        == .list([
          .int(0), .int(0), .float(0.5), .float(0), .float(-0.25),
        ]))
  }

  @Test(arguments: [
    ("1e999", "the number '1e999' is out of the float range (about ±1.8e308) at byte 0"),
    (
      "[2, -1.5E+400]",
      "the number '-1.5E+400' is out of the float range (about ±1.8e308) at byte 4"
    ),
    (
      String(repeating: "9", count: 400),
      "the number '999999999999999999999999…' is out of the float range (about ±1.8e308) at byte 0"
    ),
  ])
  func refusesNumbersBeyondTheFloatRange(text: String, error: String) {
    let e = #expect(throws: JSON.SyntaxError.self) { try JSON.parse(text) }
    #expect(e?.description == error)
  }

  @Test func tinyNumbersRoundToZero() throws {
    #expect(try JSON.parse("1e-999") == .float(0))
  }

  @Test func serializesWithoutEscapingSlashes() {
    #expect(JSON.serialize(.string("a/b\"c")) == "\"a/b\\\"c\"")
  }
}

struct RangeTests {
  @Test func countsInclusiveExclusiveAndStepped() {
    #expect(ValueRange(start: 1, end: 5, inclusive: true).count == 5)
    #expect(ValueRange(start: 1, end: 5, inclusive: false).count == 4)
    #expect(ValueRange(start: 5, end: 1, inclusive: true, step: -2).count == 3)
    #expect(ValueRange(start: 5, end: 1, inclusive: true).count == 0)
  }
}
