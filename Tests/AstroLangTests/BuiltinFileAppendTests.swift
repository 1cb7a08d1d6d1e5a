import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// `save --append`: rows go after the existing ones, and formats that cannot take more
/// are refused with the file left as it was.
extension BuiltinFileTests {
  static let append: [String: Value] = ["append": .bool(true)]

  func columnsMessage(_ name: String, file: String, records: String) -> String {
    "cannot append to '\(path(name))': its header has the columns \(file) "
      + "but the records have \(records)"
  }

  @Test func csvAppendWritesTheHeaderOnlyOnce() throws {
    try save("ap.csv", json(#"[{"a":1}]"#), Self.append)
    try save("ap.csv", json(#"[{"a":2}]"#), Self.append)
    #expect(read("ap.csv") == "a\n1\n2\n")
    #expect(try run("open", [.string(path("ap.csv"))]).json == #"[{"a":1},{"a":2}]"#)
    // An empty file gets the header as a missing one does.
    write("empty.tsv", "")
    try save("empty.tsv", json(#"[{"a":1,"b":"x y"}]"#), Self.append)
    try save("empty.tsv", json(#"[{"b":"z","a":2}]"#), Self.append)
    #expect(read("empty.tsv") == "a\tb\n1\tx y\n2\tz\n")
  }

  @Test func csvAppendKeepsTheFilesLineBreaksAndColumnOrder() throws {
    // CRLF, and no line break after the last row.
    write("crlf.csv", "a,b\r\n1,2")
    try save("crlf.csv", json(#"[{"b":4,"a":3}]"#), Self.append)
    #expect(read("crlf.csv") == "a,b\r\n1,2\r\n3,4\r\n")
    // Only the header, without a line break; a byte order mark; a quoted column name.
    write("head.csv", "\u{FEFF}\"x,y\",z")
    try save("head.csv", json(#"[{"z":"7","x,y":true}]"#), Self.append)
    #expect(read("head.csv") == "\u{FEFF}\"x,y\",z\ntrue,\"7\"\n")
    #expect(try run("open", [.string(path("head.csv"))]).json == #"[{"x,y":true,"z":"7"}]"#)
    // A file holding only a byte order mark has no header yet.
    write("bom.csv", "\u{FEFF}")
    try save("bom.csv", json(#"[{"a":1}]"#), Self.append)
    #expect(read("bom.csv") == "\u{FEFF}a\n1\n")
  }

  @Test func csvAppendWithOtherColumnsIsRefused() throws {
    write("cols.csv", "a,b\n1,2\n")
    let cases = [
      (#"[{"a":1,"c":2}]"#, "'a', 'c'"),
      (#"[{"a":1}]"#, "'a'"),
      (#"[{"a":1,"b":2},{"a":3,"b":4,"c":5}]"#, "'a', 'b', 'c'"),
    ]
    for (records, names) in cases {
      let e = errorOf { try save("cols.csv", json(records), Self.append) }
      #expect(e?.code == "csv_columns_differ")
      #expect(e?.message == columnsMessage("cols.csv", file: "'a', 'b'", records: names))
      #expect(
        e?.hint
          == "give the records the file's columns (select, rename or add them), "
          + "or save them to another file")
      #expect(read("cols.csv") == "a,b\n1,2\n")
    }
    // Nothing to append leaves the file as it is.
    try save("cols.csv", json("[]"), Self.append)
    #expect(read("cols.csv") == "a,b\n1,2\n")
  }

  @Test func appendingNothingCreatesNoFile() throws {
    let names = ["new.csv", "new.tsv", "new.ndjson", "new.txt"]
    for name in names {
      try save(name, json("[]"), Self.append)
      _ = try run(
        "save", [.string(path(name))], flags: Self.append, input: .stream(ValueStream.of([])))
    }
    try save("new.txt", .string(""), Self.append)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    // Records appended later start the file with the header, as for any missing file.
    try save("new.csv", json(#"[{"a":1}]"#), Self.append)
    try save("new.csv", json(#"[{"a":2}]"#), Self.append)
    #expect(read("new.csv") == "a\n1\n2\n")
    // A directory that is not there is an error even when there is nothing to write.
    let e = errorOf { try save("nowhere/new.csv", json("[]"), Self.append) }
    #expect(e?.code == "file_not_found")
    #expect(
      e?.message == "cannot write '\(path("nowhere/new.csv"))': no such file or directory")
  }

  @Test func appendingNothingLeavesAFileAsItWas() throws {
    let files = [
      ("blank.csv", "\n\n"), ("empty.tsv", ""), ("bom.csv", "\u{FEFF}"),
      ("open.csv", "a,b\r\n1,2"), ("n.ndjson", "{\"a\":1}"), ("t.txt", "x"),
    ]
    for (name, content) in files {
      write(name, content)
      try save(name, json("[]"), Self.append)
      try save(name, .string(""), Self.append)
      #expect(read(name) == content, "\(name)")
    }
  }

  @Test func csvAppendSkipsBlankLinesBeforeTheHeader() throws {
    write("lead.csv", "\n\r\na,b\r\n1,2\r\n")
    try save("lead.csv", json(#"[{"b":4,"a":3}]"#), Self.append)
    #expect(read("lead.csv") == "\n\r\na,b\r\n1,2\r\n3,4\r\n")
    #expect(try run("open", [.string(path("lead.csv"))]).json == #"[{"a":1,"b":2},{"a":3,"b":4}]"#)
    let e = errorOf { try save("lead.csv", json(#"[{"c":1}]"#), Self.append) }
    #expect(e?.message == columnsMessage("lead.csv", file: "'a', 'b'", records: "'c'"))
    // A file of blank lines has no header yet: the first records bring it.
    write("blank.tsv", "\n\n")
    try save("blank.tsv", json(#"[{"a":1,"b":2}]"#), Self.append)
    try save("blank.tsv", json(#"[{"a":3,"b":4}]"#), Self.append)
    #expect(read("blank.tsv") == "\n\na\tb\n1\t2\n3\t4\n")
    #expect(try run("open", [.string(path("blank.tsv"))]).json == #"[{"a":1,"b":2},{"a":3,"b":4}]"#)
  }

  @Test func csvAppendReadsTheHeaderThroughGzip() throws {
    // A stand-in codec that flips bits: appended members decode like concatenated gzip.
    let flip: @Sendable ([UInt8]) -> [UInt8] = { $0.map { $0 ^ 0x20 } }
    let ctx = FakeContext()
    ctx.services.register(GzipCodec(decompress: flip, compress: flip))
    let target = [Value.string(path("ap.csv.gz"))]
    _ = try run("save", target, flags: Self.append, input: .value(json(#"[{"a":1}]"#)), ctx: ctx)
    _ = try run("save", target, flags: Self.append, input: .value(json(#"[{"a":2}]"#)), ctx: ctx)
    #expect(try run("open", target, ctx: ctx).json == #"[{"a":1},{"a":2}]"#)
    let e = errorOf {
      try run("save", target, flags: Self.append, input: .value(json(#"[{"b":3}]"#)), ctx: ctx)
    }
    #expect(e?.message == columnsMessage("ap.csv.gz", file: "'a'", records: "'b'"))
    // Nothing appended adds no gzip member, and creates no file.
    let before = FileManager.default.contents(atPath: path("ap.csv.gz"))
    _ = try run("save", target, flags: Self.append, input: .value(json("[]")), ctx: ctx)
    #expect(FileManager.default.contents(atPath: path("ap.csv.gz")) == before)
    let other = [Value.string(path("new.ndjson.gz"))]
    _ = try run("save", other, flags: Self.append, input: .value(json("[]")), ctx: ctx)
    #expect(!FileManager.default.fileExists(atPath: path("new.ndjson.gz")))
  }

  @Test func jsonAppendIsRefused() throws {
    write("one.json", "[1]\n")
    for (name, flags) in [("one.json", Self.append), ("new.json", Self.append)] {
      let e = errorOf { try save(name, json("[2]"), flags) }
      #expect(e?.code == "not_appendable")
      #expect(
        e?.message
          == "cannot append to '\(path(name))': a JSON file holds one value, and a second one "
          + "after it would make the file invalid")
      #expect(
        e?.hint
          == "keep records you append to as NDJSON, one value a line: save them to a "
          + ".ndjson path or with --format ndjson")
    }
    #expect(read("one.json") == "[1]\n")
    #expect(!FileManager.default.fileExists(atPath: path("new.json")))
    // --format names the format, whatever the extension.
    var ndjson = Self.append
    ndjson["format"] = .string("ndjson")
    try save("one.json", json(#"[{"a":2}]"#), ndjson)
    #expect(read("one.json") == "[1]\n{\"a\":2}\n")
  }

  @Test func ndjsonAndTextAppendAsBefore() throws {
    // An unfinished last line gets its line break before the new records.
    write("n.ndjson", "{\"a\":1}")
    try save("n.ndjson", json(#"[{"a":2},{"a":3}]"#), Self.append)
    #expect(read("n.ndjson") == "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n")
    #expect(try run("open", [.string(path("n.ndjson"))]).json == #"[{"a":1},{"a":2},{"a":3}]"#)
    // Text adds one line per item; a string is written as it is.
    write("t.txt", "x\n")
    try save("t.txt", json(#"[1,"b"]"#), Self.append)
    try save("t.txt", .string("tail"), Self.append)
    #expect(read("t.txt") == "x\n1\nb\ntail")
  }
}
