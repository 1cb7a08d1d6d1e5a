import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// Math, conversions, dates and output.
@Suite struct BuiltinValueTests {
  @Test(arguments: [
    ("sum", "[1,2,3]", "6"), ("sum", "[1,2.5]", "3.5"), ("sum", "[]", "0"),
    ("sum", "[9223372036854775807,1]", "9.223372036854776e+18"),
    ("avg", "[1,2,3,4]", "2.5"), ("avg", "[]", "null"), ("avg", "[2]", "2.0"),
    ("min", "[3,1.5,2]", "1.5"), ("max", "[3,1.5,2]", "3"),
    ("min", #"["pear","apple"]"#, #""apple""#), ("max", "[]", "null"),
  ])
  func math(name: String, input: String, expected: String) throws {
    #expect(try runJSON(name, input: input) == expected)
  }

  @Test func aFloatTotalBeyondTheRangeIsAnError() {
    let e = errorOf { try run("sum", input: .value(json("[1, 1e308, 1e308, 2]"))) }
    #expect(e?.code == "float_overflow")
    #expect(e?.message == "'sum': the total is too large for a float at item 2")
    #expect(e?.hint == "floats range up to about ±1.8e308")
    let a = errorOf { try run("avg", input: .value(json("[-1e308, -1e308]"))) }
    #expect(a?.message == "'avg': the total is too large for a float at item 1")
  }

  @Test func mathNamesTheBadItem() {
    let e = errorOf { try run("sum", input: .value(json(#"[1,"2"]"#))) }
    #expect(e?.message == "'sum' expects numbers, found string at item 1")
    let m = errorOf { try run("max", input: .value(json(#"[1,"2"]"#))) }
    #expect(m?.message == "'max' cannot compare string at item 1 with int")
  }

  @Test(arguments: [
    ("into_int", #"["42"," -7 ","0x1F","1_000","0b101"]"#, "[42,-7,31,1000,5]"),
    ("into_int", "[3.9,-3.9,true,null]", "[3,-3,1,null]"),
    ("into_float", #"["2.5",3,false]"#, "[2.5,3.0,0.0]"),
    ("into_float", #"["1e308"," -2.5e-3 ","1e-400"]"#, "[1e+308,-0.0025,0.0]"),
    ("into_string", #"[1,2.5,true,null,"x",{"a":1}]"#, #"["1","2.5","true",null,"x","{\"a\":1}"]"#),
    ("into_string", "7", #""7""#),
    ("describe", #"{"a":1}"#, #""record""#),
    ("describe", "[1]", #""list""#),
  ])
  func conversions(name: String, input: String, expected: String) throws {
    #expect(try runJSON(name, input: input) == expected)
  }

  @Test func conversionErrorsSayWhatFailed() {
    let e = errorOf { try run("into_int", input: .value(.string("3.5"))) }
    #expect(e?.message == "'into_int' cannot convert '3.5' to an int")
    #expect(e?.hint == "it is a float; use into_float")
    let d = errorOf { try run("into_date", input: .value(.string("tuesday"))) }
    #expect(d?.code == "conversion_failed")
    #expect(
      d?.message
        == "'into_date' cannot convert 'tuesday' to a date: "
        + "it does not start with a date written YYYY-MM-DD")
    #expect(
      d?.hint
        == "dates are written like 2024-03-05, 2024-03-05T14:07:09Z or 2024-03-05T15:07:09+01:00")
  }

  @Test(arguments: [
    ("2024-01-01T00:00:00+25:00", "the hours of the UTC offset must be 00 to 23, not 25"),
    ("2024-01-01T00:00:00+99:99", "the hours of the UTC offset must be 00 to 23, not 99"),
    ("2024-01-01T00:00:00+01:75", "the minutes of the UTC offset must be 00 to 59, not 75"),
    ("2024-01-01T25:00:00Z", "the hour must be 00 to 23, not 25"),
    ("2024-01-01T00:61:00Z", "the minute must be 00 to 59, not 61"),
    ("2024-01-01T00:00:99Z", "the second must be 00 to 59, not 99"),
    ("2024-02-30", "the day must be 01 to 29 in 2024-02, not 30"),
  ])
  func intoDateRefusesPartsOutOfRange(text: String, reason: String) {
    let e = errorOf { try run("into_date", input: .value(.string(text))) }
    #expect(e?.message == "'into_date' cannot convert '\(text)' to a date: \(reason)")
  }

  @Test(arguments: [
    ("nan", "'into_float' cannot convert 'nan' to a float: NaN is not a number astrosh can hold"),
    (
      "inf",
      "'into_float' cannot convert 'inf' to a float: it is beyond the float range (about ±1.8e308)"
    ),
    (
      "-1e400",
      "'into_float' cannot convert '-1e400' to a float: "
        + "it is beyond the float range (about ±1.8e308)"
    ),
  ])
  func intoFloatRefusesWhatIsNotAFiniteNumber(text: String, message: String) {
    let e = errorOf { try run("into_float", input: .value(.string(text))) }
    #expect(e?.code == "conversion_failed")
    #expect(e?.message == message)
  }

  @Test func describeSaysStreamAndNothing() throws {
    #expect(try run("describe", input: .stream(ValueStream.of([]))) == .string("stream"))
    #expect(try run("describe") == .string("nothing"))
  }

  @Test(arguments: [
    ("%Y/%m/%d %H:%M:%S", "UTC", "2024/03/05 14:07:09"),
    ("%F %T", "UTC", "2024-03-05 14:07:09"),
    ("%y %e %j %a %A %b %B", "UTC", "24  5 065 Tue Tuesday Mar March"),
    ("%I:%M %p", "UTC", "02:07 PM"),
    ("%H:%M %z", "Asia/Tokyo", "23:07 +0900"),
    ("%s %%", "UTC", "1709647629 %"),
    ("%f", "UTC", "000000"),
  ])
  func formatDate(pattern: String, zone: String, expected: String) throws {
    let out = try run(
      "format_date", [.string(pattern)], flags: ["timezone": .string(zone)],
      input: .value(.string("2024-03-05T14:07:09Z")))
    #expect(out == .string(expected))
  }

  @Test func formatDateAcceptsDatesAndUnixSeconds() throws {
    let date = Value.date(Date(timeIntervalSince1970: 86400))
    #expect(try run("format_date", [.string("%F")], input: .value(date)) == .string("1970-01-02"))
    #expect(
      try run("format_date", [.string("%F")], input: .value(.int(0))) == .string("1970-01-01"))
  }

  @Test func formatDateErrors() {
    let bad = errorOf { try run("format_date", [.string("%Q")], input: .value(.int(0))) }
    #expect(bad?.message == "'format_date': unknown directive '%Q' in the pattern")
    let zone = errorOf {
      try run(
        "format_date", [.string("%F")], flags: ["timezone": .string("Europe/Pariss")],
        input: .value(.int(0)))
    }
    #expect(zone?.hint == "did you mean 'Europe/Paris'?")
  }

  @Test func nowIsADate() throws {
    guard case .date(let d) = try run("now") else {
      Issue.record("now is not a date")
      return
    }
    #expect(abs(d.timeIntervalSinceNow) < 3600)
  }

  @Test func jsonAndNDJSONBothWays() throws {
    #expect(
      try run("from_json", input: .value(.string(#" {"a": [1, 2.5]} "#))).json == #"{"a":[1,2.5]}"#)
    #expect(try run("to_json", input: .value(json(#"{"a":[1]}"#))) == .string(#"{"a":[1]}"#))
    let pretty = try run(
      "to_json", flags: ["indent": .int(2)], input: .stream(ValueStream.of([.int(1)])))
    #expect(pretty == .string("[\n  1\n]"))
    let lines = try run("from_ndjson", input: .value(.string("{\"a\":1}\r\n\n [2] \n")))
    #expect(lines.json == #"[{"a":1},[2]]"#)
    #expect(
      try run("to_ndjson", input: .value(json(#"[{"a":1},"x"]"#))) == .string("{\"a\":1}\n\"x\"\n"))
  }

  @Test func jsonNumbersThatWouldChangeValueAreErrors() {
    let zero = errorOf { try run("from_json", input: .value(.string("0123456789"))) }
    #expect(zero?.message == "invalid JSON: a number may not have a leading zero at byte 0")
    let huge = errorOf { try run("from_ndjson", input: .value(.string("1\n[1e999]\n"))) }
    #expect(
      huge?.message
        == "invalid JSON in line 2: the number '1e999' is out of the float range "
        + "(about ±1.8e308) at byte 1")
  }

  @Test func jsonErrorsSayWhereAndWhy() {
    let e = errorOf { try run("from_json", input: .value(.string("{\"a\": }"))) }
    #expect(e?.code == "invalid_json")
    #expect(e?.message.hasPrefix("invalid JSON: ") == true)
    let n = errorOf { try run("from_ndjson", input: .value(.string("1\n\n{x}\n"))) }
    #expect(n?.message.hasPrefix("invalid JSON in line 3: ") == true)
    let i = errorOf { try run("to_json", flags: ["indent": .int(99)], input: .value(.int(1))) }
    #expect(i?.message == "'to_json': --indent must be 0 to 16")
  }

  @Test func intoDateReadsTimestampsAndSeconds() throws {
    let iso = try run("into_date", input: .value(.string("2024-03-05T14:07:09.250Z")))
    #expect(iso == .date(Date(timeIntervalSince1970: 1_709_647_629.25)))
    let east = try run("into_date", input: .value(.string("2024-01-01T00:00:00+01:30")))
    #expect(east.json == #""2023-12-31T22:30:00Z""#)
    let west = try run("into_date", input: .value(.string("2024-01-01T20:00:00-05:00")))
    #expect(west.json == #""2024-01-02T01:00:00Z""#)
    let day = try run("into_date", input: .value(.string("2024-01-01")))
    #expect(day == .date(Date(timeIntervalSince1970: 1_704_067_200)))
    #expect(try run("into_date", input: .value(.int(60))) == .date(Date(timeIntervalSince1970: 60)))
  }

  /// The first and last days a date holds, read from text and from Unix seconds, give the
  /// same moment, and each converts back to what it came from.
  @Test(arguments: [
    ("0001-01-01", -62_135_596_800, "0001-01-01T00:00:00Z"),
    ("1582-10-04", -12_220_243_200, "1582-10-04T00:00:00Z"),
    ("9999-12-31T23:59:59Z", 253_402_300_799, "9999-12-31T23:59:59Z"),
  ])
  func intoDateIsProlepticGregorianBothWays(text: String, seconds: Int, shown: String) throws {
    let fromText = try run("into_date", input: .value(.string(text)))
    #expect(try run("into_int", input: .value(fromText)) == .int(seconds))
    let fromSeconds = try run("into_date", input: .value(.int(seconds)))
    #expect(fromSeconds == fromText)
    #expect(fromSeconds.json == "\"\(shown)\"")
    let again = try run("into_date", input: .value(.string(fromSeconds.plainText)))
    #expect(again == fromSeconds)
  }

  @Test(arguments: [
    (Value.float(1e20), "1e+20"),
    (.int(Int.max), "9223372036854775807"),
    (.int(253_402_300_800), "253402300800"),
    (.int(-62_135_596_801), "-62135596801"),
    (.float(-62_135_596_800.5), "-62135596800.5"),
    (.float(.nan), "nan"),
  ])
  func intoDateRefusesSecondsOutsideTheYears1To9999(value: Value, shown: String) {
    let e = errorOf { try run("into_date", input: .value(value)) }
    #expect(e?.code == "conversion_failed")
    #expect(
      e?.message
        == "'into_date' cannot convert \(shown) to a date: it is outside the years 0001 to 9999 "
        + "that a date can hold (Unix seconds -62135596800 to 253402300799)")
    #expect(
      e?.hint
        == "Unix seconds count from 1970-01-01T00:00:00Z; a timestamp in milliseconds "
        + "must be divided by 1000 first")
    let f = errorOf { try run("format_date", [.string("%F")], input: .value(value)) }
    #expect(f?.message == e?.message)
  }

  @Test(arguments: [
    (-62_135_596_800, "UTC", "0001-01-01 Mon Monday 001 00:00:00"),
    (-12_219_292_800, "UTC", "1582-10-15 Fri Friday 288 00:00:00"),
    (-12_220_243_200, "UTC", "1582-10-04 Mon Monday 277 00:00:00"),
    (-14_826_672_000, "UTC", "1500-03-01 Thu Thursday 060 00:00:00"),
    (253_402_300_799, "UTC", "9999-12-31 Fri Friday 365 23:59:59"),
    (1_735_689_599, "UTC", "2024-12-31 Tue Tuesday 366 23:59:59"),
    (1_735_689_599, "Asia/Tokyo", "2025-01-01 Wed Wednesday 001 08:59:59"),
  ])
  func formatDateIsProlepticGregorian(seconds: Int, zone: String, expected: String) throws {
    let out = try run(
      "format_date", [.string("%F %a %A %j %T")], flags: ["timezone": .string(zone)],
      input: .value(.int(seconds)))
    #expect(out == .string(expected))
  }

  @Test func formatDateShowsMicroseconds() throws {
    let out = try run(
      "format_date", [.string("%S.%f")], input: .value(.string("2024-03-05T14:07:09.123456Z")))
    #expect(out == .string("09.123456"))
    let early = try run("format_date", [.string("%T.%f")], input: .value(.float(-0.25)))
    #expect(early == .string("23:59:59.750000"))
  }

  @Test func printWritesArgumentsOrInput() throws {
    let ctx = FakeContext()
    #expect(try run("print", [.string("a"), .int(1), json(#"{"k":[1]}"#)], ctx: ctx) == .null)
    _ = try run("print", input: .value(json(#"["x",2]"#)), ctx: ctx)
    _ = try run(
      "print", flags: ["no-newline": .bool(true)], input: .value(.string("end")), ctx: ctx)
    #expect(ctx.output.current == "a 1 {\"k\":[1]}\nx\n2\nend")
    _ = try run("print", [.string("oops")], flags: ["stderr": .bool(true)], ctx: ctx)
    #expect(ctx.errors.current == "oops\n")
  }
}
