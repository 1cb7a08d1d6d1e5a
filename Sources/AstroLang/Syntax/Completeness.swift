import AstroCore

extension Parser {
  /// Whether `text` is a whole input for the REPL, or needs another line: it does when a
  /// bracket, brace, parenthesis or string is still open, or the last token is a `|` or a
  /// line-continuing backslash.
  ///
  /// Other errors count as complete, so that running the input reports them.
  static func isComplete(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    let file = SourceFile(name: "<input>", text: text)
    let tokens: [Token]
    do {
      tokens = try Lexer.tokenize(bytes, in: 0..<bytes.count, file: file)
    } catch let error as ShellError {
      return error.code != "unterminated_string"
    } catch {
      return true
    }
    var open: [Punct] = []
    var last: Token?
    for t in tokens {
      if case .punct(let p) = t.kind {
        switch p {
        case .lparen, .lbracket, .lbrace:
          open.append(p)
        case .rparen, .rbracket, .rbrace:
          guard let top = open.popLast(), closes(p, top) else { return true }
        default:
          break
        }
      }
      if t.kind != .newline && t.kind != .end { last = t }
    }
    if !open.isEmpty || last?.isPunct(.pipe) == true { return false }
    guard let last, last.kind == .other, bytes[last.span.start] == Ascii.backslash else {
      return true
    }
    return !onlySpaceAfter(last.span.end, in: bytes)
  }

  private static func closes(_ close: Punct, _ open: Punct) -> Bool {
    switch close {
    case .rparen: return open == .lparen
    case .rbracket: return open == .lbracket
    default: return open == .lbrace
    }
  }

  /// Whether only blanks and line breaks follow `offset`: a backslash there asks for the
  /// next line.
  private static func onlySpaceAfter(_ offset: Int, in bytes: [UInt8]) -> Bool {
    bytes[offset...].allSatisfy {
      $0 == Ascii.space || $0 == Ascii.tab || $0 == Ascii.cr || $0 == Ascii.newline
    }
  }
}
