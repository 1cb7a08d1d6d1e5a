import AstroCore
import Testing

@testable import AstroLang

/// Parser cases: the source and its tree in the debug S-expression form
/// (`Program.debugText`); statements are separated by newlines.
struct ParserCase: CustomTestStringConvertible, Sendable {
  let name: String
  let source: String
  let tree: String

  var testDescription: String { name }
}

@Suite struct ParserTests {
  static let expressions: [ParserCase] = [
    .init(name: "precedence of * over +", source: "1 + 2 * 3", tree: "(+ 1 (* 2 3))"),
    .init(name: "left associativity", source: "10 - 4 - 3", tree: "(- (- 10 4) 3)"),
    .init(name: "parentheses group", source: "(1 + 2) * 3", tree: "(* (+ 1 2) 3)"),
    .init(
      name: "and binds tighter than or", source: "$a or $b and $c", tree: "(or $a (and $b $c))"),
    .init(name: "not applies to a comparison", source: "not $a == 1", tree: "(not (== $a 1))"),
    .init(name: "unary minus folds literals", source: "-3 * -$x", tree: "(* -3 (- $x))"),
    .init(
      name: "the smallest int is a literal", source: "-9223372036854775808 - 1",
      tree: "(- -9223372036854775808 1)"),
    .init(name: "minus before an access", source: "-5.x", tree: "(- 5.x)"),
    .init(name: "floor division and mod", source: "7 // 2 mod 3", tree: "(mod (// 7 2) 3)"),
    .init(name: "regex match", source: #"$s =~ "^a""#, tree: #"(=~ $s "^a")"#),
    .init(name: "membership", source: "$x in [1 2]", tree: "(in $x [1 2])"),
    .init(name: "not-in", source: "$x not-in $l", tree: "(not-in $x $l)"),
    .init(name: "starts-with", source: #"$s starts-with "a""#, tree: #"(starts-with $s "a")"#),
    .init(name: "range", source: "1..10", tree: "(.. 1 10)"),
    .init(
      name: "exclusive range with expression", source: "0..<($n - 1)", tree: "(..< 0 (- $n 1))"),
    .init(
      name: "access path", source: "$d.managedDomains.0.name", tree: "$d.managedDomains.0.name"),
    .init(name: "optional access", source: "$d.name?.first", tree: "$d.name?.first"),
    .init(
      name: "quoted and computed fields", source: #"$r."odd key".($i)"#, tree: #"$r.odd key.($i)"#),
    .init(name: "list with optional commas", source: "[1, 2\n 3]", tree: "[1 2 3]"),
    .init(
      name: "a glued minus starts a list item", source: "[1 -2 3 - 1 (4 -5)]",
      tree: "[1 -2 (- 3 1) (- 4 5)]"),
    .init(
      name: "record", source: #"{name: "a", "odd key": 1, list: [true null]}"#,
      tree: #"{name: "a" odd key: 1 list: [true null]}"#),
    .init(name: "empty record", source: "{}", tree: "{}"),
    .init(
      name: "closure with parameters", source: "{|a, b| $a + $b}", tree: "(closure [a b] (+ $a $b))"
    ),
    .init(name: "block", source: "{ $it * 2 }", tree: "(block (* $it 2))"),
    .init(
      name: "interpolation", source: #""hi $name, $(1 + 2)!""#,
      tree: #"(str "hi " $name ", " (+ 1 2) "!")"#),
    .init(name: "escapes", source: #""a\tb\u{41}\$x""#, tree: #""a\tbA$x""#),
    .init(name: "raw string", source: #"'a\t$x'"#, tree: #""a\\t$x""#),
    .init(name: "numbers", source: "[0x1F 1_000 1.5 1e3]", tree: "[31 1000 1.5 1000.0]"),
  ]

  static let statements: [ParserCase] = [
    .init(name: "let", source: "let x = 1 + 2", tree: "(let x (+ 1 2))"),
    .init(name: "assignment", source: "$x = $x + 1", tree: "(= $x (+ $x 1))"),
    .init(name: "compound assignment to a field", source: "$r.n += 1", tree: "(+= $r.n 1)"),
    .init(
      name: "pipeline", source: "[1 2] | each { $it } | length",
      tree: "(| [1 2] (each (block $it)) (length))"),
    .init(name: "pipeline continues after a trailing pipe", source: "a |\n b", tree: "(| (a) (b))"),
    .init(name: "pipeline continues on a leading pipe", source: "a\n| b", tree: "(| (a) (b))"),
    .init(
      name: "command arguments", source: "open data.csv --format json -v",
      tree: #"(open "data.csv" --format "json" -v)"#),
    .init(name: "flag with equals", source: "f --name=a.example", tree: #"(f --name="a.example")"#),
    .init(name: "short flags", source: "f -abc", tree: "(f -a -b -c)"),
    .init(
      name: "arguments are not expressions", source: "print $x + 1", tree: #"(print $x "+" 1)"#),
    .init(name: "subexpression argument", source: "print ($x + 1)", tree: "(print (+ $x 1))"),
    .init(
      name: "bare words with digits", source: "get d.domains.0.name 2024-01-01",
      tree: #"(get "d.domains.0.name" "2024-01-01")"#),
    .init(name: "negative number argument", source: "f -3 -1.5", tree: "(f -3 -1.5)"),
    .init(name: "range argument", source: "f 1..$n", tree: "(f (.. 1 $n))"),
    .init(name: "literal arguments", source: "f true null 'x'", tree: #"(f true null "x")"#),
    .init(
      name: "subexpression pipeline", source: "print (ls | length)",
      tree: "(print (sub (| (ls) (length))))"),
    .init(
      name: "where row condition", source: #"where status == "PENDING""#,
      tree: #"(where (block (== $it.status "PENDING")))"#),
    .init(
      name: "where with nested field", source: "where owner.name != $n and not archived",
      tree: "(where (block (and (!= $it.owner.name $n) (not $it.archived))))"),
    .init(
      name: "where with a closure", source: "where {|d| $d.n > 1}",
      tree: "(where (closure [d] (> $d.n 1)))"),
    .init(name: "where with a variable", source: "where $test", tree: "(where $test)"),
    .init(
      name: "if else if else", source: "if $a { 1 } else if $b { 2 } else { 3 }",
      tree: "(if $a (block 1) (if $b (block 2) (block 3)))"),
    .init(
      name: "else on the next line", source: "if $a { 1 }\nelse { 2 }",
      tree: "(if $a (block 1) (block 2))"),
    .init(
      name: "if with a record comparison in parentheses", source: "if ($r == {a: 1}) { 1 }",
      tree: "(if (== $r {a: 1}) (block 1))"),
    .init(
      name: "let with if", source: "let x = if $c { 1 } else { 2 }",
      tree: "(let x (if $c (block 1) (block 2)))"),
    .init(
      name: "for", source: "for x in 1..3 { print $x }", tree: "(for x (.. 1 3) (block (print $x)))"
    ),
    .init(
      name: "while with break and continue", source: "while true { break; continue }",
      tree: "(while true (block (break) (continue)))"),
    .init(
      name: "try catch", source: "try { f } catch {|e| $e.message }",
      tree: "(try (block (f)) (closure [e] $e.message))"),
    .init(name: "return", source: "def f [] { return 1 }", tree: "(def f [] (block (return 1)))"),
    .init(
      name: "def parameters",
      source: "def f [a, b: int, c?: string, d = 5, --flag (-f), --opt: string, ...rest] { }",
      tree: "(def f [a b:int c?:string d?=5 --flag(-f) --opt:string ...rest] (block))"),
    .init(name: "statements separated by semicolons", source: "a; b\nc", tree: "(a)\n(b)\n(c)"),
    .init(name: "comments", source: "# top\na # trailing\n", tree: "(a)"),
    .init(
      name: "multi-line record argument", source: "f {\n  a: 1,\n  b: [2,\n 3],\n}",
      tree: "(f {a: 1 b: [2 3]})"),
    .init(
      name: "closure body on several lines", source: "each {|x|\n  let y = $x\n  $y\n}",
      tree: "(each (closure [x] (let y $x) $y))"),
  ]

  @Test(arguments: expressions + statements)
  func parses(_ c: ParserCase) throws {
    let program = try Parser.parse(SourceFile(name: "t", text: c.source))
    #expect(program.debugText == c.tree)
  }
}

/// Sources the parser must refuse, with the start of the message and where it points.
struct SyntaxErrorCase: CustomTestStringConvertible, Sendable {
  let name: String
  let source: String
  let message: String
  let line: Int
  let column: Int

  var testDescription: String { name }
}

@Suite struct ParserErrorTests {
  static let cases: [SyntaxErrorCase] = [
    .init(
      name: "unclosed bracket", source: "[1, 2", message: "this '[' is never closed", line: 1,
      column: 1),
    .init(
      name: "unclosed block", source: "if true {\n  1\n", message: "this '{' is never closed",
      line: 1, column: 9),
    .init(
      name: "unclosed list before the next line", source: "let x = [1, 2\nprint $x\n",
      message: "this '[' is never closed", line: 1, column: 9),
    .init(
      name: "unclosed record before the next line", source: "let r = {a: 1\nprint $r\n",
      message: "this '{' is never closed", line: 1, column: 9),
    .init(
      name: "a bad item of a closed list", source: "let x = [1,\n  foo\n]",
      message: "unexpected word 'foo' in an expression", line: 2, column: 3),
    .init(
      name: "stray closing brace", source: "1 }", message: "unexpected '}'", line: 1, column: 3),
    .init(
      name: "bare word in an expression", source: "let x = 1 + foo",
      message: "unexpected word 'foo' in an expression", line: 1, column: 13),
    .init(
      name: "missing operand", source: "1 +",
      message: "expected a value, found the end of the input", line: 1, column: 4),
    .init(
      name: "let without a name", source: "let = 1",
      message: "expected a variable name after 'let'", line: 1, column: 5),
    .init(
      name: "let with a dollar", source: "let $x = 1",
      message: "a declared name is written without '$'", line: 1, column: 5),
    .init(
      name: "unknown escape", source: #""a\qb""#, message: "unknown escape '\\q' in a string",
      line: 1, column: 3),
    .init(
      name: "bad unicode escape", source: #""\u{110000}""#, message: "unknown escape", line: 1,
      column: 2),
    .init(
      name: "integer too large", source: "99999999999999999999",
      message: "the number '99999999999999999999' is too large", line: 1, column: 1),
    .init(
      name: "integer too small", source: "let n = -9223372036854775809",
      message: "the number '-9223372036854775809' is too small", line: 1, column: 9),
    .init(
      name: "float too large", source: "print 1.5e400",
      message: "the number '1.5e400' is too large for a float", line: 1, column: 7),
    .init(
      name: "invalid hex", source: "0xZZ", message: "'0x' is not a valid number", line: 1, column: 1
    ),
    .init(
      name: "duplicate record field", source: "{a: 1, a: 2}",
      message: "the field 'a' appears twice", line: 1, column: 8),
    .init(
      name: "unknown type", source: "def f [a: integer] {}", message: "unknown type 'integer'",
      line: 1, column: 11),
    .init(
      name: "for without in", source: "for x [1] {}", message: "expected 'in' after 'for x'",
      line: 1, column: 7),
    .init(
      name: "if without a block", source: "if true 1",
      message: "expected '{' after the condition of 'if'", line: 1, column: 9),
    .init(
      name: "glued argument", source: "print $a-b", message: "unexpected '-'", line: 1, column: 9),
    .init(
      name: "empty interpolation", source: #""$()""#, message: "empty interpolation", line: 1,
      column: 2),
    .init(
      name: "second line", source: "let a = 1\nlet b = (2 +)",
      message: "expected a value, found ')'", line: 2, column: 13),
  ]

  @Test(arguments: cases)
  func rejects(_ c: SyntaxErrorCase) throws {
    let file = SourceFile(name: "t", text: c.source)
    let error = try #require(throws: ShellError.self) { try Parser.parse(file) }
    #expect(error.category == .syntax)
    #expect(error.message.hasPrefix(c.message), "\(error.message)")
    let location = try #require(error.location)
    let position = location.file.lineAndColumn(of: location.span.start)
    #expect(position.line == c.line && position.column == c.column)
  }

  static let hints: [(source: String, hint: String)] = [
    ("if $a && $b { 1 }", "write 'and' for a logical and"),
    ("$a || $b", "write 'or' for a logical or"),
    ("!$a", "write 'not' to negate"),
    ("if $a = 1 { 1 }", "compare with '=='; '=' only assigns, at the start of a statement"),
    (
      "if $l | length { 1 }",
      "a pipeline in a condition goes in parentheses: if ($list | length) > 0 { … }"
    ),
    ("$f 1 2", "to call the closure in $f, write: do $f …"),
    ("1e400", "floats range up to about ±1.8e308"),
    ("-99999999999999999999", "integers range from -9223372036854775808 to 9223372036854775807"),
    (
      "for x in {a: 1} { }",
      "in the head of 'if', 'while' or 'for', write a record or closure in parentheses: ({…})"
    ),
    (
      "let x = 1 + foo",
      "quote a string (\"foo\"), write $foo for a variable, "
        + "or call a command in parentheses: (foo …)"
    ),
  ]

  @Test(arguments: hints.indices)
  func hintsAtTheNextStep(_ index: Int) throws {
    let c = ParserErrorTests.hints[index]
    let error = try #require(throws: ShellError.self) {
      try Parser.parse(SourceFile(name: "t", text: c.source))
    }
    #expect(error.hint == c.hint)
  }

  @Test func deepNestingIsAnErrorNotACrash() throws {
    for opener in ["(", "[", "{", "-", "not "] {
      let source = String(repeating: opener, count: 5000) + "1"
      let error = try #require(throws: ShellError.self) {
        try Parser.parse(SourceFile(name: "t", text: source))
      }
      #expect(error.code == "nesting_too_deep" || error.code == "unclosed_bracket")
    }
  }

  @Test func longOperatorChainIsAnErrorNotACrash() throws {
    let source = Array(repeating: "1", count: 10_000).joined(separator: " + ")
    let error = try #require(throws: ShellError.self) {
      try Parser.parse(SourceFile(name: "t", text: source))
    }
    #expect(error.code == "nesting_too_deep")
  }
}

/// `isComplete` answers whether the REPL should ask for another line.
@Suite struct CompletenessTests {
  static let cases: [(String, Bool)] = [
    ("1 + 2", true), ("", true), ("let x = [1,", false), ("if true {", false),
    ("print (1", false), ("\"open string", false), ("'raw", false), ("ls |", false),
    ("ls | # comment", false), ("{a: 1}", true), ("1 }", true), ("print a \\", false),
    ("\"$(1 + \"", false), ("# just a comment", true), ("f {\n  a: 1\n}", true),
  ]

  @Test(arguments: cases.indices)
  func complete(_ index: Int) {
    let (text, expected) = CompletenessTests.cases[index]
    #expect(Parser.isComplete(text) == expected, "\(text)")
  }
}
