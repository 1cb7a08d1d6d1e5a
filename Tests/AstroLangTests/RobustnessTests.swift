import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// Thousands of random and mutated programs through parse and evaluation: each must end
/// in a value, a `ShellError` or an `exit`, never a crash, a hang or another error type.
/// The generator is seeded, so a failure reproduces.
@Suite struct RobustnessTests {
  /// Valid programs that together touch every construct; mutations start from these.
  static let seeds: [String] = [
    "1 + 2 * 3 - 4 / 2 // 1 mod 3",
    "let x = [1, 2, 3]; $x | each { $it * 2 } | where { $it > 2 } | length",
    #"let r = {name: "a.example", "odd key": 1, tags: ["x"]}; $r.name; $r.tags.0; $r.missing?"#,
    #""interp $(1 + 2) and \u{1F600} \t \$ done""#,
    "'raw $x'",
    "for i in 1..5 { if $i == 3 { continue }; if $i > 4 { break }; print $i }",
    "let i = 0; while $i < 10 { $i += 1 }; $i",
    "def f [a, b: int = 2, --flag, ...rest] { if $flag { return $a } ; $a + $b }; f 1 --flag; f 2 3",
    "def fact [n] { if $n <= 1 { 1 } else { $n * (fact ($n - 1)) } }; fact 10",
    #"try { error "boom" } catch {|e| $e.message }"#,
    #"try { error {message: "m", code: "c"} } catch {|e| $e.code }"#,
    "[1, 2, 3] | reduce {|x, acc| $acc + $x}",
    #"[{s: "P", n: 1}, {s: "V", n: 2}] | where s == "P" and n >= 1"#,
    "let l = [1, 2]; $l.0 = 5; $l.1 += 1; $l",
    "let r = {a: {b: 1}}; $r.a.b *= 3; $r.a.c = [1]; $r",
    #""abc" =~ "^a" and "abc" !~ "z" and 2 in [1 2] and "b" in "abc""#,
    "0..<10 | each {|n| {n: $n, sq: ($n * $n)} } | where { $it.sq > 10 }",
    "let f = {|a, b| $a - $b}; do $f 10 3",
    "[[1, 2], [3]] | each { length }",
    "echo a.example --count 3 -s --name=x ./data.csv 2024-01-01 -1.5",
    "if not (1 > 2) or false { [true null 1.5e3 0x1F] } else { {} }",
    "let s = \"\"; for w in [a b c] { $s = $s + $w }; $s",
    "[1, 2] | $in.1",
    "exit 0",
    "let big = 1; for i in 1..20 { $big = $big * 2 }; $big",
    "[1, 0] | each { try { 10 / $it } catch { 0 } }",
  ]

  static let iterations = 3000

  @Test func randomAndMutatedProgramsEndCleanly() {
    var rng = SplitMix(seed: 0xA57_0517)
    var outcomes: [String: Int] = [:]
    for _ in 0..<RobustnessTests.iterations {
      let program = RobustnessTests.generate(&rng)
      let result = RobustnessTests.runGuarded(program)
      outcomes[result, default: 0] += 1
      if result == "unexpected" {
        Issue.record("an unexpected error type for: \(String(decoding: program, as: UTF8.self))")
        return
      }
    }
    // The mix should include all three endings, or the generator is too tame.
    #expect(outcomes["value", default: 0] > 100)
    #expect(outcomes["syntax", default: 0] > 100)
    #expect(outcomes["runtime", default: 0] > 10)
  }

  @Test func pathologicalInputs() {
    let inputs: [[UInt8]] = [
      Array(String(repeating: "(", count: 20_000).utf8),
      Array(String(repeating: "[", count: 20_000).utf8),
      Array(String(repeating: "{", count: 20_000).utf8),
      Array(String(repeating: "-", count: 20_000).utf8) + Array("1".utf8),
      Array(String(repeating: "not ", count: 10_000).utf8) + Array("true".utf8),
      Array(("1" + String(repeating: " + 1", count: 20_000)).utf8),
      Array(("[" + String(repeating: "1, ", count: 50_000) + "] | length").utf8),
      Array(("\"" + String(repeating: "x", count: 500_000) + "\" | length").utf8),
      Array(String(repeating: "9", count: 10_000).utf8),
      Array(("$x" + String(repeating: ".a", count: 20_000)).utf8),
      [0, 1, 2, 3, 0xFF, 0xFE],
      Array("print \"a\u{0}b\"".utf8),
      [0xC3, 0x28, 0xA0, 0xA1],
      Array("def f [] { f }; f".utf8),
      Array("while true { }".utf8),
      Array("let x = []; while true { $x = [$x] }".utf8),
      Array("let s = \"ab\"; while true { $s = $s + $s }".utf8),
      Array(("\"$(" + String(repeating: "\"$(", count: 300) + "1").utf8),
      Array(String(repeating: "|", count: 10_000).utf8),
      Array(String(repeating: "a ", count: 20_000).utf8),
    ]
    for input in inputs {
      let result = RobustnessTests.runGuarded(input)
      #expect(result != "unexpected", "\(String(decoding: input.prefix(40), as: UTF8.self))")
    }
  }

  /// Runs a program with a step budget; names how it ended.
  static func runGuarded(_ bytes: [UInt8]) -> String {
    var options = InterpreterOptions()
    options.maxSteps = 2000
    let interpreter = Interpreter(output: CapturedOutput(), options: options)
    interpreter.register(SafeBuiltins.all)
    interpreter.display = { data in _ = try SafeBuiltins.bounded(data.items()) }
    do {
      let source = try Interpreter.source(named: "fuzz.astro", bytes: bytes)
      try interpreter.run(source)
      return "value"
    } catch let error as ShellError {
      _ = Diagnostic.render(error)
      return error.category == .syntax ? "syntax" : "runtime"
    } catch is ScriptExit {
      return "exit"
    } catch {
      return "unexpected"
    }
  }

  // MARK: - Generating programs

  static func generate(_ rng: inout SplitMix) -> [UInt8] {
    let seed = Array(seeds[rng.below(seeds.count)].utf8)
    switch rng.below(8) {
    case 0: return Array(seed.prefix(rng.below(seed.count + 1)))
    case 1: return flipBytes(seed, &rng)
    case 2: return insertBrackets(seed, &rng)
    case 3: return splice(seed, Array(seeds[rng.below(seeds.count)].utf8), &rng)
    case 4: return nest(seed, &rng)
    case 5: return hugeLiteral(seed, &rng)
    case 6: return tokenSoup(&rng)
    default: return flipBytes(insertBrackets(seed, &rng), &rng)
    }
  }

  private static func flipBytes(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    var bytes = input
    guard !bytes.isEmpty else { return bytes }
    for _ in 0...rng.below(4) {
      let printable = Array("(){}[]|;,.:$\"'#-=<>!?+*/ \n0123456789abcxyz".utf8)
      bytes[rng.below(bytes.count)] =
        rng.below(10) == 0 ? UInt8(rng.below(256)) : printable[rng.below(printable.count)]
    }
    return bytes
  }

  private static func insertBrackets(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    var bytes = input
    let brackets = Array("(){}[]\"'|$".utf8)
    for _ in 0...rng.below(3) {
      bytes.insert(brackets[rng.below(brackets.count)], at: rng.below(bytes.count + 1))
    }
    return bytes
  }

  private static func splice(_ a: [UInt8], _ b: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    Array(a.prefix(rng.below(a.count + 1))) + Array(b.suffix(rng.below(b.count + 1)))
  }

  private static func nest(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    let pairs: [(String, String)] = [("(", ")"), ("[", "]"), ("{ ", " }"), ("if true { ", " }")]
    let (open, close) = pairs[rng.below(pairs.count)]
    let depth = rng.below(400)
    return Array(String(repeating: open, count: depth).utf8) + input
      + Array(String(repeating: close, count: rng.below(depth + 1)).utf8)
  }

  private static func hugeLiteral(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    let literals = [
      String(repeating: "9", count: 30 + rng.below(300)),
      "\"" + String(repeating: "x", count: rng.below(20_000)) + "\"",
      "[" + String(repeating: "1 ", count: rng.below(3_000)) + "]",
      "0x" + String(repeating: "F", count: 17 + rng.below(20)),
      "1e" + String(repeating: "9", count: 1 + rng.below(5)),
    ]
    let literal = Array(literals[rng.below(literals.count)].utf8)
    let at = rng.below(input.count + 1)
    return Array(input.prefix(at)) + Array(" ".utf8) + literal + Array(input.suffix(from: at))
  }

  private static func tokenSoup(_ rng: inout SplitMix) -> [UInt8] {
    let vocabulary = [
      "let", "x", "=", "$x", "1", "2.5", "\"s\"", "'r'", "[", "]", "{", "}", "(", ")", "|",
      ";", "\n", "if", "else", "for", "in", "while", "break", "continue", "return", "def",
      "f", "[a]", "try", "catch", "{|e|", "each", "where", "reduce", "length", "print",
      "echo", "--count", "-s", "+", "-", "*", "/", "//", "mod", "==", "!=", "<", "and", "or",
      "not", "..", "..<", ".", ".0", "?", "$it", "$in", "$env", "null", "true", "exit", "error",
      "do", ",", ":", "a.example",
    ]
    var out = ""
    for _ in 0..<(1 + rng.below(30)) { out += vocabulary[rng.below(vocabulary.count)] + " " }
    return Array(out.utf8)
  }
}

/// The test builtins, each bounded so no generated program can run forever or fill memory
/// through them (loops and calls are bounded by the step budget).
private enum SafeBuiltins {
  static let limit = 100_000

  static var all: [Builtin] {
    let unsafe: Set<String> = ["forever", "par_map", "cancel_now", "length", "collect"]
    return EvalTestBuiltins.all.filter { !unsafe.contains($0.name) } + [length, collect]
  }

  static func bounded(_ stream: ValueStream) throws -> [Value] {
    var out: [Value] = []
    while let v = try stream.next() {
      out.append(v)
      if out.count > limit { throw ShellError.runtime("too_many", "too many items") }
    }
    return out
  }

  static let length = Builtin("length", category: "test", abstract: "count") { args, _ in
    .value(.int(try bounded(args.input.items()).count))
  }

  static let collect = Builtin("collect", category: "test", abstract: "list") { args, _ in
    .value(.list(try bounded(args.input.items())))
  }
}

/// A small seeded generator (SplitMix64), so runs are repeatable.
struct SplitMix {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}
