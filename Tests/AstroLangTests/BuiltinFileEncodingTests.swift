import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// `open` refuses files that are not UTF-8 instead of replacing the bad bytes.
extension BuiltinFileTests {
  func writeBytes(_ name: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
  }

  func openError(_ name: String, _ flags: [String: Value] = [:]) -> ShellError? {
    errorOf { try run("open", [.string(path(name))], flags: flags) }
  }

  func latin1Message(_ name: String, line: Int, byte: String, offset: Int) -> String {
    "cannot read '\(path(name))': line \(line) is not valid UTF-8 "
      + "(byte 0x\(byte) at offset \(offset)); the file must be UTF-8"
  }

  @Test func invalidUTF8InACSVFileNamesTheLineAndOffset() throws {
    // "été" in Latin-1 on the second line.
    writeBytes("latin1.csv", Array("name,city\nx,".utf8) + [0xE9, 0x74, 0xE9] + [0x0A])
    let e = openError("latin1.csv")
    #expect(e?.code == "invalid_encoding")
    #expect(e?.message == latin1Message("latin1.csv", line: 2, byte: "E9", offset: 12))
    #expect(
      e?.hint
        == "convert it to UTF-8 first, e.g. from Latin-1: "
        + "iconv -f LATIN1 -t UTF-8 '\(path("latin1.csv"))' > converted")
    // Lines end in CR here; the reader counts them as it counts rows.
    writeBytes("cr.tsv", Array("a\r1\r".utf8) + [0xFF] + [0x0D])
    #expect(openError("cr.tsv")?.message == latin1Message("cr.tsv", line: 3, byte: "FF", offset: 4))
    // A quoted field spanning lines: the line is the file's, not the row's.
    writeBytes("q.csv", Array("a\n\"x\ny".utf8) + [0xC3] + Array("\"\n".utf8))
    #expect(openError("q.csv")?.message == latin1Message("q.csv", line: 3, byte: "C3", offset: 6))
  }

  @Test func invalidUTF8InJSONAndNDJSONFilesIsRefused() throws {
    writeBytes("bad.json", Array("{\n\"a\": \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8))
    #expect(
      openError("bad.json")?.message == latin1Message("bad.json", line: 2, byte: "ED", offset: 8))
    // The bad line comes after the first 1 MiB chunk, so the offset spans a refill.
    let good = String(repeating: "{\"i\":12345678}\n", count: 80_000)
    writeBytes("bad.ndjson", Array(good.utf8) + Array("{\"s\":\"".utf8) + [0x80] + [0x22, 0x7D])
    let stream = try runData("open", [.string(path("bad.ndjson"))])
    let e = errorOf { try stream.collect() }
    #expect(
      e?.message
        == latin1Message("bad.ndjson", line: 80_001, byte: "80", offset: good.utf8.count + 6))
    // A gzip NDJSON file goes through the in-memory reader and is checked the same way.
    let ctx = FakeContext()
    ctx.services.register(GzipCodec(decompress: { $0 }, compress: { $0 }))
    writeBytes("bad.ndjson.gz", Array("1\n2\n".utf8) + [0xC0, 0xAF])
    let gz = errorOf { try run("open", [.string(path("bad.ndjson.gz"))], ctx: ctx) }
    #expect(gz?.message == latin1Message("bad.ndjson.gz", line: 3, byte: "C0", offset: 4))
  }

  @Test func utf16FilesAreNamedAsSuch() throws {
    let text = Array("a,b\n1,2\n".utf16)
    let le: [UInt8] = [0xFF, 0xFE] + text.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let be: [UInt8] = [0xFE, 0xFF] + text.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    for (name, bytes) in [("le.csv", le), ("be.csv", be), ("le.txt", le), ("le.ndjson", le)] {
      writeBytes(name, bytes)
      let e = openError(name)
      #expect(e?.code == "invalid_encoding", "\(name)")
      #expect(
        e?.message
          == "cannot read '\(path(name))': it is UTF-16 text (it starts with a UTF-16 byte "
          + "order mark); the file must be UTF-8", "\(name)")
      #expect(
        e?.hint
          == "convert it to UTF-8 first, e.g. iconv -f UTF-16 -t UTF-8 '\(path(name))' > converted"
      )
    }
    // --raw still gives the bytes.
    #expect(try run("open", [.string(path("le.csv"))], flags: ["raw": .bool(true)]) == .binary(le))
  }

  @Test func aUTF8ByteOrderMarkStillWorksAndOtherTextStaysBytes() throws {
    writeBytes("bom.csv", [0xEF, 0xBB, 0xBF] + Array("x,y\n1,é\n".utf8))
    #expect(try run("open", [.string(path("bom.csv"))]).json == #"[{"x":1,"y":"é"}]"#)
    writeBytes("bom.txt", [0xEF, 0xBB, 0xBF] + Array("hé\n".utf8))
    #expect(try run("open", [.string(path("bom.txt"))]) == .string("hé\n"))
    // A file read as text that is not UTF-8 is given as its bytes, as before.
    writeBytes("img.bin", [0x89, 0x50, 0x4E, 0x47, 0xFF])
    #expect(try run("open", [.string(path("img.bin"))]) == .binary([0x89, 0x50, 0x4E, 0x47, 0xFF]))
  }
}

@Suite struct TextEncodingTests {
  func firstInvalid(_ bytes: [UInt8]) -> Int? { TextEncoding.firstInvalidByte(in: bytes) }

  @Test func findsTheFirstBadByte() {
    #expect(firstInvalid(Array("plain ascii, long enough for words".utf8)) == nil)
    #expect(firstInvalid(Array("é€😀".utf8)) == nil)
    #expect(firstInvalid([0x41, 0xC0, 0x80]) == 1)  // overlong NUL
    #expect(firstInvalid([0xE0, 0x9F, 0xBF]) == 0)  // overlong three-byte form
    #expect(firstInvalid(Array("abcdefghij".utf8) + [0xED, 0xA0, 0x80]) == 10)  // surrogate
    #expect(firstInvalid([0xF4, 0x90, 0x80, 0x80]) == 0)  // above U+10FFFF
    #expect(firstInvalid([0x61, 0xE2, 0x82]) == 1)  // cut short at the end
    #expect(firstInvalid([0x61, 0xE2, 0x82, 0x61]) == 1)  // cut short before ASCII
    #expect(firstInvalid([0x80]) == 0)  // a stray continuation byte
    #expect(firstInvalid([0xF5, 0x80, 0x80, 0x80]) == 0)
  }

  @Test func agreesWithTheStandardLibrary() {
    var generator = SystemRandomNumberGenerator()
    // Bytes biased towards lead and continuation bytes, so most strings hit edge cases.
    let pool: [UInt8] = [
      0x41, 0x0A, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
      0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF,
    ]
    for _ in 0..<20_000 {
      let count = Int.random(in: 0...12, using: &generator)
      let bytes = (0..<count).map { _ in pool.randomElement(using: &generator)! }
      let valid = String(validating: bytes, as: UTF8.self) != nil
      let found = firstInvalid(bytes)
      #expect((found == nil) == valid, "\(bytes)")
      if let found {
        #expect(String(validating: bytes[..<found], as: UTF8.self) != nil, "\(bytes)")
      }
    }
  }
}
