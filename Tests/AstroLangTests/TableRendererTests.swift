import AstroCore
import Testing

@testable import AstroLang

@Suite struct TableRendererTests {
  func table(_ value: Value, width: Int? = nil, color: Bool = false, masked: Set<String> = [])
    throws -> String
  {
    let options = RenderOptions(
      format: .table, terminalWidth: width, color: color, maskedKeys: masked)
    return try OutputRenderer(options).string(.value(value))
  }

  let domains = json(
    #"[{"name":"a.example","status":"PENDING","n":3},{"name":"bb","status":"OK","n":12}]"#)

  @Test func listOfRecords() throws {
    #expect(
      try table(domains) == """
        #  name       status    n
        ─  ─────────  ───────  ──
        0  a.example  PENDING   3
        1  bb         OK       12

        """)
  }

  @Test func missingFieldsAreEmptyAndColumnsAreTheUnion() throws {
    #expect(
      try table(json(#"[{"a":1},{"b":"x"}]"#)) == """
        #  a  b
        ─  ─  ─
        0  1
        1     x

        """)
  }

  @Test func aRecordIsAFieldTable() throws {
    let r = json(#"{"name":"a.example","ids":[1,2],"owner":{"id":"u1"},"none":null}"#)
    #expect(
      try table(r) == """
        name   a.example
        ids    [1,2]
        owner  {"id":"u1"}
        none

        """)
  }

  @Test func scalarsAreAnIndexedColumn() throws {
    #expect(try table(json(#"["x",10,true]"#)) == "0  x\n1  10\n2  true\n")
    #expect(try table(.string("just text")) == "just text\n")
    #expect(try table(json("[]")) == "(empty list)\n")
    #expect(try table(.null) == "")
  }

  @Test func cutsTheWidestColumnToFitAndSaysSo() throws {
    let rows = json(
      #"[{"id":"d1","description":"a rather long description that cannot fit","ok":true}]"#)
    let out = try table(rows, width: 30)
    #expect(
      out == """
        #  id  description        ok
        ─  ──  ─────────────────  ────
        0  d1  a rather long de…  true
        (1 cell shortened to fit 30
        columns; see everything with
        --output json)

        """)
    for line in out.split(separator: "\n") {
      #expect(TextWidth.of(String(line)) <= 30)
    }
  }

  @Test func nothingIsCutWithoutATerminal() throws {
    let long = String(repeating: "x", count: 300)
    let nested = Value.list((0..<40).map { .int($0) })
    let out = try table(.list([.record(Record([("s", .string(long)), ("l", nested)]))]))
    #expect(out.contains(long))
    #expect(out.contains(nested.json))
    #expect(!out.contains("…"))
    #expect(!out.contains("shortened"))
  }

  @Test func longNestedValuesAreSummarisedInATerminal() throws {
    let r = Record([
      ("l", .list((0..<40).map { .int($0) })),
      ("r", json(#"{"a":"\#(String(repeating: "y", count: 50))"}"#)),
    ])
    #expect(
      try table(.record(r), width: 80) == """
        l  [40 items]
        r  {1 field}
        (2 cells shortened to fit 80 columns; see everything with --output json)

        """)
  }

  @Test func columnsThatCannotFitAreLeftOut() throws {
    let row = Record((1...8).map { ("column\($0)", .string("value\($0)")) })
    let out = try table(.list([.record(row)]), width: 40)
    #expect(
      out == """
        #  column1  column2  column3  column4
        ─  ───────  ───────  ───────  ───────
        0  value1   value2   value3   value4
        (4 columns left out to fit 40 columns;
        see everything with --output json)

        """)
  }

  @Test func wideCharactersAlign() throws {
    let out = try table(
      json(#"[{"k":"日本","v":1},{"k":"ab","v":2},{"k":"é","v":3},{"k":"😀","v":4}]"#))
    #expect(
      out == """
        #  k     v
        ─  ────  ─
        0  日本  1
        1  ab    2
        2  é     3
        3  😀    4

        """)
  }

  @Test func controlCharactersAreEscaped() throws {
    #expect(try table(json(#"[{"s":"a\nb\tc"}]"#)) == "#  s\n─  ───────\n0  a\\nb\\tc\n")
  }

  @Test func headerIsBoldWithColour() throws {
    let out = try table(json(#"[{"a":1}]"#), color: true)
    #expect(out == "\u{1B}[1m#  a\u{1B}[0m\n─  ─\n0  1\n")
    let record = try table(json(#"{"k":"v"}"#), color: true)
    #expect(record == "\u{1B}[1mk\u{1B}[0m  v\n")
  }

  @Test func secretsAreMasked() throws {
    let r = json(
      #"{"name":"idp","azureClientSecret":"hunter2","nested":[{"token":"t"}],"token":null}"#)
    let out = try table(r, masked: ["azureClientSecret", "token"])
    #expect(!out.contains("hunter2"))
    #expect(out.contains("azureClientSecret  ••••••"))
    #expect(out.contains(#"[{"token":"••••••"}]"#))
  }
}
