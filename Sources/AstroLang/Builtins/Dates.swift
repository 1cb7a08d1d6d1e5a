import AstroCore
import Foundation

/// The current time and date formatting.
enum DateBuiltins {
  static let all: [Builtin] = [now, formatDate]

  static let now = define(
    "now", category: DataCategory.dates, abstract: "the current date and time",
    signature: Signature(input: "nothing", output: "date"),
    examples: [Example("Today's date in UTC", #"now | format_date "%Y-%m-%d""#)]
  ) { _ in .value(.date(Date())) }

  static let formatDate = define(
    "format_date", category: DataCategory.dates,
    abstract: "format a date (or ISO-8601 string, or Unix seconds) with a strftime pattern",
    details: """
      Directives: %Y year (four digits), %y two-digit year, %m month, %d day, %e day padded with a \
      space, %H hour (24h), %I hour (12h), %p AM/PM, %M minute, %S second, %f \
      microseconds, %j day of the year, %a/%A weekday name, %b/%B month name, %z UTC \
      offset (+0100), %Z time zone abbreviation, %s Unix seconds, %F = %Y-%m-%d, \
      %T = %H:%M:%S, %% a percent sign. Times are shown in UTC unless `--timezone` names \
      a zone such as Europe/Paris, or `local`.
      """,
    signature: Signature(
      positional: [Parameter("pattern", .string, "the strftime pattern")],
      flags: [Flag("timezone", short: "z", .string, "UTC (default), local, or a zone name")],
      input: "date | string | int", output: "string"),
    examples: [
      Example(
        "Date and time", #""2024-03-05T14:07:09Z" | format_date "%Y/%m/%d %H:%M""#,
        result: #""2024/03/05 14:07""#),
      Example(
        "In another time zone",
        #""2024-03-05T14:07:09Z" | format_date "%H:%M %z" --timezone "Asia/Tokyo""#,
        result: #""23:07 +0900""#),
      Example(
        "Names of days and months", #"0 | format_date "%A %e %B %Y""#,
        result: #""Thursday  1 January 1970""#),
    ]
  ) { call in
    let pattern = try call.string(0, "pattern")
    let zone = try timeZone(call)
    return try Streams.mapEach(call.input, call.ctx) { value in
      let date = try ConversionBuiltins.intoDate.run(
        CallArgs(input: .value(value)), call.ctx
      ).collect()
      guard case .date(let d) = date else {
        throw call.inputError(expected: "a date", found: value)
      }
      return .string(try Strftime.format(d, pattern, zone: zone, call))
    }
  }

  static func timeZone(_ call: Invocation) throws -> TimeZone {
    guard let name = try call.flagString("timezone") else { return TimeZone(identifier: "UTC")! }
    if name.lowercased() == "local" { return TimeZone.current }
    if let zone = TimeZone(identifier: name) ?? TimeZone(abbreviation: name) { return zone }
    throw call.invalid(
      "unknown time zone '\(name)'",
      hint: Suggest.hint(for: name, in: TimeZone.knownTimeZoneIdentifiers)
        ?? "use a name such as Europe/Paris, or UTC or local")
  }
}

/// A strftime subset, written out by hand so output does not depend on the C locale.
enum Strftime {
  static let weekdays = [
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
  ]
  static let months = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  static func format(_ date: Date, _ pattern: String, zone: TimeZone, _ call: Invocation) throws
    -> String
  {
    // The fields are worked out by hand rather than with Foundation's Gregorian calendar,
    // which turns Julian before October 1582; ISO dates and `into_date` are proleptic
    // Gregorian throughout.
    let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
    let c = ISODate.Parts(unixSeconds: local)
    var out = ""
    var chars = pattern.makeIterator()
    while let ch = chars.next() {
      guard ch == "%" else {
        out.append(ch)
        continue
      }
      guard let directive = chars.next() else { throw call.invalid("the pattern ends with '%'") }
      out += try expand(directive, date, c, zone, call)
    }
    return out
  }

  private static func expand(
    _ d: Character, _ date: Date, _ c: ISODate.Parts, _ zone: TimeZone, _ call: Invocation
  ) throws -> String {
    let hour = c.hour
    switch d {
    // Four digits, as ISO 8601 writes years, so `%F` of year 1 is 0001-01-01.
    case "Y": return pad(c.year, 4)
    case "y": return pad(c.year % 100, 2)
    case "m": return pad(c.month, 2)
    case "d": return pad(c.day, 2)
    case "e": return pad(c.day, 2, with: " ")
    case "H": return pad(hour, 2)
    case "I": return pad(hour % 12 == 0 ? 12 : hour % 12, 2)
    case "p": return hour < 12 ? "AM" : "PM"
    case "M": return pad(c.minute, 2)
    case "S": return pad(c.second, 2)
    case "f": return pad(c.nanosecond / 1000, 6)
    case "j": return pad(c.dayOfYear, 3)
    case "a": return String(weekdays[c.weekday].prefix(3))
    case "A": return weekdays[c.weekday]
    case "b": return String(months[c.month - 1].prefix(3))
    case "B": return months[c.month - 1]
    case "z": return offset(zone.secondsFromGMT(for: date))
    case "Z": return zone.abbreviation(for: date) ?? zone.identifier
    case "s": return String(Int(date.timeIntervalSince1970.rounded(.down)))
    case "F":
      return try ["Y", "m", "d"].map { try expand($0, date, c, zone, call) }
        .joined(separator: "-")
    case "T":
      return try ["H", "M", "S"].map { try expand($0, date, c, zone, call) }
        .joined(separator: ":")
    case "%": return "%"
    default:
      throw call.invalid(
        "unknown directive '%\(d)' in the pattern", hint: "see 'help format_date' for the list")
    }
  }

  private static func pad(_ n: Int, _ width: Int, with fill: Character = "0") -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: fill, count: width - s.count) + s
  }

  private static func offset(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let minutes = abs(seconds) / 60
    return sign + pad(minutes / 60, 2) + pad(minutes % 60, 2)
  }
}
