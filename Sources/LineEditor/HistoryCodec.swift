/// The text format of the history file: a header line, then one entry per line.
///
/// ```
/// #astrosh history v1
/// get-domains --organization-id o1
/// let x = [\n  1\n]
/// ```
///
/// Inside an entry a backslash is written `\\`, a line feed `\n`, a carriage return `\r`,
/// other control characters `\xHH`, and a `#` that starts the entry `\#`, since lines that
/// start with `#` are comments. So a multi-line command stays one line, and any text
/// round-trips.
public enum HistoryCodec {
  /// The first line of every history file astrosh writes.
  public static let header = "#astrosh history v1"

  /// The single line that stands for `entry`.
  public static func encode(_ entry: String) -> String {
    var line = ""
    for scalar in entry.unicodeScalars {
      switch scalar {
      case "\\": line += "\\\\"
      case "\n": line += "\\n"
      case "\r": line += "\\r"
      case "#" where line.isEmpty: line += "\\#"
      case "\t": line.unicodeScalars.append(scalar)
      case "\u{0}"..<"\u{20}", "\u{7F}":
        line += "\\x" + hex(scalar.value)
      default: line.unicodeScalars.append(scalar)
      }
    }
    return line
  }

  /// The entry that `line` stands for, or nil when it is not a valid encoding.
  public static func decode(_ line: Substring) -> String? {
    var entry = String.UnicodeScalarView()
    var scalars = line.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      if scalar != "\\" {
        // Raw control characters other than tab are never written, so their presence
        // means the line is damaged.
        if scalar.value < 0x20 && scalar != "\t" || scalar == "\u{7F}" { return nil }
        entry.append(scalar)
        continue
      }
      switch scalars.next() {
      case "\\": entry.append("\\")
      case "n": entry.append("\n")
      case "r": entry.append("\r")
      case "#": entry.append("#")
      case "x":
        guard let high = scalars.next(), let low = scalars.next(),
          let value = UInt8(String([Character(high), Character(low)]), radix: 16),
          value < 0x20 || value == 0x7F
        else { return nil }
        entry.append(Unicode.Scalar(value))
      default: return nil
      }
    }
    return entry.isEmpty ? nil : String(entry)
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count < 2 ? "0" + digits : digits
  }
}

/// What a history file holds, worked out from its bytes.
public struct HistoryContents: Equatable, Sendable {
  /// Why a file cannot be used at all.
  public enum Foreign: Equatable, Sendable {
    /// libedit's own format (`_HiStOrY_V2_`), which escapes text differently.
    case libedit
    /// NUL bytes: not text.
    case binary
    /// A header of a later format version.
    case newerVersion(String)
    /// Most lines could not be read.
    case unreadable
  }

  /// The entries that could be read, oldest first.
  public var entries: [String]
  /// Lines skipped because they were not UTF-8 or not a valid encoding.
  public var skippedLines: Int
  /// Set when the file should be set aside rather than read.
  public var foreign: Foreign?
  /// True when the file starts with our header.
  public var hasHeader: Bool

  /// Reads a history file's bytes as far as possible. A file without a header is read
  /// as plain lines, so a hand-made file works too.
  public static func parse(_ bytes: [UInt8]) -> HistoryContents {
    var contents = HistoryContents(entries: [], skippedLines: 0, foreign: nil, hasHeader: false)
    if bytes.contains(0) {
      contents.foreign = .binary
      return contents
    }
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    for (index, raw) in lines.enumerated() {
      let bytes = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
      guard let line = String(validating: bytes, as: UTF8.self) else {
        contents.skippedLines += 1
        continue
      }
      if index == 0, let foreign = foreignHeader(line) {
        contents.foreign = foreign
        return contents
      }
      if line.hasPrefix("#") {
        if index == 0 && line == HistoryCodec.header { contents.hasHeader = true }
        continue
      }
      if let entry = HistoryCodec.decode(line[...]) {
        contents.entries.append(entry)
      } else {
        contents.skippedLines += 1
      }
    }
    if contents.skippedLines > contents.entries.count {
      contents.foreign = .unreadable
    }
    return contents
  }

  private static func foreignHeader(_ line: String) -> Foreign? {
    if line.hasPrefix("_HiStOrY_V") { return .libedit }
    if line.hasPrefix("#astrosh history v"), line != HistoryCodec.header {
      return .newerVersion(String(line.dropFirst("#astrosh history ".count)))
    }
    return nil
  }
}
