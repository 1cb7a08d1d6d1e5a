import Foundation
import Testing

@testable import AstroCore

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

  @Test func aLongLineIsShownCutAroundTheError() {
    let line = "let x = [" + String(repeating: "1, ", count: 30_000) + "$nope]"
    let file = SourceFile(name: "x", text: line + "\n")
    let start = line.utf8.count - "$nope]".utf8.count
    let error = ShellError(
      .syntax, code: "x", "unknown variable '$nope'",
      at: SourceLocation(file: file, span: Span(start, start + 5)))
    let lines = Diagnostic.render(error).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[1] == " --> x:1:\(line.count - 5)")
    let shown = lines[3].dropFirst("1 | ".count)
    #expect(shown.count == Diagnostic.longestShownLine + 1)
    #expect(shown.hasPrefix("…"))
    #expect(shown.hasSuffix("$nope]"))
    let caret = Array(lines[4]).firstIndex(of: "^") ?? 0
    #expect(String(Array(lines[3]).dropFirst(caret)).hasPrefix("$nope"))
    #expect(lines[4].hasSuffix("^^^^^"))
    let short = Diagnostic.window("print 1", around: 7)
    #expect(short.0 == "print 1" && short.1 == 7)
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
      "the number '999999999999999999999999…' is out of the float range "
        + "(about ±1.8e308) at byte 0"
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

struct ISODateTests {
  /// A text and its Unix seconds; 1_709_647_629 is 2024-03-05T14:07:09Z.
  static let readable: [(String, Double)] = [
    ("2024-03-05T14:07:09Z", 1_709_647_629.0),
    ("2024-03-05T14:07:09.250Z", 1_709_647_629.25),
    ("2024-03-05T14:07:09", 1_709_647_629.0),
    ("2024-03-05T14:07:09+01:00", 1_709_647_629.0 - 3600),
    ("2024-03-05T14:07:09-05:30", 1_709_647_629.0 + 19800),
    ("2024-03-05T14:07:09+0130", 1_709_647_629.0 - 5400),
    ("2024-03-05T14:07:09+02", 1_709_647_629.0 - 7200),
    ("2024-03-05T14:07:09+23:59", 1_709_647_629.0 - 86340),
    ("2024-03-05T14:07:09-00:00", 1_709_647_629.0),
    ("2024-03-05", 1_709_596_800.0),
    ("2024-02-29", 1_709_164_800.0),
    ("2000-02-29T23:59:59Z", 951_868_799.0),
    // Proleptic Gregorian before 1582, as ISO 8601 has it (the Julian calendar would
    // put 0001-01-01 two days later, at -62135769600).
    ("0001-01-01", -62_135_596_800.0),
    ("1582-10-04T00:00:00Z", -12_220_243_200.0),
    ("1582-10-10", -12_219_724_800.0),
    ("1582-10-15", -12_219_292_800.0),
    ("1600-02-29", -11_670_998_400.0),
    ("9999-12-31T23:59:59Z", 253_402_300_799.0),
    ("9999-12-31T23:59:59+01:00", 253_402_297_199.0),
    ("0001-01-01T00:00:00-01:00", -62_135_593_200.0),
  ]

  @Test(arguments: readable)
  func readsTimestampsAndOffsets(text: String, seconds: Double) throws {
    let date = try ISODate.parse(text, allowingPlainDate: true)
    #expect(date.timeIntervalSince1970 == seconds)
  }

  @Test(arguments: [
    ("2024-01-01T00:00:00+25:00", "the hours of the UTC offset must be 00 to 23, not 25"),
    ("2024-01-01T00:00:00+99:99", "the hours of the UTC offset must be 00 to 23, not 99"),
    ("2024-01-01T00:00:00-01:60", "the minutes of the UTC offset must be 00 to 59, not 60"),
    ("2024-01-01T25:00:00Z", "the hour must be 00 to 23, not 25"),
    ("2024-01-01T24:00:00Z", "the hour must be 00 to 23, not 24"),
    ("2024-01-01T10:60:00Z", "the minute must be 00 to 59, not 60"),
    ("2024-01-01T10:00:60Z", "the second must be 00 to 59, not 60"),
    ("2024-02-30", "the day must be 01 to 29 in 2024-02, not 30"),
    ("2023-02-29T00:00:00Z", "the day must be 01 to 28 in 2023-02, not 29"),
    ("2024-04-31", "the day must be 01 to 30 in 2024-04, not 31"),
    ("2024-01-00", "the day must be 01 to 31 in 2024-01, not 00"),
    ("2024-13-01", "the month must be 01 to 12, not 13"),
    ("0000-01-01", "the year must be 0001 to 9999, not 0000"),
    ("1500-02-29", "the day must be 01 to 28 in 1500-02, not 29"),
    ("1700-02-29T00:00:00Z", "the day must be 01 to 28 in 1700-02, not 29"),
    ("0001-01-01T00:00:00+01:00", ISODateTests.outOfRange),
    ("0001-01-01T00:59:59.5+01:00", ISODateTests.outOfRange),
    ("9999-12-31T23:59:59-00:01", ISODateTests.outOfRange),
    ("tuesday", "it does not start with a date written YYYY-MM-DD"),
    ("2024-1-1", "it does not start with a date written YYYY-MM-DD"),
    (
      "2024-01-01 10:00:00",
      "unexpected ' 10:00:00' after the date; a time follows a 'T': 2024-03-05T14:07:09Z"
    ),
    ("2024-01-01T10:00", "the time after 'T' must be written HH:MM:SS"),
    ("2024-01-01T10:00:00.Z", "digits must follow the '.' after the seconds"),
    ("2024-01-01T10:00:00Zulu", "unexpected 'ulu' after the 'Z'"),
    (
      "2024-01-01T10:00:00 UTC",
      "unexpected ' UTC' after the time; a UTC offset is written Z, +HH:MM or -HH:MM"
    ),
    (
      "2024-01-01T10:00:00+1",
      "the UTC offset is malformed; a UTC offset is written Z, +HH:MM or -HH:MM"
    ),
    (
      "2024-01-01T10:00:00+01:0",
      "the UTC offset is malformed; a UTC offset is written Z, +HH:MM or -HH:MM"
    ),
  ])
  func namesThePartThatIsWrong(text: String, reason: String) {
    let e = #expect(throws: ISODate.ParseError.self) {
      try ISODate.parse(text, allowingPlainDate: true)
    }
    #expect(e?.reason == reason)
  }

  @Test func aTimestampFieldNeedsATime() {
    #expect(ISODate.parse("2024-03-05") == nil)
    #expect(ISODate.parse("2024-03-05T00:00:00+25:00") == nil)
    #expect(ISODate.parse("2024-03-05T00:00:00Z")?.timeIntervalSince1970 == 1_709_596_800)
    let e = #expect(throws: ISODate.ParseError.self) {
      try ISODate.parse("2024-03-05", allowingPlainDate: false)
    }
    #expect(e?.reason == "the time is missing; add it as THH:MM:SS")
  }

  static let outOfRange =
    "it is outside the years 0001 to 9999 that a date can hold "
    + "(Unix seconds -62135596800 to 253402300799)"

  /// Reading and writing use the same calendar, so even dates before the Gregorian reform
  /// come back as they were written.
  @Test(arguments: [
    "2024-03-05T14:07:09Z", "0001-01-01T00:00:00Z", "1500-03-01T12:00:00Z",
    "1582-10-10T00:00:00Z", "1582-10-15T00:00:00Z", "1600-02-29T23:59:59Z",
    "9999-12-31T23:59:59Z",
  ])
  func writesBackWhatItReads(text: String) throws {
    #expect(ISODate.format(try ISODate.parse(text, allowingPlainDate: false)) == text)
  }

  /// Writing drops a fraction of a second, before 1970 as after it.
  @Test(arguments: [
    (-62_135_596_800.0, "0001-01-01T00:00:00Z"),
    (-0.5, "1969-12-31T23:59:59Z"),
    (0.999, "1970-01-01T00:00:00Z"),
    (951_868_799.75, "2000-02-29T23:59:59Z"),
    (253_402_300_799.5, "9999-12-31T23:59:59Z"),
  ])
  func writesWholeSecondsInUTC(seconds: Double, text: String) {
    #expect(ISODate.format(Date(timeIntervalSince1970: seconds)) == text)
  }

  @Test func unixSecondsMustFallInTheYears1To9999() throws {
    #expect(try ISODate.date(unixSeconds: -62_135_596_800).timeIntervalSince1970 == -62_135_596_800)
    #expect(
      try ISODate.date(unixSeconds: 253_402_300_799.5).timeIntervalSince1970 == 253_402_300_799.5)
    for seconds in [-62_135_596_800.5, 253_402_300_800, 1e20, -.infinity, .infinity, .nan] {
      let e = #expect(throws: ISODate.ParseError.self) {
        try ISODate.date(unixSeconds: seconds)
      }
      #expect(e?.reason == Self.outOfRange, "\(seconds)")
    }
  }

  /// Weekday and day of the year, checked against dates whose weekday is known. The
  /// fields: year, month, day, hour, minute, second, nanosecond, weekday (0 is Sunday),
  /// day of the year.
  @Test(arguments: [
    ("0001-01-01", [1, 1, 1, 0, 0, 0, 0, 1, 1]),
    ("1582-10-15T12:30:45.25", [1582, 10, 15, 12, 30, 45, 250_000_000, 5, 288]),
    ("1000-06-15", [1000, 6, 15, 0, 0, 0, 0, 0, 166]),
    ("2024-12-31T23:59:59", [2024, 12, 31, 23, 59, 59, 0, 2, 366]),
    ("9999-12-31", [9999, 12, 31, 0, 0, 0, 0, 5, 365]),
  ])
  func partsOfADate(text: String, fields: [Int]) throws {
    let seconds = try ISODate.parse(text, allowingPlainDate: true).timeIntervalSince1970
    let p = ISODate.Parts(unixSeconds: seconds)
    let got = [
      p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanosecond, p.weekday,
      p.dayOfYear,
    ]
    #expect(got == fields)
  }

  /// Every day from 0001-01-01 to 9999-12-31 maps to its day count and back, one after
  /// the other with no gap.
  @Test func everyDayRoundTrips() {
    var expected = ISODate.days(year: 1, month: 1, day: 1)
    #expect(expected == -719_162)
    for year in 1...9999 {
      for month in 1...12 {
        for day in 1...ISODate.daysIn(month: month, year: year) {
          let days = ISODate.days(year: year, month: month, day: day)
          let back = ISODate.civil(days: days)
          guard days == expected, back == (year, month, day) else {
            Issue.record("\(year)-\(month)-\(day): \(days) (expected \(expected)), back \(back)")
            return
          }
          expected += 1
        }
      }
    }
    #expect(expected == ISODate.days(year: 9999, month: 12, day: 31) + 1)
    #expect(expected == 2_932_897)
  }
}
