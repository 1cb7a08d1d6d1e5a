import AstroCore

/// CSV as RFC 4180 describes it, read and written so that `to_csv | from_csv` gives back
/// the same records.
///
/// Reading: fields may be quoted, quotes inside are doubled, quoted fields may hold the
/// separator, CR and LF; rows end in LF, CRLF or CR; a UTF-8 byte order mark is skipped.
/// The first row names the columns. A row shorter than the header is filled with null; a
/// longer one is an error. Blank lines are skipped: before the first row always, after it
/// unless the file has one column, where a blank line is a row whose value is empty.
///
/// Types: a quoted field is always a string. With inference on (the default), an
/// unquoted field that reads as an int, a float, `true` or `false` becomes that value,
/// unless a number would lose digits on the way (see `inferred`).
/// An empty field is an empty string, so `where col != ""` works on spreadsheet exports.
/// The writer quotes every string that would otherwise read back as something else,
/// which makes the round trip exact for strings, numbers and booleans; null is written
/// as an empty field and so reads back as "".
public enum CSV {
  /// A CSV syntax error, with the line where the faulty row or field started.
  public struct ParseError: Error, Sendable {
    public let line: Int
    public let reason: String
  }

  /// How to read a CSV text.
  public struct ReadOptions: Sendable {
    public var separator: UInt8 = UInt8(ascii: ",")
    public var header = true
    public var infer = true
    public init() {}
  }

  struct Field {
    var text: String
    var quoted: Bool
  }

  struct Row {
    var fields: [Field]
    var line: Int

    /// A line with nothing on it (`""` is a quoted empty field, not a blank line).
    var isBlank: Bool { fields.count == 1 && !fields[0].quoted && fields[0].text.isEmpty }
  }

  /// Parses a CSV text into a list of records.
  public static func parse(_ text: String, options: ReadOptions = ReadOptions()) throws
    -> [Value]
  {
    var text = text
    let rows = try text.withUTF8 { buf in
      var scanner = CSVScanner(bytes: buf, separator: options.separator)
      return try scanner.rows()
    }
    return try records(from: rows, options: options)
  }

  /// Parses CSV bytes (as read from a file) into a list of records.
  public static func parse(bytes: [UInt8], options: ReadOptions = ReadOptions()) throws -> [Value] {
    let rows = try bytes.withUnsafeBufferPointer { buf in
      var scanner = CSVScanner(bytes: buf, separator: options.separator)
      return try scanner.rows()
    }
    return try records(from: rows, options: options)
  }

  static func records(from rows: [Row], options: ReadOptions) throws -> [Value] {
    // Blank lines before the first row are skipped (in a one-column file too), so a file
    // of blank lines alone holds no records rather than a column named from nothing.
    let rows = rows.drop { $0.isBlank }
    guard let first = rows.first else { return [] }
    let width = options.header ? first.fields.count : rows.map(\.fields.count).max() ?? 0
    let columns =
      options.header ? try headerNames(first) : (0..<width).map { "column\($0 + 1)" }
    let body = options.header ? rows.dropFirst() : rows
    var out: [Value] = []
    out.reserveCapacity(body.count)
    for row in body {
      if row.isBlank, width > 1 { continue }
      guard row.fields.count <= width else {
        throw ParseError(
          line: row.line,
          reason: "the row has \(row.fields.count) fields but the header has \(width)")
      }
      var values = row.fields.map { value(of: $0, infer: options.infer) }
      values.append(contentsOf: repeatElement(.null, count: width - values.count))
      out.append(.record(Record(keys: columns, values: values)))
    }
    return out
  }

  private static func headerNames(_ row: Row) throws -> [String] {
    var seen = Set<String>()
    return try row.fields.enumerated().map { i, field in
      let name = field.text.isEmpty ? "column\(i + 1)" : field.text
      guard seen.insert(name).inserted else {
        throw ParseError(line: row.line, reason: "the header names the column '\(name)' twice")
      }
      return name
    }
  }

  static func value(of field: Field, infer: Bool) -> Value {
    guard infer, !field.quoted else { return .string(field.text) }
    return inferred(field.text) ?? .string(field.text)
  }

  /// The non-string value an unquoted field stands for, or nil when it is just text.
  ///
  /// A number becomes one only when nothing written is lost: an integer beyond 64 bits
  /// (a long id such as `99999999999999999999`) stays text rather than turning into a
  /// rounded float, and so does a decimal with more digits than a float holds
  /// (`0.12345678901234567890`) or beyond its range (`1e400`, `1e-400`). A float that
  /// keeps every digit may still be written differently (`1.50` is 1.5, `1e3` is 1000.0).
  public static func inferred(_ text: String) -> Value? {
    if text == "true" { return .bool(true) }
    if text == "false" { return .bool(false) }
    guard let shape = numberShape(text) else { return nil }
    if shape == .integer { return Int(text).map(Value.int) }
    guard let d = Double(text), d.isFinite,
      let written = significand(text.utf8[...]),
      let held = significand("\(d)".utf8[...]), written == held
    else { return nil }
    return .float(d)
  }

  /// The digits of a decimal number without the leading and trailing zeros, and the
  /// power of ten of its first digit, so that `120`, `1.2e2` and `0.0012e5` all give
  /// ("12", 2). Zero is ("", 0) whatever its sign. Nil for text that is not a number.
  static func significand(_ text: Substring.UTF8View) -> (digits: [UInt8], exponent: Int)? {
    var bytes = text
    if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    var digits: [UInt8] = []
    // The power of ten of the first digit written, counting every digit before the point.
    var pointAt = 0
    var seenPoint = false
    while let b = bytes.first, isDigit(b) || (b == UInt8(ascii: ".") && !seenPoint) {
      bytes = bytes.dropFirst()
      if b == UInt8(ascii: ".") {
        seenPoint = true
        continue
      }
      if !seenPoint { pointAt += 1 }
      digits.append(b)
    }
    var exponent = 0
    if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
      guard let e = Int(String(Substring(bytes.dropFirst()))) else { return nil }
      // Beyond this a float is zero or infinite anyway; the clamp keeps the sum below
      // from overflowing.
      exponent = max(-100_000, min(100_000, e))
    } else if !bytes.isEmpty {
      return nil
    }
    let leading = digits.prefix { $0 == UInt8(ascii: "0") }.count
    guard leading < digits.count else { return ([], 0) }
    let trailing = digits.reversed().prefix { $0 == UInt8(ascii: "0") }.count
    let kept = Array(digits[leading..<(digits.count - trailing)])
    return (kept, pointAt - leading - 1 + exponent)
  }

  /// An integer has neither a point nor an exponent.
  private enum NumberShape { case integer, decimal }

  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: no leading zeros (so "007" stays
  /// text), no leading `+`, no bare `.5`. Nil when the text is not such a number.
  private static func numberShape(_ text: String) -> NumberShape? {
    var bytes = text.utf8[...]
    if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    let intDigits = bytes.prefix { isDigit($0) }
    guard !intDigits.isEmpty, intDigits.count == 1 || intDigits.first != UInt8(ascii: "0")
    else { return nil }
    bytes = bytes.dropFirst(intDigits.count)
    var shape = NumberShape.integer
    if bytes.first == UInt8(ascii: ".") {
      let frac = bytes.dropFirst().prefix { isDigit($0) }
      guard !frac.isEmpty else { return nil }
      bytes = bytes.dropFirst(1 + frac.count)
      shape = .decimal
    }
    if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
      bytes = bytes.dropFirst()
      if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
        bytes = bytes.dropFirst()
      }
      let exp = bytes.prefix { isDigit($0) }
      guard !exp.isEmpty else { return nil }
      bytes = bytes.dropFirst(exp.count)
      shape = .decimal
    }
    return bytes.isEmpty ? shape : nil
  }

  private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}

/// Splits CSV bytes into rows of fields; the byte-level half of the reader.
private struct CSVScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let separator: UInt8
  var pos = 0
  var line = 1

  init(bytes: UnsafeBufferPointer<UInt8>, separator: UInt8) {
    self.bytes = bytes
    self.separator = separator
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
  }

  mutating func rows() throws -> [CSV.Row] {
    var rows: [CSV.Row] = []
    while pos < bytes.count {
      let start = line
      var fields: [CSV.Field] = []
      while true {
        fields.append(try field())
        guard pos < bytes.count else { break }
        let b = bytes[pos]
        pos += 1
        if b == separator { continue }
        if b == 0x0D, pos < bytes.count, bytes[pos] == 0x0A { pos += 1 }
        line += 1
        break
      }
      rows.append(CSV.Row(fields: fields, line: start))
    }
    return rows
  }

  /// Reads one field and stops before the separator or line end that follows it.
  mutating func field() throws -> CSV.Field {
    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
      let start = pos
      while pos < bytes.count {
        let b = bytes[pos]
        if b == separator || b == 0x0A || b == 0x0D { break }
        pos += 1
      }
      return CSV.Field(text: text(start..<pos), quoted: false)
    }
    return CSV.Field(text: try quoted(), quoted: true)
  }

  private mutating func quoted() throws -> String {
    let startLine = line
    pos += 1
    var out: [UInt8] = []
    var chunk = pos
    while pos < bytes.count {
      let b = bytes[pos]
      if b == 0x0A || (b == 0x0D && (pos + 1 >= bytes.count || bytes[pos + 1] != 0x0A)) {
        line += 1
      }
      guard b == UInt8(ascii: "\"") else {
        pos += 1
        continue
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[chunk..<pos]))
      pos += 1
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") {
        out.append(b)
        pos += 1
        chunk = pos
        continue
      }
      if pos < bytes.count, bytes[pos] != separator, bytes[pos] != 0x0A, bytes[pos] != 0x0D {
        throw CSV.ParseError(
          line: line, reason: "unexpected text after the closing quote of a field")
      }
      return String(decoding: out, as: UTF8.self)
    }
    throw CSV.ParseError(line: startLine, reason: "a quoted field is never closed")
  }

  private func text(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }
}

extension CSV {
  /// The length of the bytes up to the end of the header row, the first row that is not
  /// a blank line (a byte order mark, the blank lines before it and its line break
  /// included), and that line break; nil when the row may go on past `bytes`, or when
  /// there is no such row. With `atEnd` the bytes are the whole text, so a row without a
  /// line break ends with them.
  static func firstRow(in bytes: [UInt8], atEnd: Bool) -> (length: Int, lineEnd: String?)? {
    var quoted = false
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var rowStart = i
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\"") {
        // A doubled quote inside a quoted field flips the state twice.
        quoted.toggle()
      } else if !quoted && (b == 0x0A || b == 0x0D) && i == rowStart {
        // A blank line before the header is skipped, as the reader skips it; a CR LF
        // pair is two blank lines here, which comes to the same.
        rowStart = i + 1
      } else if !quoted && b == 0x0A {
        return (i + 1, "\n")
      } else if !quoted && b == 0x0D {
        guard i + 1 < bytes.count else { return atEnd ? (i + 1, "\r") : nil }
        return bytes[i + 1] == 0x0A ? (i + 2, "\r\n") : (i + 1, "\r")
      }
      i += 1
    }
    return atEnd && rowStart < bytes.count ? (bytes.count, nil) : nil
  }

  /// The column names of a header row as the reader gives them, or nil when there is no
  /// row at all (an empty text, only a byte order mark, or only blank lines).
  static func headerColumns(of row: [UInt8], separator: UInt8) throws -> [String]? {
    let rows = try row.withUnsafeBufferPointer { buf in
      var scanner = CSVScanner(bytes: buf, separator: separator)
      return try scanner.rows()
    }
    guard let first = rows.first(where: { !$0.isBlank }) else { return nil }
    return try headerNames(first)
  }
}
