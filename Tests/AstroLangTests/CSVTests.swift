import AstroCore
import Testing

@testable import AstroLang

@Suite struct CSVTests {
  struct ReadCase: CustomTestStringConvertible, Sendable {
    let label: String
    let text: String
    let expected: String
    var testDescription: String { label }
  }

  static let readCases: [ReadCase] = [
    ReadCase(label: "plain", text: "a,b\n1,x\n", expected: #"[{"a":1,"b":"x"}]"#),
    ReadCase(label: "no final newline", text: "a,b\n1,x", expected: #"[{"a":1,"b":"x"}]"#),
    ReadCase(label: "CRLF", text: "a,b\r\n1,x\r\n", expected: #"[{"a":1,"b":"x"}]"#),
    ReadCase(label: "lone CR", text: "a,b\r1,x\r", expected: #"[{"a":1,"b":"x"}]"#),
    ReadCase(label: "BOM", text: "\u{FEFF}a\n1\n", expected: #"[{"a":1}]"#),
    ReadCase(label: "quoted separator", text: "a\n\"x,y\"\n", expected: #"[{"a":"x,y"}]"#),
    ReadCase(
      label: "doubled quote", text: "a\n\"say \"\"hi\"\"\"\n", expected: #"[{"a":"say \"hi\""}]"#),
    ReadCase(label: "embedded LF", text: "a,b\n\"1\n2\",3\n", expected: #"[{"a":"1\n2","b":3}]"#),
    ReadCase(label: "embedded CRLF", text: "a\r\n\"1\r\n2\"\r\n", expected: #"[{"a":"1\r\n2"}]"#),
    ReadCase(
      label: "quoted numbers stay text", text: "a,b\n\"1\",1\n", expected: #"[{"a":"1","b":1}]"#),
    ReadCase(
      label: "empty and quoted empty", text: "a,b\n,\"\"\n", expected: #"[{"a":"","b":""}]"#),
    ReadCase(label: "trailing empty field", text: "a,b\nx,\n", expected: #"[{"a":"x","b":""}]"#),
    ReadCase(
      label: "short row is null-filled", text: "a,b,c\n1\n",
      expected: #"[{"a":1,"b":null,"c":null}]"#),
    ReadCase(label: "blank lines skipped", text: "a,b\n\n1,2\n\n", expected: #"[{"a":1,"b":2}]"#),
    ReadCase(
      label: "one column blank is empty", text: "a\n1\n\n2\n",
      expected: #"[{"a":1},{"a":""},{"a":2}]"#),
    ReadCase(
      label: "inference", text: "a,b,c,d,e,f\ntrue,-0.5,1e3,007,+1,TRUE\n",
      expected: #"[{"a":true,"b":-0.5,"c":1000.0,"d":"007","e":"+1","f":"TRUE"}]"#),
    ReadCase(label: "spaces are data", text: "a\n x \n", expected: #"[{"a":" x "}]"#),
    ReadCase(label: "quote inside unquoted", text: "a\nx\"y\n", expected: #"[{"a":"x\"y"}]"#),
    ReadCase(label: "unicode", text: "名前,ü\n日本,é\n", expected: #"[{"名前":"日本","ü":"é"}]"#),
    ReadCase(label: "empty header cell", text: ",b\n1,2\n", expected: #"[{"column1":1,"b":2}]"#),
    ReadCase(label: "header only", text: "a,b\n", expected: "[]"),
    ReadCase(label: "empty text", text: "", expected: "[]"),
    ReadCase(
      label: "blank lines before the header", text: "\n\r\n\ra,b\n1,2\n",
      expected: #"[{"a":1,"b":2}]"#),
    ReadCase(
      label: "blank lines before a one-column header", text: "\u{FEFF}\n\na\n\n1\n",
      expected: #"[{"a":""},{"a":1}]"#),
    ReadCase(label: "blank lines only", text: "\n\n\r\n", expected: "[]"),
    ReadCase(label: "one blank line", text: "\n", expected: "[]"),
    ReadCase(
      label: "a quoted empty header is not blank", text: "\"\"\n\n",
      expected: #"[{"column1":""}]"#),
    ReadCase(
      label: "integers beyond 64 bits stay text",
      text: "a,b,c,d\n99999999999999999999,9223372036854775807,-9223372036854775808,"
        + "-9223372036854775809\n",
      expected:
        #"[{"a":"99999999999999999999","b":9223372036854775807,"c":-9223372036854775808,"#
        + #""d":"-9223372036854775809"}]"#),
    ReadCase(
      label: "decimals a float holds",
      text: "a,b,c,d,e,f,g\n1.50,1e3,0.1,-2.5E-3,123456789012345.6,1.7976931348623157e308,0.0\n",
      expected:
        #"[{"a":1.5,"b":1000.0,"c":0.1,"d":-0.0025,"e":123456789012345.6,"#
        + #""f":1.7976931348623157e+308,"g":0.0}]"#),
    ReadCase(
      label: "decimals a float does not hold stay text",
      text: "a,b,c,d,e\n0.12345678901234567890,12345678901234567.5,1e400,1e-400,0.1e-99999999\n",
      expected:
        #"[{"a":"0.12345678901234567890","b":"12345678901234567.5","c":"1e400","#
        + #""d":"1e-400","e":"0.1e-99999999"}]"#),
    ReadCase(
      label: "leading zeros stay text", text: "a,b,c,d,e\n007,-01,00.5,0,0.5\n",
      expected: #"[{"a":"007","b":"-01","c":"00.5","d":0,"e":0.5}]"#),
  ]

  @Test(arguments: readCases)
  func reads(c: ReadCase) throws {
    #expect(Value.list(try CSV.parse(c.text)).json == c.expected)
  }

  struct ErrorCase: Sendable {
    let text: String
    let line: Int
    let reason: String
  }

  @Test(arguments: [
    ErrorCase(text: "a\n\"open\n", line: 2, reason: "a quoted field is never closed"),
    ErrorCase(
      text: "a\n\"x\"y\n", line: 2, reason: "unexpected text after the closing quote of a field"),
    ErrorCase(
      text: "a,b\n1,2\n1,2,3\n", line: 3, reason: "the row has 3 fields but the header has 2"),
    ErrorCase(text: "a,a\n", line: 1, reason: "the header names the column 'a' twice"),
    // Blank lines before the header still count.
    ErrorCase(
      text: "\n\na,b\n1,2,3\n", line: 4, reason: "the row has 3 fields but the header has 2"),
    ErrorCase(text: "\r\n\na,a\n", line: 3, reason: "the header names the column 'a' twice"),
  ])
  func errors(c: ErrorCase) {
    #expect(throws: CSV.ParseError.self) { try CSV.parse(c.text) }
    do {
      _ = try CSV.parse(c.text)
    } catch let e as CSV.ParseError {
      #expect(e.line == c.line)
      #expect(e.reason == c.reason)
    } catch {}
  }

  @Test func noHeaderSkipsLeadingBlankLinesToo() throws {
    var o = CSV.ReadOptions()
    o.header = false
    #expect(Value.list(try CSV.parse("\n\n", options: o)).json == "[]")
    #expect(
      Value.list(try CSV.parse("\n\nx\n\ny\n", options: o)).json
        == #"[{"column1":"x"},{"column1":""},{"column1":"y"}]"#)
  }

  @Test func numbersThatWouldLoseDigitsAreWrittenBare() throws {
    let rows = [json(#"{"id":"99999999999999999999","x":"1.50","n":12.5}"#)]
    let text = try CSV.write(rows)
    // "1.50" reads as the float 1.5, so it is quoted; the long id reads as text anyway.
    #expect(text == "id,x,n\n99999999999999999999,\"1.50\",12.5\n")
    #expect(Value.list(try CSV.parse(text)) == .list(rows))
  }

  @Test func floatsComeBackAsFloats() throws {
    let floats: [Double] = [
      0.1, 1e15, 1e20, 1e-7, .leastNonzeroMagnitude, 1.7976931348623157e308, 123456789.123, -0.0,
      2.0 / 3.0,
    ]
    let rows = floats.map { Value.record(Record([("f", .float($0))])) }
    #expect(Value.list(try CSV.parse(try CSV.write(rows))) == .list(rows))
  }

  @Test func noRecordsIsNoText() throws {
    #expect(try CSV.write([]) == "")
    #expect(try run("to_csv", input: .value(.list([]))) == .string(""))
  }

  @Test func optionsNoHeaderNoInferSeparator() throws {
    var o = CSV.ReadOptions()
    o.header = false
    o.infer = false
    o.separator = UInt8(ascii: ";")
    #expect(
      Value.list(try CSV.parse("1;2\n3\n", options: o)).json
        == #"[{"column1":"1","column2":"2"},{"column1":"3","column2":null}]"#)
  }

  @Test func writesWithRFCQuoting() throws {
    let rows = json(#"[{"a":"x,y","b":"say \"hi\"","c":"l1\nl2"},{"a":"","b":null,"d":"1"}]"#)
    #expect(
      try CSV.write(rows.listValue!)
        == "a,b,c,d\n\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\",\n,,,\"1\"\n")
    var crlf = CSV.WriteOptions()
    crlf.lineEnd = "\r\n"
    #expect(try CSV.write([json(#"{"a":1}"#)], options: crlf) == "a\r\n1\r\n")
  }

  @Test func quotesAreDoubledEvenBeforeCombiningMarks() throws {
    let tricky = "\"\u{301}x"
    let text = try CSV.write([.record(Record([("k", .string(tricky))]))])
    #expect(try CSV.parse(text).first?.recordValue?["k"] == .string(tricky))
  }

  @Test func streamingWriterRejectsANewFieldLater() throws {
    var writer = CSV.Writer()
    #expect(try writer.row(json(#"{"a":1}"#)) == "a\n1\n")
    #expect(throws: CSV.WriteError.self) { try writer.row(json(#"{"b":1}"#)) }
  }

  @Test func fromAndToCSVBuiltins() throws {
    let unsplit = try run("from_csv", input: .value(.string("a;b\n1;x\n")))
    #expect(unsplit.json == #"[{"a;b":"1;x"}]"#)
    let semi = try run(
      "from_csv", flags: ["separator": .string(";")], input: .value(.string("a;b\n1;x\n")))
    #expect(semi.json == #"[{"a":1,"b":"x"}]"#)
    let text = try run("to_csv", flags: ["separator": .string(";")], input: .value(semi))
    #expect(text == .string("a;b\n1;x\n"))
    let bad = errorOf { try run("from_csv", input: .value(.string("a\n\"x"))) }
    #expect(bad?.message == "invalid CSV at line 2: a quoted field is never closed")
    let sep = errorOf {
      try run("to_csv", flags: ["separator": .string("ab")], input: .value(semi))
    }
    #expect(sep?.code == "invalid_argument")
  }

  // MARK: round trip

  /// A small deterministic generator, so a failure reproduces.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let alphabet: [String] = [
    "a", "b", "Z", " ", ",", ";", "\"", "\n", "\r", "\r\n", "\t", "0", "1", "-", ".", "e",
    "é", "日", "😀", "\u{301}", "\u{FEFF}", "true", "false", "null",
  ]

  func randomValue(_ rng: inout SplitMix) -> Value {
    switch Int.random(in: 0..<10, using: &rng) {
    case 0: return .null
    case 1: return .int(Int.random(in: -1_000_000...1_000_000, using: &rng))
    case 2: return .float(Double(Int.random(in: -10000...10000, using: &rng)) / 8)
    case 3: return .bool(Bool.random(using: &rng))
    default:
      let n = Int.random(in: 0...8, using: &rng)
      return .string((0..<n).map { _ in Self.alphabet.randomElement(using: &rng)! }.joined())
    }
  }

  @Test func randomBytesParseOrFailCleanly() {
    var rng = SplitMix(state: 7)
    let pieces: [[UInt8]] = [
      [0x22], [0x2C], [0x0A], [0x0D], [0x61], [0xFF], [0xEF, 0xBB, 0xBF], [0],
    ]
    var parsed = 0
    for _ in 0..<2000 {
      let bytes = (0..<Int.random(in: 0...40, using: &rng)).flatMap { _ in
        pieces.randomElement(using: &rng)!
      }
      do {
        _ = try CSV.parse(bytes: bytes)
        parsed += 1
      } catch is CSV.ParseError {
      } catch {
        Issue.record("unexpected error \(error)")
      }
    }
    #expect(parsed > 0)
  }

  func nullsAsEmpty(_ row: Value) -> Value {
    guard case .record(let r) = row else { return row }
    return .record(Record(keys: r.keys, values: r.values.map { $0.isNull ? .string("") : $0 }))
  }

  @Test func toCSVThenFromCSVGivesTheSameRecords() throws {
    var rng = SplitMix(state: 42)
    for round in 0..<300 {
      let keyCount = Int.random(in: 1...5, using: &rng)
      var keys: [String] = []
      while keys.count < keyCount {
        let k = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
          Self.alphabet.randomElement(using: &rng)!
        }
        .joined()
        if !keys.contains(k) { keys.append(k) }
      }
      let rows: [Value] = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
        .record(Record(keys: keys, values: keys.map { _ in randomValue(&rng) }))
      }
      let text = try run("to_csv", input: .value(.list(rows)))
      let back = try run("from_csv", input: .value(text))
      // Null has no CSV form of its own: it is written as an empty field.
      let expected = Value.list(rows.map { nullsAsEmpty($0) })
      #expect(back == expected, "round \(round): \(text.json)")
      if back != expected { break }
    }
  }
}
