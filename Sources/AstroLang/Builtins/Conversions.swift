import AstroCore
import Foundation

/// Type conversions and `describe`. The `into_*` builtins convert each item of a list or
/// stream (lazily) and pass null through, so optional fields convert without a fuss.
enum ConversionBuiltins {
  static let all: [Builtin] = [intoInt, intoFloat, intoString, intoDate, describe]

  static func converter(
    _ name: String, _ abstract: String, output: String, examples: [Example],
    _ convert: @escaping @Sendable (Value, Invocation) throws -> Value
  ) -> Builtin {
    define(
      name, category: DataCategory.conversions, abstract: abstract,
      signature: Signature(input: "any", output: output), examples: examples
    ) { call in
      try Streams.mapEach(call.input, call.ctx) { value in
        value.isNull ? .null : try convert(value, call)
      }
    }
  }

  /// `reason`, when given, follows the message after a colon and says what is wrong with
  /// the input.
  static func cannot(
    _ call: Invocation, _ value: Value, _ type: String, reason: String? = nil,
    hint: String? = nil
  ) -> ShellError {
    let shown: String
    switch value {
    case .int, .float: shown = value.plainText
    default: shown = value.stringValue.map { "'\($0)'" } ?? "a \(value.typeName)"
    }
    let why = reason.map { ": \($0)" } ?? ""
    return ShellError.runtime(
      "conversion_failed", "'\(call.name)' cannot convert \(shown) to \(type)\(why)", hint: hint)
  }

  static let intoInt = converter(
    "into_int", "convert to an integer (floats are truncated toward zero)", output: "int",
    examples: [
      Example("From strings", #"["42", "-7", "0x1F"] | into_int"#, result: "[42,-7,31]"),
      Example("From a float", "3.9 | into_int", result: "3"),
    ]
  ) { value, call in
    switch value {
    case .int: return value
    case .float(let d):
      guard d.isFinite, abs(d) < 9.2e18 else { throw cannot(call, value, "an int") }
      return .int(Int(d))
    case .bool(let b): return .int(b ? 1 : 0)
    case .date(let d): return .int(Int(d.timeIntervalSince1970.rounded(.down)))
    case .string(let s):
      guard let i = parseInt(s.trimmingCharacters(in: .whitespaces)) else {
        let hint = Double(s) != nil ? "it is a float; use into_float" : nil
        throw cannot(call, value, "an int", hint: hint)
      }
      return .int(i)
    default: throw cannot(call, value, "an int")
    }
  }

  /// Decimal, `0x` hex and `0b` binary, with an optional sign and `_` separators.
  static func parseInt(_ text: String) -> Int? {
    var s = Substring(text.replacingOccurrences(of: "_", with: ""))
    let negative = s.hasPrefix("-")
    if negative || s.hasPrefix("+") { s = s.dropFirst() }
    var radix = 10
    if s.hasPrefix("0x") || s.hasPrefix("0X") {
      radix = 16
      s = s.dropFirst(2)
    } else if s.hasPrefix("0b") || s.hasPrefix("0B") {
      radix = 2
      s = s.dropFirst(2)
    }
    guard !s.isEmpty, !s.hasPrefix("-"), !s.hasPrefix("+") else { return nil }
    return Int(negative ? "-" + s : String(s), radix: radix)
  }

  static let intoFloat = converter(
    "into_float", "convert to a floating-point number", output: "float",
    examples: [
      Example("From a string and an int", #"["2.5", 3] | into_float"#, result: "[2.5,3.0]")
    ]
  ) { value, call in
    switch value {
    case .float: return value
    case .int(let i): return .float(Double(i))
    case .bool(let b): return .float(b ? 1 : 0)
    case .date(let d): return .float(d.timeIntervalSince1970)
    case .string(let s):
      guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else {
        throw cannot(call, value, "a float")
      }
      // Swift reads "nan", "inf" and "1e400" as non-finite doubles, which JSON cannot hold
      // and would write as null.
      guard d.isFinite else {
        let reason =
          d.isNaN
          ? "NaN is not a number astrosh can hold"
          : "it is beyond the float range (about ±1.8e308)"
        throw cannot(call, value, "a float", reason: reason)
      }
      return .float(d)
    default: throw cannot(call, value, "a float")
    }
  }

  static let intoString = converter(
    "into_string", "convert to text (lists and records become JSON)", output: "string",
    examples: [
      Example("Numbers to text", "[1, 2.5, true] | into_string", result: #"["1","2.5","true"]"#)
    ]
  ) { value, _ in .string(value.plainText) }

  static let intoDate = converter(
    "into_date", "convert an ISO-8601 string or Unix seconds to a date", output: "date",
    examples: [
      Example(
        "Parse a timestamp", #""2024-03-05T14:07:09Z" | into_date | format_date "%d.%m.%Y""#,
        result: #""05.03.2024""#),
      Example(
        "A UTC offset is applied",
        #""2024-03-05T14:07:09+01:00" | into_date | format_date "%H:%M""#,
        result: #""13:07""#),
      Example(
        "A plain date is midnight UTC", #""2024-03-05" | into_date | format_date "%F %T""#,
        result: #""2024-03-05 00:00:00""#),
    ]
  ) { value, call in
    switch value {
    case .date: return value
    case .int, .float:
      // A date beyond the year 9999 could be shown but not read back, so it is refused
      // rather than clamped or shown with a fifth year digit.
      let seconds = value.doubleValue ?? .nan
      do throws(ISODate.ParseError) {
        return .date(try ISODate.date(unixSeconds: seconds))
      } catch {
        throw cannot(
          call, value, "a date", reason: error.reason,
          hint: "Unix seconds count from 1970-01-01T00:00:00Z; a timestamp in milliseconds "
            + "must be divided by 1000 first")
      }
    case .string(let s):
      do throws(ISODate.ParseError) {
        return .date(try ISODate.parse(s, allowingPlainDate: true))
      } catch {
        throw cannot(
          call, value, "a date", reason: error.reason,
          hint: "dates are written like 2024-03-05, 2024-03-05T14:07:09Z or "
            + "2024-03-05T15:07:09+01:00")
      }
    default: throw cannot(call, value, "a date")
    }
  }

  static let describe = define(
    "describe", category: DataCategory.conversions,
    abstract: "the type name of the input (a stream not yet collected is 'stream')",
    signature: Signature(input: "any", output: "string"),
    examples: [
      Example("A record", "{a: 1} | describe", result: #""record""#),
      Example("A number", "1.5 | describe", result: #""float""#),
    ]
  ) { call in
    switch call.input {
    case .stream: return .value(.string("stream"))
    case .empty: return .value(.string("nothing"))
    case .value(let v): return .value(.string(v.typeName))
    }
  }
}
