import AstroCore

/// Splits source bytes into tokens.
///
/// The lexer works on UTF-8 bytes and knows nothing of statements; it records for each
/// token whether space came before it, so the parser can rebuild bare words. Strings are
/// kept whole (quotes and interpolations included) and decoded by the parser.
struct Lexer {
  /// Interpolations nested deeper than this inside strings are refused.
  static let maxStringNesting = 64

  private let file: SourceFile
  private let bytes: [UInt8]
  private var pos: Int
  private let end: Int
  private var tokens: [Token] = []
  private var spaceBefore = true

  private init(file: SourceFile, bytes: [UInt8], range: Range<Int>) {
    self.file = file
    self.bytes = bytes
    self.pos = range.lowerBound
    self.end = range.upperBound
  }

  /// The tokens of `bytes[range]`, ending with an `.end` token.
  static func tokenize(_ bytes: [UInt8], in range: Range<Int>, file: SourceFile) throws
    -> [Token]
  {
    var lexer = Lexer(file: file, bytes: bytes, range: range)
    try lexer.run()
    return lexer.tokens
  }

  /// The offset just past the `)` that closes an interpolation whose code starts at
  /// `start`; the string around it has already been checked by `tokenize`.
  static func endOfInterpolation(
    _ bytes: [UInt8], from start: Int, limit: Int, file: SourceFile
  ) -> Int {
    var lexer = Lexer(file: file, bytes: bytes, range: start..<limit)
    do { try lexer.scanInterpolation(depth: 1, open: start) } catch { return limit }
    return lexer.pos
  }

  private mutating func run() throws {
    while pos < end {
      let c = bytes[pos]
      switch c {
      case Ascii.space, Ascii.tab, Ascii.cr:
        pos += 1
        spaceBefore = true
      case Ascii.newline:
        emit(.newline, from: pos, to: pos + 1)
        spaceBefore = true
      case Ascii.hash:
        while pos < end && bytes[pos] != Ascii.newline { pos += 1 }
        spaceBefore = true
      case Ascii.backslash where byte(at: pos + 1) == Ascii.newline:
        pos += 2
        spaceBefore = true
      default:
        try lexToken(c)
      }
    }
    tokens.append(Token(kind: .end, span: Span(end, end), spaceBefore: true))
  }

  private mutating func lexToken(_ c: UInt8) throws {
    let start = pos
    if Ascii.isWordStart(c) {
      pos += 1
      while pos < end && Ascii.isWordPart(bytes[pos]) { pos += 1 }
      emit(.word, from: start, to: pos)
    } else if Ascii.isDigit(c) {
      try lexNumber()
    } else if c == Ascii.dollar, let next = byte(at: pos + 1), Ascii.isWordStart(next) {
      pos += 2
      while pos < end && Ascii.isWordPart(bytes[pos]) { pos += 1 }
      emit(.variable, from: start, to: pos)
    } else if c == Ascii.quote {
      try scanDoubleString(depth: 0)
      emit(.string, from: start, to: pos)
    } else if c == Ascii.apostrophe {
      try scanRawString()
      emit(.rawString, from: start, to: pos)
    } else if c == Ascii.minus, byte(at: pos + 1) == Ascii.minus,
      let next = byte(at: pos + 2), Ascii.isLetter(next)
    {
      pos += 2
      while pos < end && (Ascii.isWordPart(bytes[pos]) || bytes[pos] == Ascii.minus) { pos += 1 }
      emit(.flag, from: start, to: pos)
    } else if let punct = matchPunct() {
      pos += punct.rawValue.utf8.count
      emit(.punct(punct), from: start, to: pos)
    } else if c == 0 {
      throw SyntaxErrors.nulByte(file, at: pos)
    } else if c < 0x20 || c == 0x7F {
      throw SyntaxErrors.controlCharacter(c, file, at: pos)
    } else {
      pos += Ascii.scalarLength(c)
      emit(.other, from: start, to: min(pos, end))
      pos = min(pos, end)
    }
  }

  /// The longest operator at `pos`, if any.
  private func matchPunct() -> Punct? {
    let c = bytes[pos]
    let n1 = byte(at: pos + 1)
    func pick(_ two: [(UInt8, Punct)], _ one: Punct) -> Punct {
      for (b, p) in two where n1 == b { return p }
      return one
    }
    switch c {
    case UInt8(ascii: "("): return .lparen
    case UInt8(ascii: ")"): return .rparen
    case UInt8(ascii: "["): return .lbracket
    case UInt8(ascii: "]"): return .rbracket
    case UInt8(ascii: "{"): return .lbrace
    case UInt8(ascii: "}"): return .rbrace
    case UInt8(ascii: "|"): return .pipe
    case UInt8(ascii: ";"): return .semicolon
    case UInt8(ascii: ","): return .comma
    case UInt8(ascii: ":"): return .colon
    case UInt8(ascii: "?"): return .question
    case UInt8(ascii: "."):
      guard n1 == Ascii.dot else { return .dot }
      return byte(at: pos + 2) == UInt8(ascii: "<") ? .dotDotLess : .dotDot
    case UInt8(ascii: "="): return pick([(Ascii.equals, .equal), (Ascii.tilde, .match)], .assign)
    case UInt8(ascii: "!"):
      return pick([(Ascii.equals, .notEqual), (Ascii.tilde, .notMatch)], .bang)
    case UInt8(ascii: "<"): return pick([(Ascii.equals, .lessEqual)], .less)
    case UInt8(ascii: ">"): return pick([(Ascii.equals, .greaterEqual)], .greater)
    case UInt8(ascii: "+"): return pick([(Ascii.equals, .plusAssign)], .plus)
    case UInt8(ascii: "-"): return pick([(Ascii.equals, .minusAssign)], .minus)
    case UInt8(ascii: "*"): return pick([(Ascii.equals, .starAssign)], .star)
    case UInt8(ascii: "/"):
      return pick([(UInt8(ascii: "/"), .slashSlash), (Ascii.equals, .slashAssign)], .slash)
    default: return nil
    }
  }

  private mutating func emit(_ kind: TokenKind, from start: Int, to stop: Int) {
    tokens.append(Token(kind: kind, span: Span(start, stop), spaceBefore: spaceBefore))
    spaceBefore = false
    pos = stop
  }

  private func byte(at index: Int) -> UInt8? { index < end ? bytes[index] : nil }
}

// MARK: - Numbers and strings

extension Lexer {
  /// Digits right after an access dot (`$list.0.1`) are always a whole index, never `0.1`.
  private var afterAccessDot: Bool {
    guard !spaceBefore, let last = tokens.last else { return false }
    return last.isPunct(.dot)
  }

  private mutating func lexNumber() throws {
    let start = pos
    if bytes[pos] == Ascii.zero, let r = byte(at: pos + 1), Ascii.isRadixMark(r) {
      pos += 2
      while pos < end && (Ascii.isHexDigit(bytes[pos]) || bytes[pos] == Ascii.underscore) {
        pos += 1
      }
      emit(.integer, from: start, to: pos)
      return
    }
    skipDigits()
    var kind = TokenKind.integer
    if !afterAccessDot {
      if byte(at: pos) == Ascii.dot, let d = byte(at: pos + 1), Ascii.isDigit(d) {
        pos += 1
        skipDigits()
        kind = .decimal
      }
      if let e = byte(at: pos), e | 0x20 == UInt8(ascii: "e") {
        var digitAt = pos + 1
        if let sign = byte(at: digitAt), sign == Ascii.minus || sign == UInt8(ascii: "+") {
          digitAt += 1
        }
        if let d = byte(at: digitAt), Ascii.isDigit(d) {
          pos = digitAt
          skipDigits()
          kind = .decimal
        }
      }
    }
    emit(kind, from: start, to: pos)
  }

  private mutating func skipDigits() {
    while pos < end && (Ascii.isDigit(bytes[pos]) || bytes[pos] == Ascii.underscore) { pos += 1 }
  }

  /// Moves past a double-quoted string, including `$( … )` interpolations, which may
  /// themselves hold strings.
  private mutating func scanDoubleString(depth: Int) throws {
    let open = pos
    guard depth <= Lexer.maxStringNesting else {
      throw SyntaxErrors.nestingTooDeep(file, Span(open, open + 1))
    }
    pos += 1
    while pos < end {
      switch bytes[pos] {
      case Ascii.quote:
        pos += 1
        return
      case Ascii.backslash:
        pos += 2
      case Ascii.dollar where byte(at: pos + 1) == UInt8(ascii: "("):
        pos += 2
        try scanInterpolation(depth: depth + 1, open: open)
      case 0:
        throw SyntaxErrors.nulByte(file, at: pos)
      default:
        pos += 1
      }
    }
    throw SyntaxErrors.unterminatedString(file, Span(open, open + 1))
  }

  /// Moves past the code of a `$( … )` interpolation, up to its closing parenthesis.
  fileprivate mutating func scanInterpolation(depth: Int, open: Int) throws {
    var parens = 1
    while pos < end {
      switch bytes[pos] {
      case UInt8(ascii: "("):
        parens += 1
        pos += 1
      case UInt8(ascii: ")"):
        parens -= 1
        pos += 1
        if parens == 0 { return }
      case Ascii.quote:
        try scanDoubleString(depth: depth)
      case Ascii.apostrophe:
        try scanRawString()
      default:
        pos += 1
      }
    }
    throw SyntaxErrors.unterminatedString(file, Span(open, open + 1))
  }

  private mutating func scanRawString() throws {
    let open = pos
    pos += 1
    while pos < end {
      if bytes[pos] == Ascii.apostrophe {
        pos += 1
        return
      }
      if bytes[pos] == 0 { throw SyntaxErrors.nulByte(file, at: pos) }
      pos += 1
    }
    throw SyntaxErrors.unterminatedString(file, Span(open, open + 1))
  }
}

/// Byte classes of the ASCII range, for the lexer and the parser.
enum Ascii {
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let cr = UInt8(ascii: "\r")
  static let newline = UInt8(ascii: "\n")
  static let hash = UInt8(ascii: "#")
  static let backslash = UInt8(ascii: "\\")
  static let dollar = UInt8(ascii: "$")
  static let quote = UInt8(ascii: "\"")
  static let apostrophe = UInt8(ascii: "'")
  static let minus = UInt8(ascii: "-")
  static let dot = UInt8(ascii: ".")
  static let equals = UInt8(ascii: "=")
  static let tilde = UInt8(ascii: "~")
  static let zero = UInt8(ascii: "0")
  static let underscore = UInt8(ascii: "_")

  static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
  static func isWordStart(_ c: UInt8) -> Bool { isLetter(c) || c == underscore }
  static func isWordPart(_ c: UInt8) -> Bool { isWordStart(c) || isDigit(c) }
  static func isHexDigit(_ c: UInt8) -> Bool {
    isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)
  }
  /// The value of a hex digit (which covers the other radixes), or nil.
  static func digitValue(_ c: UInt8) -> Int? {
    if isDigit(c) { return Int(c - 0x30) }
    let lower = c | 0x20
    if lower >= 0x61 && lower <= 0x66 { return Int(lower - 0x61 + 10) }
    return nil
  }

  static func isRadixMark(_ c: UInt8) -> Bool {
    let lower = c | 0x20
    return lower == UInt8(ascii: "x") || lower == UInt8(ascii: "o") || lower == UInt8(ascii: "b")
  }

  /// The byte length of the UTF-8 sequence a leading byte starts.
  static func scalarLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xC0...0xDF: return 2
    case 0xE0...0xEF: return 3
    case 0xF0...0xF7: return 4
    default: return 1
    }
  }
}
