import AstroCore
import Testing

@testable import AstroLang

/// Errors as the user sees them: `Diagnostic.render` of what a snippet raises.
struct RenderedErrorCase: CustomTestStringConvertible, Sendable {
  let name: String
  let code: String
  let rendered: String

  var testDescription: String { name }
}

@Suite struct EvalErrorTests {
  static let cases: [RenderedErrorCase] = [
    .init(
      name: "unknown command", code: "let x = lenght",
      rendered: """
        error: unknown command 'lenght'
         --> test.astro:1:9
          |
        1 | let x = lenght
          |         ^^^^^^
          = hint: did you mean 'length'?

        """),
    .init(
      name: "unknown variable", code: "let count = 1\nprint $cont",
      rendered: """
        error: unknown variable '$cont'
         --> test.astro:2:7
          |
        2 | print $cont
          |       ^^^^^
          = hint: did you mean 'count'?

        """),
    .init(
      name: "unknown flag", code: "echo --cuont 3",
      rendered: """
        error: 'echo' has no flag '--cuont'
         --> test.astro:1:6
          |
        1 | echo --cuont 3
          |      ^^^^^^^
          = hint: did you mean '--count'?

        """),
    .init(
      name: "unknown field", code: "let d = {name: \"a\"}\n$d.nme",
      rendered: """
        error: the record has no field 'nme'
         --> test.astro:2:3
          |
        2 | $d.nme
          |   ^^^^
          = hint: did you mean 'name'?

        """),
    .init(
      name: "float overflow", code: "let big = 1e300\n$big * $big",
      rendered: """
        error: the result is too large for a float
         --> test.astro:2:1
          |
        2 | $big * $big
          | ^^^^^^^^^^^
          = hint: floats range up to about ±1.8e308

        """),
    .init(
      name: "negative string repetition", code: "let n = -2\n\"ab\" * $n",
      rendered: """
        error: the count of a string repeated with '*' must be ≥ 0, not -2
         --> test.astro:2:1
          |
        2 | "ab" * $n
          | ^^^^^^^^^
          = hint: use a count of 0 or more; "ab" * 0 is ""

        """),
    .init(
      name: "type error names the type found", code: "let n = 5\n$n + \"x\"",
      rendered: """
        error: cannot apply '+' to int and string
         --> test.astro:2:1
          |
        2 | $n + "x"
          | ^^^^^^^^
          = hint: to build text, use interpolation: "$(…)…"

        """),
    .init(
      name: "closure assigning an outer variable", code: "let total = 0\n[1] | each { $total = 1 }",
      rendered: """
        error: a closure cannot assign '$total', which is declared outside it
         --> test.astro:2:14
          |
        2 | [1] | each { $total = 1 }
          |              ^^^^^^
          = hint: closures only read outer variables; return values with 'each' or combine them with 'reduce', or use a 'for' loop, whose body may assign

        """),
    .init(
      name: "error raised by a builtin points at the call",
      code: "[1] | each {|x|\n  fail \"no\"\n}",
      rendered: """
        error: no
         --> test.astro:2:3
          |
        2 |   fail "no"
          |   ^^^^^^^^^
          = hint: none

        """),
    .init(
      name: "syntax error", code: "let x = (1 +\n",
      rendered: """
        error: this '(' is never closed
         --> test.astro:1:9
          |
        1 | let x = (1 +
          |         ^
          = hint: add ')'

        """),
    .init(
      name: "deep recursion", code: "def f [] { f }\nf",
      rendered: """
        error: recursion too deep
         --> test.astro:1:12
          |
        1 | def f [] { f }
          |            ^
          = hint: calls nest at most 1000 levels; is a def calling itself without end?

        """),
    .init(
      name: "division by zero", code: "let z = 0\n10 / $z",
      rendered: """
        error: division by zero
         --> test.astro:2:1
          |
        2 | 10 / $z
          | ^^^^^^^

        """),
  ]

  @Test(arguments: cases)
  func renders(_ c: RenderedErrorCase) {
    let expected = c.rendered.replacingOccurrences(of: "  = hint: none\n", with: "")
    #expect(EvalHarness.run(c.code).text == expected)
  }

  @Test func missingFieldHints() {
    #expect(EvalHarness.run("{name: 1}.nme").error?.hint == "did you mean 'name'?")
    let far = EvalHarness.run("{alpha: 1, beta: 2}.zzzzz").error
    #expect(
      far?.hint == "its fields are: alpha, beta; write '.zzzzz?' to get null when it is missing")
    #expect(EvalHarness.run("{}.x").error?.hint?.hasPrefix("the record is empty") == true)
  }

  @Test func categoriesDecideExitCodes() {
    #expect(EvalHarness.run("let x = (").error?.category == .syntax)
    #expect(EvalHarness.run("nope").error?.category == .syntax)
    #expect(EvalHarness.run("1 / 0").error?.category == .runtime)
    #expect(EvalHarness.run("error \"x\"").error?.category.exitCode == 1)
  }

  @Test func invalidUTF8IsRefused() throws {
    let bytes: [UInt8] = Array("print 1\nprint ".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
    let error = try #require(throws: ShellError.self) {
      try Interpreter.source(named: "bad.astro", bytes: bytes)
    }
    #expect(error.code == "binary_input")
    let location = try #require(error.location)
    #expect(location.file.lineAndColumn(of: location.span.start).line == 2)
    #expect(error.hint == "astrosh scripts are UTF-8 text; is this a binary file?")
  }

  @Test func aUTF16ScriptIsNamedAsSuch() throws {
    let bytes: [UInt8] = [0xFF, 0xFE] + Array("print 1\n".utf8).flatMap { [$0, 0] }
    let error = try #require(throws: ShellError.self) {
      try Interpreter.source(named: "wide.astro", bytes: bytes)
    }
    #expect(error.code == "binary_input")
    #expect(
      error.hint
        == "it is UTF-16 text; convert it to UTF-8 first, e.g. "
        + "iconv -f UTF-16 -t UTF-8 'wide.astro' > converted")
  }

  @Test func binaryInputIsQuotedWithoutControlCharacters() throws {
    let sources: [[UInt8]] = [
      [0x7F, 0x45, 0x4C, 0x46, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0xFF, 0x00],
      Array("print 1\nx \u{1B}[31m y".utf8),
    ]
    for bytes in sources {
      let error = try #require(throws: ShellError.self) {
        let source = try Interpreter.source(named: "bin", bytes: bytes)
        _ = try Parser.parse(source)
      }
      #expect(error.code == "binary_input")
      let rendered = Diagnostic.render(error)
      #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }
  }

  @Test func validBytesMakeASource() throws {
    let source = try Interpreter.source(named: "ok.astro", bytes: Array("1 + 1".utf8))
    #expect(source.text == "1 + 1")
  }
}
