import AstroCore

/// CSV as RFC 4180 describes it, read and written so that `to_csv | from_csv` gives back
/// the same records.
///
/// Reading: fields may be quoted, quotes inside are doubled, quoted fields may hold the
/// separator, CR and LF; rows end in LF, CRLF or CR; a UTF-8 byte order mark is skipped.
/// The first row names the columns. A row shorter than the header is filled with null; a
/// longer one is an error. Blank lines are skipped (in a one-column file a blank line is
/// a row whose value is empty).
///
/// Types: a quoted field is always a string. With inference on (the default), an
/// unquoted field that reads as an int, a float, `true` or `false` becomes that value.
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
    guard let first = rows.first else { return [] }
    let width = options.header ? first.fields.count : rows.map(\.fields.count).max() ?? 0
    let columns =
      options.header ? try headerNames(first) : (0..<width).map { "column\($0 + 1)" }
    let body = options.header ? rows.dropFirst() : rows[...]
    var out: [Value] = []
    out.reserveCapacity(body.count)
    for row in body {
      if row.fields.count == 1, !row.fields[0].quoted, row.fields[0].text.isEmpty, width > 1 {
        continue
      }
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
  public static func inferred(_ text: String) -> Value? {
    if text == "true" { return .bool(true) }
    if text == "false" { return .bool(false) }
    guard looksNumeric(text) else { return nil }
    if let i = Int(text) { return .int(i) }
    if let d = Double(text), d.isFinite { return .float(d) }
    return nil
  }

  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: no leading zeros (so "007" stays
  /// text), no leading `+`, no bare `.5`.
  private static func looksNumeric(_ text: String) -> Bool {
    var bytes = text.utf8[...]
    if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    let intDigits = bytes.prefix { isDigit($0) }
    guard !intDigits.isEmpty, intDigits.count == 1 || intDigits.first != UInt8(ascii: "0")
    else { return false }
    bytes = bytes.dropFirst(intDigits.count)
    if bytes.first == UInt8(ascii: ".") {
      let frac = bytes.dropFirst().prefix { isDigit($0) }
      guard !frac.isEmpty else { return false }
      bytes = bytes.dropFirst(1 + frac.count)
    }
    if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
      bytes = bytes.dropFirst()
      if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
        bytes = bytes.dropFirst()
      }
      let exp = bytes.prefix { isDigit($0) }
      guard !exp.isEmpty else { return false }
      bytes = bytes.dropFirst(exp.count)
    }
    return bytes.isEmpty
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
  /// The length of the first row in `bytes` (a byte order mark and the line break
  /// included) and that line break; nil when the row may go on past `bytes`. With `atEnd`
  /// the bytes are the whole text, so a row without a line break ends with them.
  static func firstRow(in bytes: [UInt8], atEnd: Bool) -> (length: Int, lineEnd: String?)? {
    var quoted = false
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\"") {
        // A doubled quote inside a quoted field flips the state twice.
        quoted.toggle()
      } else if !quoted && b == 0x0A {
        return (i + 1, "\n")
      } else if !quoted && b == 0x0D {
        guard i + 1 < bytes.count else { return atEnd ? (i + 1, "\r") : nil }
        return bytes[i + 1] == 0x0A ? (i + 2, "\r\n") : (i + 1, "\r")
      }
      i += 1
    }
    return atEnd ? (bytes.count, nil) : nil
  }

  /// The column names of a header row as the reader gives them, or nil when there is no
  /// row at all (an empty text, or only a byte order mark).
  static func headerColumns(of row: [UInt8], separator: UInt8) throws -> [String]? {
    let rows = try row.withUnsafeBufferPointer { buf in
      var scanner = CSVScanner(bytes: buf, separator: separator)
      return try scanner.rows()
    }
    guard let first = rows.first else { return nil }
    return try headerNames(first)
  }
}
