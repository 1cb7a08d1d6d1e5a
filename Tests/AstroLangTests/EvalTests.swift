import AstroCore
import Testing

@testable import AstroLang

/// A snippet and the value of its last statement as compact JSON (or `error: <message>`).
struct EvalCase: CustomTestStringConvertible, Sendable {
  let name: String
  let code: String
  let json: String

  var testDescription: String { name }
}

@Suite struct EvalValueTests {
  static let cases: [EvalCase] = [
    .init(name: "integer arithmetic", code: "1 + 2 * 3 - 4", json: "3"),
    .init(name: "exact division stays an int", code: "10 / 2", json: "5"),
    .init(name: "inexact division gives a float", code: "7 / 2", json: "3.5"),
    .init(
      name: "floor division and mod round down", code: "[(-7 // 2) (-7 mod 3) (7 mod -3)]",
      json: "[-4,2,-2]"),
    .init(name: "float arithmetic", code: "1.5 * 2 + 0.25", json: "3.25"),
    .init(name: "string concatenation", code: #""a" + "b""#, json: #""ab""#),
    .init(name: "string repetition", code: #""ab" * 3"#, json: #""ababab""#),
    .init(name: "list concatenation", code: "[1] + [2, 3]", json: "[1,2,3]"),
    .init(name: "record merge", code: "{a: 1, b: 2} + {b: 3}", json: #"{"a":1,"b":3}"#),
    .init(
      name: "comparisons",
      code: #"[(1 < 2) (2 <= 2) ("a" > "b") (1 == 1.0) (null == null) ([1] != [2])]"#,
      json: "[true,true,false,true,true,true]"),
    .init(
      name: "logic", code: "[(true and false) (true or false) (not true) (null or 1)]",
      json: "[false,true,false,true]"),
    .init(name: "and short-circuits", code: "false and (1 / 0 == 1)", json: "false"),
    .init(
      name: "membership",
      code: #"[(2 in [1 2]) ("el" in "hello") ("a" in {a: 1}) (5 in 1..10) (3 not-in [3])]"#,
      json: "[true,true,true,true,false]"),
    .init(name: "regex match", code: #"[("abc" =~ "^a.c$") ("abc" !~ "z")]"#, json: "[true,true]"),
    .init(
      name: "starts-with and ends-with",
      code: #"[("abc" starts-with "ab") ("abc" ends-with "bc")]"#, json: "[true,true]"),
    .init(name: "inclusive range", code: "1..4", json: "[1,2,3,4]"),
    .init(name: "exclusive range", code: "0..<3", json: "[0,1,2]"),
    .init(name: "descending range", code: "3..1", json: "[3,2,1]"),
    .init(name: "range with expression bounds", code: "let n = 3; 0..($n - 1)", json: "[0,1,2]"),
    .init(name: "interpolation", code: #"let n = "x"; "a $n $(1 + 1) \$n""#, json: #""a x 2 $n""#),
    .init(
      name: "interpolation of structured values", code: #""$([1, {a: null}]) $(null)""#,
      json: #""[1,{\"a\":null}] ""#),
    .init(
      name: "variable name ends at a dash", code: #"let days = 7; "audit-$days-days""#,
      json: #""audit-7-days""#),
    .init(name: "raw string", code: #"'a $b \n'"#, json: #""a $b \\n""#),
    .init(name: "unicode escape", code: #""\u{1F600}""#, json: #""😀""#),
    .init(
      name: "record access", code: "let d = {name: \"a\", list: [{x: 1}]}; $d.list.0.x", json: "1"),
    .init(name: "negative index", code: "[1, 2, 3].(-1)", json: "3"),
    .init(name: "computed field", code: #"let k = "b"; {a: 1, b: 2}.($k)"#, json: "2"),
    .init(name: "optional access gives null", code: "{a: 1}.b?.c", json: "null"),
    .init(name: "field of a list of records", code: "[{n: 1}, {n: 2}].n", json: "[1,2]"),
    .init(name: "range index", code: "(10..20).3", json: "13"),
    .init(name: "env", code: "$env.HOME", json: #""/home/test""#),
    .init(name: "args", code: "$args", json: "[]"),
    .init(name: "reassignment", code: "let x = 1; $x = $x + 1; $x", json: "2"),
    .init(name: "compound assignment", code: "let x = 10; $x -= 3; $x *= 2; $x", json: "14"),
    .init(
      name: "field assignment", code: "let r = {a: {b: 1}}; $r.a.b += 1; $r.a.c = 0; $r",
      json: #"{"a":{"b":2,"c":0}}"#),
    .init(name: "index assignment", code: "let l = [1, 2]; $l.1 = 5; $l", json: "[1,5]"),
    .init(
      name: "assigning a field of null makes a record", code: "let r = null; $r.a = 1; $r",
      json: #"{"a":1}"#),
    .init(name: "redeclaring reuses the name", code: "let x = 1; let x = $x + 1; $x", json: "2"),
    .init(
      name: "let collects a stream", code: "let l = (1..3 | each { $it * 2 }); $l", json: "[2,4,6]"),
    .init(
      name: "pipeline of builtins", code: "[1, 2, 3] | where { $it > 1 } | each { $it * 10 }",
      json: "[20,30]"),
    .init(name: "in as the input of a later stage", code: "[1, 2, 3] | $in.1", json: "2"),
    .init(
      name: "where row condition", code: #"[{s: "P"}, {s: "V"}] | where s == "P""#,
      json: #"[{"s":"P"}]"#),
    .init(
      name: "where with captured variable",
      code: #"let w = "V"; [{s: "P"}, {s: "V"}] | where s == $w"#, json: #"[{"s":"V"}]"#),
    .init(name: "reduce", code: "1..4 | reduce {|x, acc| $acc + $x}", json: "10"),
    .init(
      name: "bare word argument", code: "echo a.example | get positional",
      json: #"error: unknown command 'get'"#),
    .init(
      name: "echo arguments", code: "(echo a.example 2 --switch --count 3 --name x).positional",
      json: #"["a.example",2]"#),
  ]

  @Test(arguments: cases)
  func evaluates(_ c: EvalCase) {
    #expect(EvalHarness.json(c.code) == c.json)
  }
}

@Suite struct EvalCallTests {
  static let cases: [EvalCase] = [
    .init(
      name: "flags bind to the signature", code: "(echo x --count 3 -s --name=n --mode fast).flags",
      json: #"{"count":3,"mode":"fast","name":"n","switch":true}"#),
    .init(
      name: "a bare number where text is expected stays text", code: "(echo --name 007).flags.name",
      json: #""007""#),
    .init(
      name: "underscores in flag names", code: "(echo --name_x 1)",
      json: "error: 'echo' has no flag '--name_x'"),
    .init(
      name: "pipeline input reaches the command", code: "5 | echo | get",
      json: "error: unknown command 'get'"),
    .init(name: "input of a command", code: "(5 | echo).input", json: "5"),
    .init(
      name: "def with positional, optional and default",
      code: "def f [a, b?, c = 3] { [$a, $b, $c] }; f 1",
      json: "[1,null,3]"),
    .init(
      name: "def flags",
      code: "def f [--loud, --times: int = 2] { [$loud, $times] }; [(f) (f --loud --times 5)]",
      json: "[[false,2],[true,5]]"),
    .init(
      name: "def kebab flag becomes snake variable",
      code: "def f [--dry-run] { $dry_run }; f --dry-run", json: "true"),
    .init(name: "def short flag", code: "def f [--verbose (-v)] { $verbose }; f -v", json: "true"),
    .init(
      name: "def rest parameter", code: "def f [first, ...rest] { $rest }; f 1 2 3", json: "[2,3]"),
    .init(
      name: "def return",
      code: "def f [x] { if $x > 0 { return \"pos\" }; \"neg\" }; [(f 1) (f -1)]",
      json: #"["pos","neg"]"#),
    .init(
      name: "def input flows to its first command",
      code: "def total [] { reduce {|x, acc| $acc + $x} }; [1, 2, 3] | total",
      json: "6"),
    .init(name: "def reads $in", code: "def twice [] { $in * 2 }; 21 | twice", json: "42"),
    .init(
      name: "def reads top-level variables live", code: "let n = 1; def f [] { $n }; $n = 5; f",
      json: "5"),
    .init(name: "defs are hoisted", code: "f; def f [] { 7 }", json: "7"),
    .init(
      name: "recursion",
      code: "def fact [n] { if $n <= 1 { 1 } else { $n * (fact ($n - 1)) } }; fact 20",
      json: "2432902008176640000"),
    .init(
      name: "mutual recursion",
      code:
        "def even [n] { if $n == 0 { true } else { odd ($n - 1) } }\ndef odd [n] { if $n == 0 { false } else { even ($n - 1) } }\neven 10",
      json: "true"),
    .init(
      name: "def type check", code: "def f [a: int] { $a }; f \"x\"",
      json: "error: 'f' expects int for 'a', found string"),
    .init(
      name: "builtin type check names the type found", code: "each 5",
      json: "error: 'each' expects closure for 'closure', found int"),
    .init(
      name: "one-of check", code: "echo --mode quick",
      json: "error: 'quick' is not a valid '--mode' for 'echo'"),
    .init(name: "closure with named parameters", code: "[1, 2] | each {|n| $n + 1}", json: "[2,3]"),
    .init(
      name: "closure captures by value", code: "let x = 1; let f = {|| $x }; $x = 2; do $f",
      json: "1"),
    .init(
      name: "nested closures see outer $it", code: "[1, 2] | each { [10] | each {|y| $it + $y} }",
      json: "[[11],[12]]"),
    .init(
      name: "closure return", code: "[1, -1] | each { if $it < 0 { return 0 }; $it }", json: "[1,0]"
    ),
    .init(
      name: "closure body with statements",
      code: "[1, 2] | each {|x|\n  let y = $x * 2\n  $y + 1\n}", json: "[3,5]"),
    .init(
      name: "closure first command gets the item", code: "[[1, 2], [3]] | each { length }",
      json: "[2,1]"),
    .init(
      name: "a closure with parameters passes no input on",
      code: "[[1, 2], [3]] | each {|x| [(length), ($in | length), ($x | length)] }",
      json: "[[0,2,2],[0,1,1]]"),
    .init(name: "do with arguments", code: "do {|a, b| $a - $b} 5 3", json: "2"),
    .init(name: "do with input", code: "5 | do { $in + 1 }", json: "6"),
  ]

  @Test(arguments: cases)
  func evaluates(_ c: EvalCase) {
    #expect(EvalHarness.json(c.code) == c.json)
  }
}

@Suite struct EvalControlTests {
  static let cases: [EvalCase] = [
    .init(
      name: "if as an expression",
      code: "let x = if 1 > 2 { \"a\" } else if 2 > 1 { \"b\" } else { \"c\" }; $x", json: #""b""#),
    .init(name: "if without else gives null", code: "if false { 1 }", json: "null"),
    .init(
      name: "only false and null are false",
      code: "[0, \"\", [], null, false] | each { if $it { \"t\" } else { \"f\" } }",
      json: #"["t","t","t","f","f"]"#),
    .init(
      name: "for sums a range", code: "let s = 0; for i in 1..100 { $s += $i }; $s", json: "5050"),
    .init(
      name: "for over a list",
      code: "let out = []; for x in [1, 2] { $out = $out + [$x * 3] }; $out", json: "[3,6]"),
    .init(
      name: "for over a stream",
      code: "let s = 0; for x in (1..5 | where { $it mod 2 == 1 }) { $s += $x }; $s", json: "9"),
    .init(
      name: "for over null does nothing", code: "let n = 0; for x in null { $n += 1 }; $n",
      json: "0"),
    .init(
      name: "for over a record is an error", code: "for x in ({a: 1}) { }",
      json: "error: 'for' needs a list, range or stream, found record"),
    .init(
      name: "break and continue",
      code:
        "let s = []; for i in 1..10 { if $i == 2 { continue }; if $i > 4 { break }; $s = $s + [$i] }; $s",
      json: "[1,3,4]"),
    .init(name: "while", code: "let i = 0; while $i < 5 { $i += 1 }; $i", json: "5"),
    .init(
      name: "while with break", code: "let i = 0; while true { $i += 2; if $i >= 7 { break } }; $i",
      json: "8"),
    .init(
      name: "loop variable is scoped to the body", code: "for i in [1] { }; $i",
      json: "error: unknown variable '$i'"),
    .init(name: "try gives the body's value", code: "try { 1 + 1 } catch {|e| 0 }", json: "2"),
    .init(name: "try without catch gives null", code: "try { fail }", json: "null"),
    .init(
      name: "catch sees the error record",
      code: #"try { fail "boom" } catch {|e| [$e.message, $e.code, $e.category, $e.line]}"#,
      json: #"["boom","test_failure","runtime",1]"#),
    .init(
      name: "catch may assign outer variables",
      code: "let n = 0; for x in [1, 0, 2] { try { 1 / $x } catch { $n += 1 } }; $n", json: "1"),
    .init(
      name: "try catches errors raised while a stream is consumed",
      code: "try { [1, 0] | each { 1 / $it } } catch {|e| $e.code }",
      json: #""division_by_zero""#),
    .init(
      name: "error with a message", code: #"try { error "custom" } catch {|e| $e.message }"#,
      json: #""custom""#),
    .init(
      name: "error with a record",
      code:
        #"try { error {message: "m", code: "quota", limit: 5} } catch {|e| [$e.code, $e.limit]}"#,
      json: #"["quota",5]"#),
    .init(name: "uncaught error", code: #"error "stop here""#, json: "error: stop here"),
  ]

  @Test(arguments: cases)
  func evaluates(_ c: EvalCase) {
    #expect(EvalHarness.json(c.code) == c.json)
  }
}

/// Numbers at the edges of their ranges: a value never changes without an error.
@Suite struct EvalNumberTests {
  static let cases: [EvalCase] = [
    .init(
      name: "the smallest int literal", code: "-9223372036854775808", json: "-9223372036854775808"),
    .init(
      name: "the smallest int in hex", code: "-0x8000000000000000", json: "-9223372036854775808"),
    .init(
      name: "the smallest int as a list item", code: "[1 -9223372036854775808]",
      json: "[1,-9223372036854775808]"),
    .init(
      name: "below the smallest int", code: "-9223372036854775808 - 1",
      json: "error: the result is too large for an integer"),
    .init(
      name: "negating the smallest int", code: "-(-9223372036854775808)",
      json: "error: the result is too large for an integer"),
    .init(
      name: "a negative literal with a field is still negated", code: "-{a: 2}.a", json: "-2"),
    .init(
      name: "float multiplication overflow", code: "1e308 * 10",
      json: "error: the result is too large for a float"),
    .init(
      name: "float addition overflow", code: "1.7e308 + 1.7e308",
      json: "error: the result is too large for a float"),
    .init(
      name: "float subtraction overflow", code: "-1.7e308 - 1.7e308",
      json: "error: the result is too large for a float"),
    .init(
      name: "float division overflow", code: "1e308 / 0.001",
      json: "error: the result is too large for a float"),
    .init(
      name: "float floor division overflow", code: "1e308 // 0.001",
      json: "error: the result is too large for a float"),
    .init(
      name: "compound assignment overflow", code: "let x = 1e308; $x *= 10; $x",
      json: "error: the result is too large for a float"),
    .init(name: "floats up to the limit", code: "1e308 * 1.5", json: "1.5e+308"),
    .init(
      name: "a negative string repetition", code: #""ab" * -1"#,
      json: "error: the count of a string repeated with '*' must be ≥ 0, not -1"),
    .init(name: "repeating a string no times", code: #"0 * "ab""#, json: #""""#),
  ]

  @Test(arguments: cases)
  func evaluates(_ c: EvalCase) {
    #expect(EvalHarness.json(c.code) == c.json)
  }
}
