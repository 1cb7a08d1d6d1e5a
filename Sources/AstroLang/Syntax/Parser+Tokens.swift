import AstroCore

/// The handful of token helpers every rule uses.
extension Parser {
  /// The current token; inside brackets line breaks are skipped as space.
  func peek() -> Token {
    if newlinesAreSpace {
      while tokens[pos].kind == .newline { pos += 1 }
    }
    return tokens[pos]
  }

  /// The token after the current one, with the same treatment of line breaks.
  func peekNext() -> Token {
    _ = peek()
    var i = pos + 1
    if newlinesAreSpace {
      while i < tokens.count - 1 && tokens[i].kind == .newline { i += 1 }
    }
    return tokens[min(i, tokens.count - 1)]
  }

  /// Consumes and returns the current token; the end token is never consumed.
  @discardableResult
  func advance() -> Token {
    let t = peek()
    if t.kind != .end { pos += 1 }
    return t
  }

  func at(_ p: Punct) -> Bool { peek().isPunct(p) }

  func atWord(_ word: String) -> Bool {
    let t = peek()
    return t.kind == .word && text(t) == word
  }

  /// Whether the current token follows the previous one with no space between.
  var atGlued: Bool { !peek().spaceBefore }

  func text(_ t: Token) -> String { text(t.span) }

  func text(_ span: Span) -> String {
    String(decoding: bytes[span.start..<span.end], as: UTF8.self)
  }

  func skipNewlines() {
    while tokens[pos].kind == .newline { pos += 1 }
  }

  func skipSeparators() {
    while tokens[pos].kind == .newline || tokens[pos].isPunct(.semicolon) { pos += 1 }
  }

  /// Consumes `p` or fails, naming the construct that needs it.
  @discardableResult
  func expect(_ p: Punct, _ context: String) throws -> Token {
    let t = peek()
    guard t.isPunct(p) else { throw expected("'\(p.rawValue)' \(context)", t) }
    return advance()
  }

  /// Consumes the bracket closing `open`, or reports the unclosed one.
  @discardableResult
  func expectClosing(_ p: Punct, opening open: Token) throws -> Token {
    let t = peek()
    if t.isPunct(p) { return advance() }
    if t.kind == .end, case .punct(let o) = open.kind {
      throw SyntaxErrors.unclosed(o, file, open.span)
    }
    throw expected("'\(p.rawValue)'", t)
  }

  /// Runs `body` one nesting level deeper, refusing to go past `maxDepth`.
  func nested<T>(_ span: Span, _ body: () throws -> T) throws -> T {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Parser.maxDepth else { throw SyntaxErrors.nestingTooDeep(file, span) }
    return try body()
  }

  /// Runs `body` inside the bracket `open`: one level deeper, and remembered so that
  /// running out of input inside it reports the bracket that was never closed.
  func bracketed<T>(_ open: Token, _ body: () throws -> T) throws -> T {
    openBrackets.append(open)
    defer { openBrackets.removeLast() }
    do {
      return try nested(open.span, body)
    } catch let error as ShellError
      where error.category == .syntax && error.code != "unclosed_bracket" && !isClosed(open)
    {
      // Line breaks are space inside brackets, so after a forgotten `]` the next line is
      // read as one more item and fails there; the bracket is the mistake to report.
      guard case .punct(let p) = open.kind else { throw error }
      throw SyntaxErrors.unclosed(p, file, open.span)
    }
  }

  /// Whether a bracket has its closing partner somewhere after it.
  private func isClosed(_ open: Token) -> Bool {
    guard case .punct(let p) = open.kind,
      let start = tokens.firstIndex(where: { $0.span == open.span })
    else { return true }
    let close: Punct =
      switch p {
      case .lparen: .rparen
      case .lbracket: .rbracket
      default: .rbrace
      }
    var depth = 0
    for token in tokens[start...] {
      if token.isPunct(p) { depth += 1 } else if token.isPunct(close) { depth -= 1 }
      if depth == 0 { return true }
    }
    return false
  }

  /// Runs `body` with the parser's context flags changed, restoring them after.
  func inContext<T>(
    newlinesAreSpace spaced: Bool? = nil, braceEndsExpression brace: Bool? = nil,
    rowCondition row: Bool? = nil, _ body: () throws -> T
  ) rethrows -> T {
    let saved = (newlinesAreSpace, braceEndsExpression, rowCondition, listItems)
    defer { (newlinesAreSpace, braceEndsExpression, rowCondition, listItems) = saved }
    listItems = false
    if let spaced { newlinesAreSpace = spaced }
    if let brace { braceEndsExpression = brace }
    if let row { rowCondition = row }
    return try body()
  }

  /// How a token is named in messages.
  func describe(_ t: Token) -> String {
    switch t.kind {
    case .end: return "the end of the input"
    case .newline: return "the end of the line"
    case .string, .rawString: return "the string \(text(t))"
    default: return "'\(text(t))'"
    }
  }

  func unexpected(_ t: Token, hint: String? = nil) -> ShellError {
    if let unclosed = unclosedAtEnd(t) { return unclosed }
    var hint = hint ?? habitHint(t)
    if hint == nil, t.isPunct(.rbrace) || t.isPunct(.rparen) || t.isPunct(.rbracket) {
      hint = "there is no matching opening bracket"
    }
    return SyntaxErrors.unexpected(describe(t), file, t.span, hint: hint)
  }

  func expected(_ what: String, _ t: Token, hint: String? = nil) -> ShellError {
    if let unclosed = unclosedAtEnd(t) { return unclosed }
    let hint = hint ?? habitHint(t)
    return SyntaxErrors.expected(what, found: describe(t), file, t.span, hint: hint)
  }

  /// Hints for spellings from other languages: `&&`, `||`, `!`, `=` in a comparison.
  private func habitHint(_ t: Token) -> String? {
    switch t.kind {
    case .other where text(t) == "&": return "write 'and' for a logical and"
    case .punct(.pipe) where pos > 0 && tokens[pos - 1].isPunct(.pipe) && !t.spaceBefore:
      return "write 'or' for a logical or"
    case .punct(.bang): return "write 'not' to negate"
    case .punct(.assign): return "compare with '=='; '=' only assigns, at the start of a statement"
    default: return nil
    }
  }

  /// At the end of the input inside brackets, the real problem is the open bracket.
  private func unclosedAtEnd(_ t: Token) -> ShellError? {
    guard t.kind == .end, let open = openBrackets.last, case .punct(let p) = open.kind else {
      return nil
    }
    return SyntaxErrors.unclosed(p, file, open.span)
  }
}
