import AstroCore
import Testing

@testable import AstroLang

@Suite struct BuiltinStringTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let args: [Value]
    let flags: [String: Value]
    let input: String
    let expected: String

    init(
      _ name: String, _ args: [Value] = [], _ flags: [String: Value] = [:], in input: String,
      _ expected: String
    ) {
      self.name = name
      self.args = args
      self.flags = flags
      self.input = input
      self.expected = expected
    }

    var testDescription: String { "\(name) \(input)" }
  }

  static let on = Value.bool(true)

  static let cases: [Case] = [
    Case("lines", in: #""a\nb\r\nc\n""#, #"["a","b","c"]"#),
    Case("lines", in: #""a\n\nb""#, #"["a","","b"]"#),
    Case("lines", in: #""""#, "[]"),
    Case("split", [.string(",")], in: #""a,b,,c""#, #"["a","b","","c"]"#),
    Case("split", [.string("")], in: #""héj""#, #"["h","é","j"]"#),
    Case("split", [.string(" +")], ["regex": on], in: #""a  b c""#, #"["a","b","c"]"#),
    Case("join", [.string("-")], in: #"["a",1,null,true]"#, #""a-1--true""#),
    Case("join", in: #"["a","b"]"#, #""ab""#),
    Case("upper", in: #""héllo""#, #""HÉLLO""#),
    Case("lower", in: #"["A","Bc"]"#, #"["a","bc"]"#),
    Case("trim", in: #"" \t x \n""#, #""x""#),
    Case("trim", [], ["left": on], in: #""  x  ""#, #""x  ""#),
    Case("trim", [], ["right": on, "char": .string("/")], in: #""//a//""#, #""//a""#),
    Case("replace", [.string("-"), .string("+")], in: #""a-b-c""#, #""a+b-c""#),
    Case("replace", [.string("-"), .string("+")], ["all": on], in: #""a-b-c""#, #""a+b+c""#),
    Case(
      "replace", [.string(#"(\w+)=(\w+)"#), .string("$2=$1")], ["regex": on], in: #""k=v x=y""#,
      #""v=k x=y""#),
    Case(
      "replace", [.string(#"\d"#), .string("#")], ["regex": on, "all": on], in: #""a1b22""#,
      #""a#b##""#),
    Case("contains", [.string("nom")], in: #""astronomer""#, "true"),
    Case("contains", [.string("NOM")], ["ignore-case": on], in: #""astronomer""#, "true"),
    Case("contains", [.int(2)], in: "[1,2]", "true"),
    Case("contains", [.string("A")], ["ignore-case": on], in: #"["a"]"#, "true"),
    Case("contains", [.string("k")], in: #"{"k":1}"#, "true"),
    Case("starts_with", [.string("as")], in: #""astro""#, "true"),
    Case("starts_with", [.string("AS")], ["ignore-case": on], in: #""astro""#, "true"),
    Case("ends_with", [.string("ro")], in: #""astro""#, "true"),
    Case("ends_with", [.string("x")], in: #""astro""#, "false"),
  ]

  @Test(arguments: cases)
  func stringBuiltin(c: Case) throws {
    #expect(try runJSON(c.name, c.args, flags: c.flags, input: c.input) == c.expected)
  }

  @Test func wrongInputNamesTheType() {
    let e = errorOf { try run("upper", input: .value(.int(3))) }
    #expect(e?.message == "'upper' expects a string or a list of strings as input, found int")
    let s = errorOf { try run("split", [.string(",")], input: .value(.list([]))) }
    #expect(s?.message == "'split' expects a string as input, found list")
  }

  @Test func badRegexIsAnError() {
    let e = errorOf {
      try run(
        "replace", [.string("("), .string("")], flags: ["regex": .bool(true)],
        input: .value(.string("x")))
    }
    #expect(e?.message == "'replace': '(' is not a valid regular expression")
  }

  @Test func upperIsLazyOverStreams() throws {
    let out = try runData("upper", input: .stream(ValueStream.of([.string("a")])))
    guard case .stream = out else {
      Issue.record("expected a stream")
      return
    }
    #expect(try out.collect().json == #"["A"]"#)
  }
}
