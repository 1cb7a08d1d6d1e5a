import AstroCore

extension CSV {
  /// How to write CSV.
  public struct WriteOptions: Sendable {
    public var separator: Character = ","
    /// RFC 4180 ends lines with CRLF; LF is the default because it is what Unix tools expect.
    public var lineEnd = "\n"
    public var header = true
    public init() {}
  }

  /// The error for an item that is not a record, or a record that does not fit the header.
  public struct WriteError: Error, Sendable {
    public let message: String
  }

  /// Writes records as CSV. The header is the union of all fields in order of first
  /// appearance; a record without a field leaves that cell empty (null). A scalar item is
  /// written as a record with the one field `value`. An empty list gives an empty text.
  public static func write(_ items: [Value], options: WriteOptions = WriteOptions()) throws
    -> String
  {
    let records = items.map(asRecord)
    var columns: [String] = []
    var known = Set<String>()
    for r in records {
      for key in r.keys where known.insert(key).inserted { columns.append(key) }
    }
    var writer = Writer(options: options, columns: columns)
    var out = ""
    // No records is no text at all: a header of no columns would be a blank line, which
    // reads back as nothing anyway and, saved, is a file that looks like it has content.
    for r in records { out += try writer.row(r) }
    return out
  }

  static func asRecord(_ value: Value) -> Record {
    if case .record(let r) = value { return r }
    return Record(keys: ["value"], values: [value])
  }

  /// Writes rows one at a time, for output that streams. The columns are fixed by the
  /// first record unless given up front; a later record with another field is an error,
  /// because the header is already written.
  public struct Writer: Sendable {
    let options: WriteOptions
    var columns: [String]?
    var wroteHeader = false
    var rowNumber = 0

    public init(options: WriteOptions = WriteOptions(), columns: [String]? = nil) {
      self.options = options
      self.columns = columns
    }

    /// The text for one more item: the header first if it is not written yet.
    public mutating func row(_ item: Value) throws -> String {
      try row(CSV.asRecord(item))
    }

    mutating func row(_ record: Record) throws -> String {
      defer { rowNumber += 1 }
      let columns = self.columns ?? record.keys
      self.columns = columns
      var out = wroteHeader ? "" : headerLine()
      for key in record.keys where !columns.contains(key) {
        throw WriteError(
          message: "row \(rowNumber) has the field '\(key)', which is not in the CSV header")
      }
      let sep = String(options.separator)
      out += columns.map { CSV.field(record[$0] ?? .null, separator: options.separator) }
        .joined(separator: sep)
      out += options.lineEnd
      return out
    }

    /// The header line (once); empty when headers are off.
    public mutating func headerLine() -> String {
      guard !wroteHeader else { return "" }
      wroteHeader = true
      guard options.header, let columns else { return "" }
      let sep = String(options.separator)
      return columns.map { CSV.quoteIfNeeded($0, separator: options.separator, typed: false) }
        .joined(separator: sep) + options.lineEnd
    }
  }

  /// One value as a CSV field.
  public static func field(_ value: Value, separator: Character = ",") -> String {
    switch value {
    case .null: return ""
    case .string(let s): return quoteIfNeeded(s, separator: separator, typed: true)
    case .bool, .int, .float: return value.plainText
    default: return quoteIfNeeded(value.plainText, separator: separator, typed: true)
    }
  }

  /// Quotes text that holds a separator, quote or line break, starts with a byte order
  /// mark, or (for values) would read back as a number or boolean.
  static func quoteIfNeeded(_ text: String, separator: Character, typed: Bool) -> String {
    let sep = separator.asciiValue ?? UInt8(ascii: ",")
    var needs = text.utf8.starts(with: [0xEF, 0xBB, 0xBF])
    if !needs {
      for b in text.utf8 where b == sep || b == 0x22 || b == 0x0A || b == 0x0D {
        needs = true
        break
      }
    }
    if !needs, typed, inferred(text) != nil { needs = true }
    guard needs else { return text }
    return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
  }
}

extension String {
  /// Replaces every occurrence of a scalar. Scalars, not characters: a quote followed by a
  /// combining mark is one `Character` but must still be doubled.
  func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
    guard unicodeScalars.contains(target) else { return self }
    var out = String.UnicodeScalarView()
    for s in unicodeScalars {
      if s == target { out.append(contentsOf: replacement.unicodeScalars) } else { out.append(s) }
    }
    return String(out)
  }
}
