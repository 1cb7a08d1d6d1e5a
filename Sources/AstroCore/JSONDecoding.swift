import Foundation

/// A fast JSON reader that builds language values straight from UTF-8 bytes.
///
/// It is the one JSON parser of astrosh: API responses, NDJSON files, `from_json` and the
/// emulator's request bodies all go through it. Objects keep their key order.
public enum JSON {
  /// A JSON syntax error with the byte offset where reading stopped.
  public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset)" }
  }

  /// Nesting deeper than this is refused rather than risking the stack.
  public static let maxDepth = 512

  public static func parse(_ text: String) throws -> Value {
    var text = text
    return try text.withUTF8 { try parse(bytes: $0) }
  }

  public static func parse(_ data: Data) throws -> Value {
    try data.withUnsafeBytes { raw in
      try parse(bytes: raw.bindMemory(to: UInt8.self))
    }
  }

  public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws -> Value {
    var reader = JSONReader(bytes)
    reader.skipWhitespace()
    let value = try reader.readValue(depth: 0)
    reader.skipWhitespace()
    if reader.pos < bytes.count { throw reader.error("unexpected text after the JSON value") }
    return value
  }
}

private struct JSONReader {
  let buf: UnsafeBufferPointer<UInt8>
  var pos = 0

  init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

  func error(_ reason: String) -> JSON.SyntaxError { JSON.SyntaxError(offset: pos, reason: reason) }

  mutating func skipWhitespace() {
    while pos < buf.count {
      switch buf[pos] {
      case 0x20, 0x0A, 0x0D, 0x09: pos += 1
      default: return
      }
    }
  }

  mutating func readValue(depth: Int) throws -> Value {
    guard pos < buf.count else { throw error("unexpected end of input") }
    switch buf[pos] {
    case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
    case UInt8(ascii: "["): return try readArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try readString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
    default: throw error("unexpected character '\(Character(Unicode.Scalar(buf[pos])))'")
    }
  }

  mutating func expectWord(_ word: StaticString) throws {
    let n = word.utf8CodeUnitCount
    guard pos + n <= buf.count else { throw error("unexpected end of input") }
    let w = word.utf8Start
    for i in 0..<n where buf[pos + i] != w[i] { throw error("invalid literal") }
    pos += n
  }

  mutating func readObject(depth: Int) throws -> Value {
    if depth > JSON.maxDepth { throw error("nesting deeper than \(JSON.maxDepth) levels") }
    pos += 1
    var record = Record()
    skipWhitespace()
    if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
      pos += 1
      return .record(record)
    }
    while true {
      skipWhitespace()
      guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else {
        throw error("expected a quoted key")
      }
      let key = try readString()
      skipWhitespace()
      guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
      pos += 1
      skipWhitespace()
      let value = try readValue(depth: depth)
      if record.index(of: key) == nil {
        record.appendUnchecked(key, value)
      } else {
        record[key] = value
      }
      skipWhitespace()
      guard pos < buf.count else { throw error("unexpected end of input in an object") }
      if buf[pos] == UInt8(ascii: ",") {
        pos += 1
        continue
      }
      if buf[pos] == UInt8(ascii: "}") {
        pos += 1
        return .record(record)
      }
      throw error("expected ',' or '}'")
    }
  }

  mutating func readArray(depth: Int) throws -> Value {
    if depth > JSON.maxDepth { throw error("nesting deeper than \(JSON.maxDepth) levels") }
    pos += 1
    var items: [Value] = []
    skipWhitespace()
    if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
      pos += 1
      return .list(items)
    }
    while true {
      skipWhitespace()
      items.append(try readValue(depth: depth))
      skipWhitespace()
      guard pos < buf.count else { throw error("unexpected end of input in an array") }
      if buf[pos] == UInt8(ascii: ",") {
        pos += 1
        continue
      }
      if buf[pos] == UInt8(ascii: "]") {
        pos += 1
        return .list(items)
      }
      throw error("expected ',' or ']'")
    }
  }

  mutating func readString() throws -> String {
    pos += 1
    let start = pos
    while pos < buf.count {
      let b = buf[pos]
      if b == UInt8(ascii: "\"") {
        let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
        pos += 1
        return s
      }
      if b == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
      if b < 0x20 { throw error("control character in a string") }
      pos += 1
    }
    throw error("unterminated string")
  }

  mutating func readEscapedString(from start: Int) throws -> String {
    var bytes = Array(UnsafeBufferPointer(rebasing: buf[start..<pos]))
    while pos < buf.count {
      let b = buf[pos]
      if b == UInt8(ascii: "\"") {
        pos += 1
        return String(decoding: bytes, as: UTF8.self)
      }
      if b < 0x20 { throw error("control character in a string") }
      if b != UInt8(ascii: "\\") {
        bytes.append(b)
        pos += 1
        continue
      }
      pos += 1
      guard pos < buf.count else { break }
      let e = buf[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
      case UInt8(ascii: "b"): bytes.append(0x08)
      case UInt8(ascii: "f"): bytes.append(0x0C)
      case UInt8(ascii: "n"): bytes.append(0x0A)
      case UInt8(ascii: "r"): bytes.append(0x0D)
      case UInt8(ascii: "t"): bytes.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try readHex4()
        if (0xD800...0xDBFF).contains(scalar), pos + 1 < buf.count,
          buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u")
        {
          pos += 2
          let low = try readHex4()
          if (0xDC00...0xDFFF).contains(low) {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
        }
        let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        bytes.append(contentsOf: Array(String(Character(s)).utf8))
      default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
      }
    }
    throw error("unterminated string")
  }

  mutating func readHex4() throws -> UInt32 {
    guard pos + 4 <= buf.count else { throw error("truncated \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = buf[pos]
      let d: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
      default: throw error("invalid \\u escape")
      }
      v = v * 16 + UInt32(d)
      pos += 1
    }
    return v
  }

  mutating func readNumber() throws -> Value {
    let start = pos
    var negative = false
    if buf[pos] == UInt8(ascii: "-") {
      negative = true
      pos += 1
    }
    // JSON forbids leading zeros; reading 0123 as 123 would change the value silently.
    if pos + 1 < buf.count, buf[pos] == UInt8(ascii: "0"), buf[pos + 1] >= 0x30,
      buf[pos + 1] <= 0x39
    {
      throw JSON.SyntaxError(offset: start, reason: "a number may not have a leading zero")
    }
    var integer = 0
    var overflow = false
    var digits = 0
    while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
      let (m, o1) = integer.multipliedReportingOverflow(by: 10)
      // Negative numbers count down, so -9223372036854775808 is still an int.
      let digit = Int(buf[pos] - 0x30)
      let (a, o2) =
        negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
      overflow = overflow || o1 || o2
      integer = a
      digits += 1
      pos += 1
    }
    if digits == 0 { throw error("invalid number") }
    var isFloat = false
    if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
      isFloat = true
      pos += 1
      let fracStart = pos
      while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
      if pos == fracStart { throw error("invalid number") }
    }
    if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
      isFloat = true
      pos += 1
      if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") {
        pos += 1
      }
      let expStart = pos
      while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
      if pos == expStart { throw error("invalid number") }
    }
    if !isFloat && !overflow { return .int(integer) }
    // An integer beyond 64 bits becomes the nearest float; one beyond the float range would
    // be infinity, which has no JSON form and would be written back as null.
    let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
    guard let d = Double(text) else { throw error("invalid number") }
    guard d.isFinite else {
      let shown = text.count > 24 ? text.prefix(24) + "…" : text
      throw JSON.SyntaxError(
        offset: start, reason: "the number '\(shown)' is out of the float range (about ±1.8e308)")
    }
    return .float(d)
  }
}
