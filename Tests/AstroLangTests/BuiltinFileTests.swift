import AstroCore
import Foundation
import Testing

@testable import AstroLang

@Suite struct BuiltinFileTests {
  let dir = temporaryDirectory()

  func path(_ name: String) -> String { dir + "/" + name }

  func write(_ name: String, _ text: String) {
    _ = FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8))
  }

  func read(_ name: String) -> String {
    String(decoding: FileManager.default.contents(atPath: path(name)) ?? Data(), as: UTF8.self)
  }

  func save(_ name: String, _ value: Value, _ flags: [String: Value] = ["force": .bool(true)])
    throws
  {
    _ = try run("save", [.string(path(name))], flags: flags, input: .value(value))
  }

  @Test func openByExtension() throws {
    write("a.json", #"{"a":[1,2]}"#)
    write("b.ndjson", "{\"n\":1}\r\n\n  {\"n\":2}\n{\"n\":3}")
    write("c.csv", "\u{FEFF}x,y\r\n1,\"a\"\"b\"\r\n")
    write("d.tsv", "x\ty\n1\t2\n")
    write("e.txt", "hello\n")
    #expect(try run("open", [.string(path("a.json"))]).json == #"{"a":[1,2]}"#)
    #expect(try run("open", [.string(path("b.ndjson"))]).json == #"[{"n":1},{"n":2},{"n":3}]"#)
    #expect(try run("open", [.string(path("c.csv"))]).json == #"[{"x":1,"y":"a\"b"}]"#)
    #expect(try run("open", [.string(path("d.tsv"))]).json == #"[{"x":1,"y":2}]"#)
    #expect(try run("open", [.string(path("e.txt"))]) == .string("hello\n"))
    #expect(
      try run("open", [.string(path("e.txt"))], flags: ["raw": .bool(true)])
        == .binary(Array("hello\n".utf8)))
    #expect(
      try run("open", [.string(path("e.txt"))], flags: ["format": .string("csv")]).json == "[]")
  }

  @Test func openNDJSONIsAStream() throws {
    write("big.ndjson", (0..<50_000).map { "{\"i\":\($0)}" }.joined(separator: "\n"))
    let out = try runData("open", [.string(path("big.ndjson"))])
    guard case .stream = out else {
      Issue.record("expected a stream")
      return
    }
    let odd = fn { .bool($0.recordValue!["i"]!.intValue! % 2 == 1) }
    let filtered = try runData("where", [odd], input: out)
    #expect(try run("count", input: filtered) == .int(25_000))
  }

  @Test func longNDJSONLinesSpanChunks() throws {
    let long = String(repeating: "x", count: 3 << 20)
    write("long.ndjson", "{\"s\":\"\(long)\"}\n{\"s\":\"y\"}\n")
    let items = try run("open", [.string(path("long.ndjson"))]).listValue
    #expect(items?.count == 2)
    #expect(items?.first?.recordValue?["s"]?.stringValue?.count == 3 << 20)
  }

  @Test func fileErrorsNameThePathAndLine() {
    let missing = errorOf { try run("open", [.string(path("nope.json"))]) }
    #expect(missing?.code == "file_not_found")
    #expect(missing?.message == "cannot open '\(path("nope.json"))': no such file or directory")
    write("bad.ndjson", "{\"a\":1}\n{\"a\":\n")
    let bad = errorOf { try run("open", [.string(path("bad.ndjson"))]) }
    #expect(bad?.message.hasPrefix("invalid JSON in '\(path("bad.ndjson"))' line 2:") == true)
    write("bad.csv", "a\n\"x\n")
    #expect(errorOf { try run("open", [.string(path("bad.csv"))]) }?.code == "invalid_csv")
    let dirError = errorOf { try run("open", [.string(dir)]) }
    #expect(dirError?.message == "cannot open '\(dir)': it is a directory")
  }

  @Test func saveAndOpenRoundTrip() throws {
    let data = json(#"[{"name":"a,b","n":1,"s":"2","ok":true,"none":null}]"#)
    // CSV has no null: it is written as an empty field and reads back as "".
    let csvData = json(#"[{"name":"a,b","n":1,"s":"2","ok":true,"none":""}]"#)
    for name in ["r.json", "r.ndjson", "r.csv", "r.tsv"] {
      try save(name, data)
      let expected = name.hasSuffix("sv") ? csvData : data
      #expect(try run("open", [.string(path(name))]) == expected, "\(name)")
    }
    #expect(
      read("r.json")
        == "[\n  {\n    \"name\": \"a,b\",\n    \"n\": 1,\n    \"s\": \"2\",\n    \"ok\": true,\n    \"none\": null\n  }\n]\n"
    )
  }

  @Test func saveWritesStringsAndBytesAsTheyAre() throws {
    try save("s.json", .string("not json"))
    #expect(read("s.json") == "not json")
    try save("b.bin", .binary([0, 1, 2]))
    #expect(FileManager.default.contents(atPath: path("b.bin")) == Data([0, 1, 2]))
    try save("t.txt", json(#"["a",1]"#))
    #expect(read("t.txt") == "a\n1\n")
  }

  @Test func saveRefusesToOverwriteWithoutForce() throws {
    write("keep.json", "old")
    let e = errorOf { try save("keep.json", .int(1), [:]) }
    #expect(e?.code == "file_exists")
    #expect(e?.hint == "use --force to replace it")
    #expect(read("keep.json") == "old")
  }

  @Test func saveAppends() throws {
    try save("log.ndjson", json(#"[{"a":1}]"#), ["append": .bool(true)])
    try save("log.ndjson", json(#"[{"a":2}]"#), ["append": .bool(true)])
    #expect(read("log.ndjson") == "{\"a\":1}\n{\"a\":2}\n")
  }

  @Test func aFailedSaveLeavesTheOldFileAndNoTemporary() throws {
    write("keep.ndjson", "old\n")
    var n = 0
    let failing = ValueStream {
      n += 1
      if n == 3 { throw ShellError.runtime("boom", "stream failed") }
      return .int(n)
    }
    let e = errorOf {
      try run(
        "save", [.string(path("keep.ndjson"))], flags: ["force": .bool(true)],
        input: .stream(failing))
    }
    #expect(e?.code == "boom")
    #expect(read("keep.ndjson") == "old\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep.ndjson"])
  }

  @Test func saveKeepsTheModeOfAReplacedFile() throws {
    write("mode.txt", "x")
    chmod(path("mode.txt"), 0o600)
    try save("mode.txt", .string("y"))
    let attrs = try FileManager.default.attributesOfItem(atPath: path("mode.txt"))
    #expect((attrs[.posixPermissions] as? Int) == 0o600)
  }

  @Test func saveThroughASymlinkReplacesItsTarget() throws {
    write("real.txt", "old")
    try FileManager.default.createSymbolicLink(
      atPath: path("link.txt"), withDestinationPath: "real.txt")
    try save("link.txt", .string("new"))
    #expect(read("real.txt") == "new")
    let kind = try FileManager.default.attributesOfItem(atPath: path("link.txt"))[.type]
    #expect(kind as? FileAttributeType == .typeSymbolicLink)
    #expect(
      Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == ["real.txt", "link.txt"])
  }

  @Test func saveIntoAFIFOWritesThroughIt() throws {
    #expect(mkfifo(path("pipe.txt"), 0o600) == 0)
    let received = Locked([UInt8]())
    let done = DispatchSemaphore(value: 0)
    let fifo = path("pipe.txt")
    Thread.detachNewThread {
      let fd = open(fifo, O_RDONLY)
      var buffer = [UInt8](repeating: 0, count: 256)
      while fd >= 0 {
        let n = Foundation.read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        received.withLock { $0 += buffer[0..<n] }
      }
      close(fd)
      done.signal()
    }
    try save("pipe.txt", .string("through"))
    done.wait()
    #expect(String(decoding: received.current, as: UTF8.self) == "through")
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
  }

  @Test func saveIntoAMissingDirectoryNamesThePath() {
    let e = errorOf { try save("no/such/x.json", .int(1)) }
    #expect(e?.message == "cannot write '\(path("no/such/x.json"))': no such file or directory")
  }

  @Test func gzipNeedsTheCodecAndUsesIt() throws {
    #expect(errorOf { try run("open", [.string(path("x.json.gz"))]) }?.code == "unsupported")
    let ctx = FakeContext()
    // A stand-in codec (reversing bytes) shows where the host's gzip plugs in.
    ctx.services.register(GzipCodec(decompress: { $0.reversed() }, compress: { $0.reversed() }))
    _ = try run("save", [.string(path("x.json.gz"))], input: .value(json("[1]")), ctx: ctx)
    #expect(read("x.json.gz") == String("[\n  1\n]\n".reversed()))
    #expect(try run("open", [.string(path("x.json.gz"))], ctx: ctx).json == "[1]")
    _ = try run("save", [.string(path("e.ndjson.gz"))], input: .value(json("[]")), ctx: ctx)
    #expect(try run("open", [.string(path("e.ndjson.gz"))], ctx: ctx).json == "[]")
    struct Corrupt: Error, CustomStringConvertible { var description: String { "not gzip" } }
    let broken = FakeContext()
    broken.services.register(GzipCodec(decompress: { _ in throw Corrupt() }, compress: { $0 }))
    let e = errorOf { try run("open", [.string(path("x.json.gz"))], ctx: broken) }
    #expect(e?.message == "cannot decompress '\(path("x.json.gz"))': not gzip")
  }

  @Test func homeIsExpanded() throws {
    let ctx = FakeContext(env: ["HOME": dir])
    write("h.json", "7")
    #expect(try run("open", [.string("~/h.json")], ctx: ctx) == .int(7))
  }

  @Test func unknownFormatSuggests() {
    let e = errorOf { try run("open", [.string("x")], flags: ["format": .string("jsn")]) }
    #expect(e?.hint == "did you mean 'json'?")
  }
}
