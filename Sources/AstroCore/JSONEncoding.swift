import Foundation

extension JSON {
  /// Writes a value as JSON. Dates become UTC ISO-8601 strings, binary becomes base64,
  /// ranges become lists. `indent` > 0 pretty-prints with that many spaces per level.
  public static func serialize(_ value: Value, indent: Int = 0) -> String {
    var out = ""
    write(value, into: &out, indent: indent, level: 0)
    return out
  }

  /// Appends the JSON form of `value` to `out`.
  public static func write(_ value: Value, into out: inout String, indent: Int = 0, level: Int = 0)
  {
    switch value {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .float(let d): out += formatDouble(d)
    case .string(let s): writeString(s, into: &out)
    case .date(let d): writeString(ISODate.format(d), into: &out)
    case .binary(let b): writeString(Data(b).base64EncodedString(), into: &out)
    case .closure: writeString("<closure>", into: &out)
    case .range(let r):
      write(
        .list((0..<r.count).map { .int(r.element(at: $0)) }), into: &out, indent: indent,
        level: level)
    case .list(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        newline(&out, indent: indent, level: level + 1)
        write(item, into: &out, indent: indent, level: level + 1)
      }
      newline(&out, indent: indent, level: level)
      out += "]"
    case .record(let r):
      if r.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      var first = true
      for (k, v) in r.pairs {
        if !first { out += "," }
        first = false
        newline(&out, indent: indent, level: level + 1)
        writeString(k, into: &out)
        out += indent > 0 ? ": " : ":"
        write(v, into: &out, indent: indent, level: level + 1)
      }
      newline(&out, indent: indent, level: level)
      out += "}"
    }
  }

  private static func newline(_ out: inout String, indent: Int, level: Int) {
    guard indent > 0 else { return }
    out += "\n"
    out += String(repeating: " ", count: indent * level)
  }

  /// Doubles print in their shortest round-tripping form; integral ones keep a `.0` so
  /// they read back as floats. Non-finite numbers have no JSON form and become null.
  public static func formatDouble(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(format: "%.1f", d) }
    return "\(d)"
  }

  public static func writeString(_ s: String, into out: inout String) {
    out += "\""
    var needsEscape = false
    for b in s.utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
      needsEscape = true
      break
    }
    if !needsEscape {
      out += s
      out += "\""
      return
    }
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          out += "\\u" + String(format: "%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
