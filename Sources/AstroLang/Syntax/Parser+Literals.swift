import AstroCore

/// Number and string literals, including escapes and `$name` / `$(…)` interpolation.
extension Parser {
  /// The value of an integer token: decimal, or hex, octal or binary after `0x`, `0o`,
  /// `0b`, with `_` between digits allowed. `negatedBy` is the span of a `-` in front: the
  /// digits then count down from zero, so -9223372036854775808 (`Int.min`, whose magnitude
  /// is no int) is read too.
  func integerValue(_ t: Token, negatedBy minus: Span? = nil) throws -> Int {
    let whole = minus.map { $0.merged(with: t.span) } ?? t.span
    var i = t.span.start
    var radix = 10
    if t.span.end - i > 2, bytes[i] == Ascii.zero, Ascii.isRadixMark(bytes[i + 1]) {
      switch bytes[i + 1] | 0x20 {
      case UInt8(ascii: "x"): radix = 16
      case UInt8(ascii: "o"): radix = 8
      default: radix = 2
      }
      i += 2
    }
    var value = 0
    var digits = 0
    while i < t.span.end {
      let c = bytes[i]
      i += 1
      if c == Ascii.underscore { continue }
      guard let digit = Ascii.digitValue(c), digit < radix else {
        throw SyntaxErrors.invalidNumber(text(t), file, t.span)
      }
      let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) =
        minus == nil
        ? shifted.addingReportingOverflow(digit) : shifted.subtractingReportingOverflow(digit)
      if o1 || o2 { throw SyntaxErrors.numberTooLarge(text(whole), file, whole) }
      value = sum
      digits += 1
    }
    guard digits > 0 else { throw SyntaxErrors.invalidNumber(text(t), file, t.span) }
    return value
  }

  func decimalValue(_ t: Token) throws -> Double {
    let raw = text(t)
    let digits = raw.contains("_") ? raw.filter { $0 != "_" } : raw
    guard let value = Double(digits) else {
      throw SyntaxErrors.invalidNumber(raw, file, t.span)
    }
    guard value.isFinite else { throw SyntaxErrors.floatTooLarge(raw, file, t.span) }
    return value
  }

  /// A quoted string: `.string` when it is constant, `.interpolation` otherwise.
  func parseStringLiteral() throws -> Expr {
    let t = advance()
    let inner = (t.span.start + 1)..<max(t.span.start + 1, t.span.end - 1)
    if t.kind == .rawString {
      return .string(String(decoding: bytes[inner], as: UTF8.self), t.span)
    }
    var reader = StringReader(parser: self, range: inner)
    let parts = try reader.read()
    if parts.isEmpty { return .string("", t.span) }
    if parts.count == 1, case .text(let s) = parts[0] { return .string(s, t.span) }
    return .interpolation(parts, t.span)
  }
}

/// Decodes the inside of a double-quoted string into text and interpolated parts.
private struct StringReader {
  let parser: Parser
  var pos: Int
  let end: Int
  var parts: [StringPart] = []
  var pending: [UInt8] = []

  init(parser: Parser, range: Range<Int>) {
    self.parser = parser
    self.pos = range.lowerBound
    self.end = range.upperBound
  }

  var bytes: [UInt8] { parser.bytes }

  mutating func read() throws -> [StringPart] {
    while pos < end {
      let c = bytes[pos]
      if c == Ascii.backslash {
        try readEscape()
      } else if c == Ascii.dollar, pos + 1 < end, bytes[pos + 1] == UInt8(ascii: "(") {
        try readInterpolation()
      } else if c == Ascii.dollar, pos + 1 < end, Ascii.isWordStart(bytes[pos + 1]) {
        readVariable()
      } else {
        pending.append(c)
        pos += 1
      }
    }
    flush()
    return parts
  }

  private mutating func flush() {
    guard !pending.isEmpty else { return }
    parts.append(.text(String(decoding: pending, as: UTF8.self)))
    pending.removeAll()
  }

  private mutating func readVariable() {
    let start = pos
    pos += 1
    while pos < end && Ascii.isWordPart(bytes[pos]) { pos += 1 }
    flush()
    let name = String(decoding: bytes[(start + 1)..<pos], as: UTF8.self)
    parts.append(.expr(.variable(name, Span(start, pos))))
  }

  /// `$( pipeline )`: the code is parsed by a nested parser over the same bytes, so its
  /// spans point into the file like any other.
  private mutating func readInterpolation() throws {
    let start = pos
    let close = Lexer.endOfInterpolation(bytes, from: pos + 2, limit: end, file: parser.file) - 1
    let sub = try Parser(
      file: parser.file, bytes: bytes, range: (pos + 2)..<close, depth: parser.depth + 1)
    guard sub.depth <= Parser.maxDepth else {
      throw SyntaxErrors.nestingTooDeep(parser.file, Span(start, start + 2))
    }
    let expr = try sub.inContext(newlinesAreSpace: true) { () throws -> Expr in
      guard sub.peek().kind != .end else {
        throw SyntaxErrors.make(
          "unexpected_token", "empty interpolation", hint: "write \\$ for a literal dollar sign",
          parser.file, Span(start, close + 1))
      }
      let pipeline = try sub.parsePipeline()
      let rest = sub.peek()
      guard rest.kind == .end else { throw sub.unexpected(rest) }
      if pipeline.elements.count == 1, case .expression(let e) = pipeline.elements[0] { return e }
      return .subexpression(pipeline, Span(start, close + 1))
    }
    flush()
    parts.append(.expr(expr))
    pos = close + 1
  }

  private mutating func readEscape() throws {
    let start = pos
    guard pos + 1 < end else {
      throw SyntaxErrors.invalidEscape("\\", parser.file, Span(start, start + 1))
    }
    let c = bytes[pos + 1]
    pos += 2
    switch c {
    case UInt8(ascii: "n"): pending.append(Ascii.newline)
    case UInt8(ascii: "t"): pending.append(Ascii.tab)
    case UInt8(ascii: "r"): pending.append(Ascii.cr)
    case UInt8(ascii: "0"): pending.append(0)
    case Ascii.quote, Ascii.apostrophe, Ascii.backslash, Ascii.dollar: pending.append(c)
    case UInt8(ascii: "u"): try readUnicodeEscape(start: start)
    default:
      let length = Ascii.scalarLength(c)
      let stop = min(end, start + 1 + length)
      let shown = String(decoding: bytes[start..<stop], as: UTF8.self)
      throw SyntaxErrors.invalidEscape(shown, parser.file, Span(start, stop))
    }
  }

  /// `\u{1F600}`: one to six hex digits naming a Unicode scalar.
  private mutating func readUnicodeEscape(start: Int) throws {
    guard pos < end, bytes[pos] == UInt8(ascii: "{") else {
      throw SyntaxErrors.invalidEscape("\\u", parser.file, Span(start, pos))
    }
    var digits = 0
    var value: UInt32 = 0
    pos += 1
    while pos < end, Ascii.isHexDigit(bytes[pos]), digits < 6 {
      value = value * 16 + UInt32(Character(UnicodeScalar(bytes[pos])).hexDigitValue!)
      digits += 1
      pos += 1
    }
    guard digits > 0, pos < end, bytes[pos] == UInt8(ascii: "}"),
      let scalar = UnicodeScalar(value)
    else {
      let stop = min(end, pos + 1)
      let shown = String(decoding: bytes[start..<stop], as: UTF8.self)
      throw SyntaxErrors.invalidEscape(shown, parser.file, Span(start, stop))
    }
    pos += 1
    pending.append(contentsOf: Array(String(Character(scalar)).utf8))
  }
}
