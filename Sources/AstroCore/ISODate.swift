import Foundation

/// ISO-8601 dates: written as the API writes them (UTC, whole seconds) and read strictly.
///
/// The reader is written out by hand because Foundation's lets an hour of 25 roll over into
/// the next day and drops a UTC offset such as +25:00 without a word; a date that changes
/// value silently is worse than one that is refused.
public enum ISODate {
  /// Why a text is not a date, naming the part that is wrong.
  public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
  }

  public static func format(_ date: Date) -> String {
    date.formatted(
      .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
        .timeSeparator(.colon).timeZone(separator: .omitted))
  }

  /// A timestamp as the API exchanges it, or nil. See `parse(_:allowingPlainDate:)`; a
  /// plain date is refused here, since such a field holds a moment, not a day.
  public static func parse(_ text: String) -> Date? {
    try? parse(text, allowingPlainDate: false)
  }

  /// Reads `YYYY-MM-DDTHH:MM:SS`, with optional fractional seconds, followed by `Z`, a UTC
  /// offset (`+HH:MM`, `+HHMM` or `+HH`, or the same with `-`), or nothing for UTC. With
  /// `allowingPlainDate`, a lone `YYYY-MM-DD` is midnight UTC. Every part is range-checked:
  /// an hour of 24 or an offset of +25:00 is an error, never a different moment.
  public static func parse(_ text: String, allowingPlainDate: Bool) throws(ParseError) -> Date {
    var reader = DateReader(bytes: Array(text.utf8))
    return try reader.read(allowingPlainDate: allowingPlainDate)
  }
}

private struct DateReader {
  let bytes: [UInt8]
  var pos = 0

  /// The calendar that `format` and `format_date` use too (Julian before October 1582), so a
  /// date read here is written back as it was read.
  static let calendar: Calendar = {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "UTC")!
    return c
  }()

  static let offsetForm = "a UTC offset is written Z, +HH:MM or -HH:MM"

  var atEnd: Bool { pos >= bytes.count }

  /// The unread text, quoted and shortened, for error messages.
  var rest: String {
    let tail = String(decoding: bytes[pos...], as: UTF8.self)
    return "'" + (tail.count > 20 ? tail.prefix(20) + "…" : tail) + "'"
  }

  func fail(_ reason: String) -> ISODate.ParseError { ISODate.ParseError(reason: reason) }

  mutating func read(allowingPlainDate: Bool) throws(ISODate.ParseError) -> Date {
    guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2)
    else { throw fail("it does not start with a date written YYYY-MM-DD") }
    try check(year, "year", 1...9999, width: 4)
    try check(month, "month", 1...12)
    let days = Self.daysIn(month: month, year: year)
    try check(day, "day", 1...days, context: " in \(pad(year, 4))-\(pad(month, 2))")
    var parts = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
    if atEnd {
      guard allowingPlainDate else { throw fail("the time is missing; add it as THH:MM:SS") }
      return try moment(parts, fraction: 0, offset: 0)
    }
    guard take("T") else {
      throw fail("unexpected \(rest) after the date; a time follows a 'T': 2024-03-05T14:07:09Z")
    }
    guard let hour = digits(2), take(":"), let minute = digits(2), take(":"),
      let second = digits(2)
    else { throw fail("the time after 'T' must be written HH:MM:SS") }
    try check(hour, "hour", 0...23)
    try check(minute, "minute", 0...59)
    try check(second, "second", 0...59)
    (parts.hour, parts.minute, parts.second) = (hour, minute, second)
    var fraction = 0.0
    if take(".") {
      let start = pos
      while !atEnd, Self.isDigit(bytes[pos]) { pos += 1 }
      guard pos > start else { throw fail("digits must follow the '.' after the seconds") }
      fraction = Double("0." + String(decoding: bytes[start..<pos], as: UTF8.self)) ?? 0
    }
    return try moment(parts, fraction: fraction, offset: try readOffset())
  }

  /// Seconds east of UTC: nothing and `Z` are 0.
  mutating func readOffset() throws(ISODate.ParseError) -> Int {
    if atEnd { return 0 }
    if take("Z") {
      guard atEnd else { throw fail("unexpected \(rest) after the 'Z'") }
      return 0
    }
    let sign: Int
    if take("+") {
      sign = 1
    } else if take("-") {
      sign = -1
    } else {
      throw fail("unexpected \(rest) after the time; \(Self.offsetForm)")
    }
    guard let hours = digits(2) else {
      throw fail("the UTC offset is malformed; \(Self.offsetForm)")
    }
    var minutes = 0
    if !atEnd {
      _ = take(":")
      guard let m = digits(2), atEnd else {
        throw fail("the UTC offset is malformed; \(Self.offsetForm)")
      }
      minutes = m
    }
    try check(hours, "hours of the UTC offset", 0...23)
    try check(minutes, "minutes of the UTC offset", 0...59)
    return sign * (hours * 3600 + minutes * 60)
  }

  func moment(_ parts: DateComponents, fraction: Double, offset: Int) throws(ISODate.ParseError)
    -> Date
  {
    guard let local = Self.calendar.date(from: parts) else {
      throw fail("the calendar has no such date")
    }
    return local.addingTimeInterval(fraction - Double(offset))
  }

  func check(
    _ value: Int, _ part: String, _ valid: ClosedRange<Int>, width: Int = 2, context: String = ""
  ) throws(ISODate.ParseError) {
    guard !valid.contains(value) else { return }
    let low = pad(valid.lowerBound, width)
    let high = pad(valid.upperBound, width)
    throw fail("the \(part) must be \(low) to \(high)\(context), not \(pad(value, width))")
  }

  /// Exactly `count` ASCII digits, or nil (and nothing consumed) when they are not there.
  mutating func digits(_ count: Int) -> Int? {
    guard pos + count <= bytes.count else { return nil }
    var value = 0
    for b in bytes[pos..<pos + count] {
      guard Self.isDigit(b) else { return nil }
      value = value * 10 + Int(b - 0x30)
    }
    pos += count
    return value
  }

  mutating func take(_ c: Unicode.Scalar) -> Bool {
    guard !atEnd, bytes[pos] == UInt8(ascii: c) else { return false }
    pos += 1
    return true
  }

  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

  /// Leap years follow the same calendar as `calendar`: Julian up to 1582, Gregorian after.
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2:
      let leap = year > 1582 ? (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 : year % 4 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}
