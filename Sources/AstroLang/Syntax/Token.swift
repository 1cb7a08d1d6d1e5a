import AstroCore

/// Operators and delimiters, spelled as in the source.
enum Punct: String, Sendable, CaseIterable {
  case lparen = "("
  case rparen = ")"
  case lbracket = "["
  case rbracket = "]"
  case lbrace = "{"
  case rbrace = "}"
  case pipe = "|"
  case semicolon = ";"
  case comma = ","
  case colon = ":"
  case dot = "."
  case dotDot = ".."
  case dotDotLess = "..<"
  case question = "?"
  case assign = "="
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case match = "=~"
  case notMatch = "!~"
  case plus = "+"
  case minus = "-"
  case star = "*"
  case slash = "/"
  case slashSlash = "//"
  case plusAssign = "+="
  case minusAssign = "-="
  case starAssign = "*="
  case slashAssign = "/="
  case bang = "!"
}

/// What a token is; its text is read back from the source through its span.
enum TokenKind: Equatable, Sendable {
  /// Letters, digits and underscores, not starting with a digit; keywords are words too.
  case word
  /// `$name`; the span covers the dollar sign.
  case variable
  case integer
  case decimal
  /// A `"double-quoted"` string; the span covers the quotes.
  case string
  /// A `'single-quoted'` raw string; the span covers the quotes.
  case rawString
  /// `--name`; the span covers the dashes.
  case flag
  case punct(Punct)
  /// Any other character: material for bare words such as `~/data` or `café`.
  case other
  case newline
  case end
}

/// One token: its kind, where it is, and whether blank space separates it from the
/// previous token. Command arguments such as `a.example` or `./data.csv` are runs of
/// tokens with no space between them, so the parser needs to know.
struct Token: Sendable {
  var kind: TokenKind
  var span: Span
  var spaceBefore: Bool

  func isPunct(_ p: Punct) -> Bool { kind == .punct(p) }

  /// Whether the token ends a statement or a command's argument list.
  var endsArguments: Bool {
    switch kind {
    case .newline, .end: return true
    case .punct(let p):
      return p == .pipe || p == .semicolon || p == .rparen || p == .rbracket
        || p == .rbrace
    default: return false
    }
  }
}
