/// A piece of source text with a name to show in messages: a file path, `-c`, `<stdin>`
/// or `<repl>`.
public final class SourceFile: Sendable {
  public let name: String
  public let text: String
  /// UTF-8 offsets at which each line starts.
  private let lineStarts: [Int]

  public init(name: String, text: String) {
    self.name = name
    self.text = text
    var starts = [0]
    var offset = 0
    for byte in text.utf8 {
      offset += 1
      if byte == UInt8(ascii: "\n") { starts.append(offset) }
    }
    lineStarts = starts
  }

  /// The 1-based line and column (in characters) of a UTF-8 offset.
  public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
    let clamped = max(0, min(offset, text.utf8.count))
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
    }
    let utf8 = Array(
      text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: lineStarts[lo])...]
        .prefix(clamped - lineStarts[lo]))
    let column = String(decoding: utf8, as: UTF8.self).count + 1
    return (lo + 1, column)
  }

  /// The text of a 1-based line, without its line break.
  public func line(_ number: Int) -> String {
    guard number >= 1, number <= lineStarts.count else { return "" }
    let utf8 = text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: lineStarts[number - 1])
    let endOffset = number < lineStarts.count ? lineStarts[number] : utf8.count
    let end = utf8.index(utf8.startIndex, offsetBy: endOffset)
    var s = String(decoding: utf8[start..<end], as: UTF8.self)
    // By scalars: "\r\n" is one Character, which neither "\n" nor "\r" matches.
    while let last = s.unicodeScalars.last, last == "\n" || last == "\r" {
      s.unicodeScalars.removeLast()
    }
    return s
  }
}

/// A half-open range of UTF-8 offsets into a `SourceFile`.
public struct Span: Sendable, Equatable, Hashable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  public static let none = Span(0, 0)

  /// The smallest span covering both.
  public func merged(with other: Span) -> Span {
    Span(min(start, other.start), max(end, other.end))
  }
}

/// Where something happened: a span in a named source.
public struct SourceLocation: Sendable {
  public let file: SourceFile
  public let span: Span

  public init(file: SourceFile, span: Span) {
    self.file = file
    self.span = span
  }
}
