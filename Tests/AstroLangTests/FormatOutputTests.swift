import AstroCore
import Testing

@testable import AstroLang

@Suite struct FormatOutputTests {
  func render(
    _ data: PipelineData, _ format: OutputFormat, indent: Int = 2, masked: Set<String> = [],
    show: Bool = false
  )
    throws -> String
  {
    let options = RenderOptions(
      format: format, maskedKeys: masked, showSecrets: show, jsonIndent: indent)
    return try OutputRenderer(options).string(data)
  }

  func stream(_ json: String) -> PipelineData {
    .stream(ValueStream.of(AstroLangTests.json(json).listValue!))
  }

  @Test func formatNamesParse() {
    #expect(OutputFormat(rawValue: "ndjson") == .ndjson)
    #expect(OutputFormat.automatic(isTerminal: true) == .table)
    #expect(OutputFormat.automatic(isTerminal: false) == .json)
    #expect(OutputFormat.allCases.map(\.rawValue) == ["table", "json", "ndjson", "csv"])
  }

  @Test func jsonOfAStreamMatchesJSONOfTheList() throws {
    let text = #"[{"a":1,"b":[1,2]},{"a":2,"b":{}}]"#
    for indent in [0, 2, 4] {
      let expected = JSON.serialize(json(text), indent: indent) + "\n"
      #expect(try render(stream(text), .json, indent: indent) == expected)
      #expect(try render(.value(json(text)), .json, indent: indent) == expected)
    }
    #expect(try render(stream("[]"), .json) == "[]\n")
    #expect(try render(.value(.string("x")), .json) == "\"x\"\n")
    #expect(try render(.empty, .json) == "")
  }

  @Test func jsonStreamsItemByItem() throws {
    let source = CountingStream(limit: 100_000)
    var chunks = 0
    let options = RenderOptions(format: .json, jsonIndent: 0)
    try OutputRenderer(options).render(source.data) { _ in chunks += 1 }
    // Output arrives in several chunks while the stream is read, not in one piece at the end.
    #expect(chunks > 1)
  }

  @Test func linesRenderedBeforeAStreamFailsStillGoOut() throws {
    var n = 0
    let failing = PipelineData.stream(
      ValueStream {
        n += 1
        if n == 3 { throw ShellError.interrupted }
        return .int(n)
      })
    var written = ""
    #expect(throws: ShellError.self) {
      try OutputRenderer(RenderOptions(format: .ndjson)).render(failing) { written += $0 }
    }
    #expect(written == "1\n2\n")
  }

  @Test func ndjsonWritesOneLinePerItem() throws {
    #expect(try render(stream(#"[{"a":1},[2],"x"]"#), .ndjson) == "{\"a\":1}\n[2]\n\"x\"\n")
    #expect(try render(.value(json(#"{"a":1}"#)), .ndjson) == "{\"a\":1}\n")
    #expect(
      try render(.value(.range(ValueRange(start: 1, end: 2, inclusive: true))), .ndjson) == "1\n2\n"
    )
  }

  @Test func csvOfListsUsesEveryFieldAndStreamsUseTheFirstRow() throws {
    #expect(try render(.value(json(#"[{"a":1},{"b":"x,y"}]"#)), .csv) == "a,b\n1,\n,\"x,y\"\n")
    #expect(try render(stream(#"[{"a":1},{"a":2}]"#), .csv) == "a\n1\n2\n")
    #expect(try render(.value(json(#"{"a":"1"}"#)), .csv) == "a\n\"1\"\n")
    #expect(try render(.value(json("[1,2]")), .csv) == "value\n1\n2\n")
    let e = errorOf { try render(stream(#"[{"a":1},{"b":2}]"#), .csv) }
    #expect(e?.message == "row 1 has the field 'b', which is not in the CSV header")
  }

  @Test func secretsAreMaskedInEveryFormat() throws {
    let data = json(#"[{"name":"x","samlSigningCert":"PEM","inner":{"samlSigningCert":"PEM2"}}]"#)
    for format in OutputFormat.allCases {
      let out = try render(.value(data), format, masked: ["samlSigningCert"])
      #expect(!out.contains("PEM"), "\(format)")
      #expect(out.contains(OutputRenderer.mask), "\(format)")
      let shown = try render(.value(data), format, masked: ["samlSigningCert"], show: true)
      #expect(shown.contains("PEM"), "\(format)")
    }
  }
}
