import AstroCore

/// Text formats in and out: JSON, NDJSON and CSV.
enum FormatBuiltins {
  static let all: [Builtin] = [fromJSON, toJSON, fromNDJSON, toNDJSON, fromCSV, toCSV]

  static func jsonError(_ error: JSON.SyntaxError, line: Int? = nil, in source: String? = nil)
    -> ShellError
  {
    let place = [source.map { "'\($0)'" }, line.map { "line \($0)" }].compactMap { $0 }
    let prefix = place.isEmpty ? "" : " in " + place.joined(separator: " ")
    return ShellError.runtime("invalid_json", "invalid JSON\(prefix): \(error.description)")
  }

  static func csvError(_ error: CSV.ParseError, in source: String? = nil) -> ShellError {
    let place = source.map { " in '\($0)'" } ?? ""
    return ShellError.runtime(
      "invalid_csv", "invalid CSV\(place) at line \(error.line): \(error.reason)")
  }

  static let fromJSON = define(
    "from_json", category: DataCategory.formats, abstract: "parse JSON text into a value",
    signature: Signature(input: "string", output: "any"),
    examples: [
      Example(
        "Parse an object", #"'{"name": "a.example", "ids": [1, 2]}' | from_json | get ids"#,
        result: "[1,2]")
    ]
  ) { call in
    let text = try StringBuiltins.inputString(call)
    do {
      return .value(try JSON.parse(text))
    } catch let error as JSON.SyntaxError {
      throw jsonError(error)
    }
  }

  static let toJSON = define(
    "to_json", category: DataCategory.formats, abstract: "write a value as JSON text",
    signature: Signature(
      flags: [Flag("indent", short: "i", .int, "pretty-print with this many spaces per level")],
      input: "any", output: "string"),
    examples: [
      Example("Compact", #"{a: [1, 2]} | to_json"#, result: #""{\"a\":[1,2]}""#),
      Example("Indented", "[1] | to_json --indent 2", result: #""[\n  1\n]""#),
    ]
  ) { call in
    let indent = try call.flagInt("indent") ?? 0
    guard (0...16).contains(indent) else { throw call.invalid("--indent must be 0 to 16") }
    let data =
      call.input.isSequence
      ? Value.list(try Streams.collect(call.input, call.ctx)) : try call.input.collect()
    return .value(.string(JSON.serialize(data, indent: indent)))
  }

  static let fromNDJSON = define(
    "from_ndjson", category: DataCategory.formats,
    abstract: "parse newline-delimited JSON (one value per line) into a list",
    details: "Blank lines are skipped. An invalid line is an error that names its number.",
    signature: Signature(input: "string", output: "list"),
    examples: [
      Example(
        "Two lines", #"'{"a": 1}' + "\n" + '{"a": 2}' | from_ndjson | get a"#, result: "[1,2]")
    ]
  ) { call in
    var text = try StringBuiltins.inputString(call)
    let items = try text.withUTF8 { buf in
      var out: [Value] = []
      try NDJSON.forEachLine(in: buf, firstLine: 1) { line, number in
        out.append(try NDJSON.parseLine(line, number: number, source: nil))
      }
      return out
    }
    return .value(.list(items))
  }

  static let toNDJSON = define(
    "to_ndjson", category: DataCategory.formats,
    abstract: "write each item as one line of compact JSON",
    signature: Signature(input: "list", output: "string"),
    examples: [
      Example("Two records", "[{a: 1}, {a: 2}] | to_ndjson", result: #""{\"a\":1}\n{\"a\":2}\n""#)
    ]
  ) { call in
    var out = ""
    try Streams.forEach(call.input, call.ctx) { item in
      JSON.write(item, into: &out)
      out += "\n"
    }
    return .value(.string(out))
  }

  static let fromCSV = define(
    "from_csv", category: DataCategory.formats,
    abstract: "parse CSV text (RFC 4180) into a list of records",
    details: """
      The first row names the columns; blank lines before it are skipped. Quoted fields \
      may hold separators, doubled quotes and line breaks; CRLF, LF and a byte order mark \
      are all accepted. A row shorter than the header is filled with null; a longer row is \
      an error. Unquoted fields that look like numbers or `true`/`false` become numbers \
      and booleans, unless a number would lose digits: an integer beyond 64 bits or a \
      decimal with more digits than a float holds stays a string, as does `007`. Quoted \
      fields always stay strings, and empty fields are empty strings (`--no-infer` keeps \
      every field a string).
      """,
    signature: Signature(
      flags: [
        Flag("separator", short: "s", .string, "the field separator (default ',')"),
        switchFlag("no-header", "the first row is data; columns are named column1, column2, …"),
        switchFlag("no-infer", "keep every field a string"),
      ],
      input: "string", output: "list<record>"),
    examples: [
      Example(
        "Read a small table", #""name,count,note\na.example,3,\n\"b,c\",\"4\",ok\n" | from_csv"#,
        result:
          #"[{"name":"a.example","count":3,"note":""},{"name":"b,c","count":"4","note":"ok"}]"#)
    ]
  ) { call in
    let text = try StringBuiltins.inputString(call)
    var options = CSV.ReadOptions()
    options.separator = try separatorByte(call)
    options.header = !call.has("no-header")
    options.infer = !call.has("no-infer")
    do {
      return .value(.list(try CSV.parse(text, options: options)))
    } catch let error as CSV.ParseError {
      throw csvError(error)
    }
  }

  static func separatorByte(_ call: Invocation) throws -> UInt8 {
    guard let text = try call.flagString("separator") else { return UInt8(ascii: ",") }
    let sep = text == "\\t" ? "\t" : text
    guard sep.utf8.count == 1, let b = sep.utf8.first, b != 0x22, b != 0x0A, b != 0x0D else {
      throw call.invalid("the separator must be one ASCII character other than a quote or newline")
    }
    return b
  }

  static let toCSV = define(
    "to_csv", category: DataCategory.formats,
    abstract: "write records as CSV text (RFC 4180 quoting)",
    details: """
      The header is every field in order of first appearance. Strings are quoted when \
      they hold a separator, quote or line break, or would read back as a number, boolean \
      so `to_csv | from_csv` returns the same records (null becomes an empty field, \
      which reads back as ""). Nested lists and records are written as JSON text.
      """,
    signature: Signature(
      flags: [
        Flag("separator", short: "s", .string, "the field separator (default ',')"),
        switchFlag("crlf", "end lines with CRLF as RFC 4180 says, instead of LF"),
        switchFlag("no-header", "leave out the header line"),
      ],
      input: "list<record> | record", output: "string"),
    examples: [
      Example(
        "Quote what needs it", #"[{name: "a,b", n: 1, s: "2"}] | to_csv"#,
        result: #""name,n,s\n\"a,b\",1,\"2\"\n""#)
    ]
  ) { call in
    var options = CSV.WriteOptions()
    options.separator = Character(Unicode.Scalar(try separatorByte(call)))
    options.lineEnd = call.has("crlf") ? "\r\n" : "\n"
    options.header = !call.has("no-header")
    let items =
      call.input.isSequence
      ? try Streams.collect(call.input, call.ctx) : [try call.input.collect()]
    return .value(.string(try CSV.write(items.filter { !$0.isNull }, options: options)))
  }
}
