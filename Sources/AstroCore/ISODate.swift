import Foundation

/// ISO-8601 dates: written as the API writes them (UTC, whole seconds) and read strictly.
///
/// The reader is written out by hand because Foundation's lets an hour of 25 roll over into
/// the next day and drops a UTC offset such as +25:00 without a word; a date that changes
/// value silently is worse than one that is refused.
///
/// Dates follow the proleptic Gregorian calendar, as ISO 8601 does: the Gregorian leap
/// rule runs back before 1582 instead of switching to the Julian calendar the way
/// Foundation's `Calendar` does, so `0001-01-01` is Unix second -62135596800 here as it is
/// in other tools, and reading and writing agree on every date.
public enum ISODate {
  /// Why a text is not a date, naming the part that is wrong.
  public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
  }

  /// The first moment a date may hold: 0001-01-01T00:00:00Z, in Unix seconds.
  public static let earliestSeconds: Double = -62_135_596_800
  /// The first moment after the last one a date may hold: 10000-01-01T00:00:00Z. Years
  /// have four digits in ISO 8601, so a later date could be written but not read back.
  public static let endSeconds: Double = 253_402_300_800

  /// The date at `seconds` after 1970-01-01T00:00:00Z, or an error when it falls outside
  /// the years 0001 to 9999 (or is not a number), rather than a date that cannot be
  /// written or read back.
  public static func date(unixSeconds seconds: Double) throws(ParseError) -> Date {
    guard seconds >= earliestSeconds, seconds < endSeconds else {
      throw ParseError(
        reason: "it is outside the years 0001 to 9999 that a date can hold "
          + "(Unix seconds -62135596800 to 253402300799)")
    }
    return Date(timeIntervalSince1970: seconds)
  }

  /// `2024-03-05T14:07:09Z`: UTC, whole seconds (a fraction is dropped, never rounded up).
  public static func format(_ date: Date) -> String {
    let p = Parts(unixSeconds: date.timeIntervalSince1970)
    let year = p.year < 0 ? "-" + pad(-p.year, 4) : pad(p.year, 4)
    return year + "-" + pad(p.month, 2) + "-" + pad(p.day, 2) + "T" + pad(p.hour, 2) + ":"
      + pad(p.minute, 2) + ":" + pad(p.second, 2) + "Z"
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

  /// The calendar fields of a moment, in the proleptic Gregorian calendar.
  public struct Parts: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Nanoseconds past the second, to the nearest one.
    public var nanosecond: Int
    /// 0 for Sunday to 6 for Saturday.
    public var weekday: Int
    /// 1 for January 1st.
    public var dayOfYear: Int

    /// The fields of the moment `seconds` after 1970-01-01T00:00:00 (UTC, or local time
    /// when the zone's offset is added first).
    public init(unixSeconds seconds: Double) {
      // Dates are only ever made within the years 1 to 9999; the clamp just keeps the
      // arithmetic from trapping on a value no date holds.
      let seconds = seconds.isFinite ? min(max(seconds, -1e14), 1e14) : 0
      let whole = seconds.rounded(.down)
      var nanos = Int(((seconds - whole) * 1e9).rounded())
      var secs = Int(whole)
      if nanos >= 1_000_000_000 {
        nanos -= 1_000_000_000
        secs += 1
      }
      let (days, inDay) = secs.floorDivided(by: 86_400)
      let civil = ISODate.civil(days: days)
      (year, month, day) = (civil.year, civil.month, civil.day)
      (hour, minute, second) = (inDay / 3600, inDay / 60 % 60, inDay % 60)
      nanosecond = nanos
      // 1970-01-01 was a Thursday.
      weekday = (days + 4).floorDivided(by: 7).remainder
      dayOfYear = days - ISODate.days(year: year, month: 1, day: 1) + 1
    }
  }

  /// Days from the start of month 1 to the start of each month, in a common year.
  private static let daysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
  /// Days from 0001-01-01 to 1970-01-01.
  private static let daysToUnixEpoch = 719_162

  /// Whether `year` has a February 29th: every fourth year, except centuries not
  /// divisible by 400.
  public static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days from 1970-01-01 to a date (negative before it), for years from 1 on.
  public static func days(year: Int, month: Int, day: Int) -> Int {
    let before = year - 1
    var days = before * 365 + before / 4 - before / 100 + before / 400
    days += daysBeforeMonth[month - 1] + (month > 2 && isLeap(year) ? 1 : 0)
    return days + day - 1 - daysToUnixEpoch
  }

  /// The date `days` after 1970-01-01 (before it when negative), in closed form: the
  /// year is counted from March, so that the leap day falls at the end of it, in whole
  /// 400-year eras of 146097 days. The audit log formats a timestamp per record with it.
  public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra =
      (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}

extension Int {
  /// The quotient rounded toward minus infinity, and the remainder that goes with it
  /// (never negative for a positive divisor).
  func floorDivided(by divisor: Int) -> (quotient: Int, remainder: Int) {
    let r = self % divisor
    return r < 0 ? (self / divisor - 1, r + divisor) : (self / divisor, r)
  }
}

private struct DateReader {
  let bytes: [UInt8]
  var pos = 0

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
    let days = ISODate.daysIn(month: month, year: year)
    try check(day, "day", 1...days, context: " in \(pad(year, 4))-\(pad(month, 2))")
    let midnight = Double(ISODate.days(year: year, month: month, day: day) * 86_400)
    if atEnd {
      guard allowingPlainDate else { throw fail("the time is missing; add it as THH:MM:SS") }
      return try ISODate.date(unixSeconds: midnight)
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
    var fraction = 0.0
    if take(".") {
      let start = pos
      while !atEnd, Self.isDigit(bytes[pos]) { pos += 1 }
      guard pos > start else { throw fail("digits must follow the '.' after the seconds") }
      fraction = Double("0." + String(decoding: bytes[start..<pos], as: UTF8.self)) ?? 0
    }
    let offset = try readOffset()
    let time = Double(hour * 3600 + minute * 60 + second - offset) + fraction
    // An offset can move a moment at either end of the years 1 to 9999 past them.
    return try ISODate.date(unixSeconds: midnight + time)
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

  func pad(_ n: Int, _ width: Int) -> String { ISODate.pad(n, width) }
}
