import AstroCore

/// The one check that text read from a file or a script is UTF-8.
///
/// Decoding with replacement would turn a Latin-1 or UTF-16 file into text full of U+FFFD
/// without a word, and a filter on that text would then quietly miss rows. So `open` and
/// the script loader both refuse such bytes and say where the first bad one is.
enum TextEncoding {
  /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
  /// (a stray continuation byte, an overlong form, a surrogate, a value above U+10FFFF or a
  /// sequence cut short), or nil when every byte does.
  static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
      // ASCII, the bulk of most files, is skipped eight bytes at a time.
      if let base = bytes.baseAddress {
        while i + 8 <= n,
          UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
          i += 8
        }
        if i == n { break }
      }
      let lead = bytes[i]
      if lead < 0x80 {
        i += 1
        continue
      }
      // The allowed range of the second byte depends on the lead byte; the bytes after it
      // are plain continuation bytes (Unicode's table of well-formed sequences).
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return i
      }
      guard i + 1 < n, bytes[i + 1] >= low, bytes[i + 1] <= high else { return i }
      for k in 2..<length {
        guard i + k < n, bytes[i + k] & 0xC0 == 0x80 else { return i }
      }
      i += length
    }
    return nil
  }

  static func firstInvalidByte(in bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { firstInvalidByte(in: $0) }
  }

  /// Whether the bytes start with a UTF-16 byte order mark, little or big endian.
  static func startsWithUTF16Mark(_ bytes: some Collection<UInt8>) -> Bool {
    bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
  }

  /// What to tell someone whose file is UTF-16.
  static func utf16Hint(_ path: String) -> String {
    "convert it to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8 '\(path)' > converted"
  }

  /// The 1-based line holding `offset`, counting LF, CRLF and a lone CR as line breaks (as
  /// the CSV reader does).
  static func line(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var line = 1
    var i = 0
    while i < offset {
      if bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
        line += 1
      }
      i += 1
    }
    return line
  }

  /// Throws unless a file's content is UTF-8 text; the error names the file, the line and
  /// the byte offset of the first byte that is not.
  static func requireUTF8(_ bytes: [UInt8], in path: String) throws {
    try bytes.withUnsafeBufferPointer { try requireUTF8($0, in: path) }
  }

  /// Throws unless `bytes` are UTF-8. `firstLine` and `firstOffset` place them in the file,
  /// for a reader that checks one piece of the file at a time.
  static func requireUTF8(
    _ bytes: UnsafeBufferPointer<UInt8>, in path: String, firstLine: Int = 1,
    firstOffset: Int = 0
  ) throws {
    if firstOffset == 0, startsWithUTF16Mark(bytes) {
      throw ShellError.runtime(
        "invalid_encoding",
        "cannot read '\(path)': it is UTF-16 text (it starts with a UTF-16 byte order mark); "
          + "the file must be UTF-8",
        hint: utf16Hint(path))
    }
    guard let bad = firstInvalidByte(in: bytes) else { return }
    let line = firstLine - 1 + line(of: bad, in: bytes)
    let hex = String(bytes[bad], radix: 16, uppercase: true)
    throw ShellError.runtime(
      "invalid_encoding",
      "cannot read '\(path)': line \(line) is not valid UTF-8 "
        + "(byte 0x\(hex) at offset \(firstOffset + bad)); the file must be UTF-8",
      hint: "convert it to UTF-8 first, e.g. from Latin-1: "
        + "iconv -f LATIN1 -t UTF-8 '\(path)' > converted")
  }
}
