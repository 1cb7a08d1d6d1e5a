import AstroCore
import Testing

@testable import AstroLang

/// Lexer cases: each token is shown as `kind(text)` (operators as themselves); a `+`
/// marks a token glued to the one before it.
struct LexerCase: CustomTestStringConvertible, Sendable {
  let name: String
  let source: String
  let tokens: String

  var testDescription: String { name }
}

@Suite struct LexerTests {
  static let cases: [LexerCase] = [
    .init(name: "words and variables", source: "let x = $y", tokens: "word(let) word(x) = var($y)"),
    .init(
      name: "integers", source: "42 1_000 0x1F 0b101",
      tokens: "int(42) int(1_000) int(0x1F) int(0b101)"),
    .init(name: "decimals", source: "1.5 1e3 2.5e-3", tokens: "dec(1.5) dec(1e3) dec(2.5e-3)"),
    .init(name: "range is not a decimal", source: "1..10", tokens: "int(1) +.. +int(10)"),
    .init(name: "exclusive range", source: "0..<$n", tokens: "int(0) +..< +var($n)"),
    .init(
      name: "index after a dot is whole", source: "$l.0.1", tokens: "var($l) +. +int(0) +. +int(1)"),
    .init(name: "access path", source: "$d.name?", tokens: "var($d) +. +word(name) +?"),
    .init(
      name: "long flag", source: "--dry-run --n=3", tokens: "flag(--dry-run) flag(--n) += +int(3)"),
    .init(name: "short flag", source: "-s", tokens: "- +word(s)"),
    .init(name: "negative number", source: "-3", tokens: "- +int(3)"),
    .init(
      name: "bare word material", source: "./data.csv", tokens: ". +/ +word(data) +. +word(csv)"),
    .init(
      name: "comparison operators", source: "== != <= >= =~ !~ < >", tokens: "== != <= >= =~ !~ < >"
    ),
    .init(name: "arithmetic operators", source: "+ - * / // += -=", tokens: "+ - * / // += -="),
    .init(name: "brackets", source: "([{}])", tokens: "( +[ +{ +} +] +)"),
    .init(name: "comment", source: "a # note\nb", tokens: "word(a) nl word(b)"),
    .init(name: "line continuation", source: "a \\\n b", tokens: "word(a) word(b)"),
    .init(
      name: "string with interpolation", source: #""a $(f "x") b""#, tokens: #"str("a $(f "x") b")"#
    ),
    .init(name: "raw string", source: "'a \"b\" $c'", tokens: "raw('a \"b\" $c')"),
    .init(name: "escaped quote", source: #""a\"b""#, tokens: #"str("a\"b")"#),
    .init(
      name: "non-ASCII is bare material", source: "café ✓", tokens: "word(caf) +other(é) other(✓)"),
    .init(name: "dollar without a name", source: "$ 5", tokens: "other($) int(5)"),
    .init(name: "pipe and semicolon", source: "a|b;c", tokens: "word(a) +| +word(b) +; +word(c)"),
  ]

  @Test(arguments: cases)
  func tokens(_ c: LexerCase) throws {
    #expect(try LexerTests.describe(c.source) == c.tokens)
  }

  static let errors: [(name: String, source: String, code: String)] = [
    ("unterminated string", #""abc"#, "unterminated_string"),
    ("unterminated raw string", "'abc", "unterminated_string"),
    ("unterminated interpolation", #""a $(b"#, "unterminated_string"),
    ("NUL byte", "a\u{0}b", "binary_input"),
    ("control character", "a\u{7}b", "binary_input"),
    ("NUL inside a string", "\"a\u{0}\"", "binary_input"),
  ]

  @Test(arguments: errors.map(\.name))
  func rejects(_ name: String) throws {
    let c = LexerTests.errors.first { $0.name == name }!
    let error = try #require(throws: ShellError.self) { try LexerTests.describe(c.source) }
    #expect(error.code == c.code)
    #expect(error.category == .syntax)
    #expect(error.location != nil)
  }

  @Test func deepInterpolationIsRefused() throws {
    var source = "x"
    for _ in 0..<100 { source = "\"$(\(source))\"" }
    let error = try #require(throws: ShellError.self) { try LexerTests.describe(source) }
    #expect(error.code == "nesting_too_deep")
  }

  static func describe(_ source: String) throws -> String {
    let file = SourceFile(name: "t", text: source)
    let bytes = Array(source.utf8)
    let tokens = try Lexer.tokenize(bytes, in: 0..<bytes.count, file: file)
    return tokens.dropLast().enumerated().map { index, token in
      let text = String(decoding: bytes[token.span.start..<token.span.end], as: UTF8.self)
      let glue = index > 0 && !token.spaceBefore ? "+" : ""
      return glue + show(token.kind, text)
    }.joined(separator: " ")
  }

  private static func show(_ kind: TokenKind, _ text: String) -> String {
    switch kind {
    case .word: return "word(\(text))"
    case .variable: return "var(\(text))"
    case .integer: return "int(\(text))"
    case .decimal: return "dec(\(text))"
    case .string: return "str(\(text))"
    case .rawString: return "raw(\(text))"
    case .flag: return "flag(\(text))"
    case .other: return "other(\(text))"
    case .newline: return "nl"
    case .end: return "end"
    case .punct(let p): return p.rawValue
    }
  }
}
