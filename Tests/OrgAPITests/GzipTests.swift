import Testing

@testable import OrgAPI

@Suite struct GzipTests {
  private let text = Array(
    (0..<2000).map { "{\"n\":\($0),\"path\":\"/organizations/o1/domains\"}\n" }.joined().utf8)

  @Test func roundTripsInOneCall() throws {
    let packed = Gzip.compress(text)
    #expect(packed.count < text.count / 4)
    #expect(packed.prefix(2) == [0x1F, 0x8B])
    #expect(try Gzip.decompress(packed) == text)
  }

  @Test(arguments: [1, 7, 512, 100_000])
  func decompressesInChunks(chunkSize: Int) throws {
    let packed = Gzip.compress(text)
    let inflater = GzipDecompressor()
    var out: [UInt8] = []
    var i = 0
    while i < packed.count {
      out += try inflater.feed(Array(packed[i..<min(i + chunkSize, packed.count)]))
      i += chunkSize
    }
    try inflater.finish()
    #expect(out == text)
  }

  @Test func readsConcatenatedMembers() throws {
    let a = Array("first\n".utf8)
    let b = Array("second\n".utf8)
    #expect(try Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)) == a + b)
  }

  @Test func emptyInputIsEmptyOutput() throws {
    #expect(try Gzip.decompress([]) == [])
    #expect(try Gzip.decompress(Gzip.compress([])) == [])
  }

  @Test(arguments: [1, 10, 30])
  func truncatedDataIsAnError(cut: Int) {
    let packed = Gzip.compress(text)
    #expect(throws: Gzip.Failure("gzip data is truncated")) {
      try Gzip.decompress(Array(packed.dropLast(cut)))
    }
  }

  @Test func corruptDataIsAnError() {
    var packed = Gzip.compress(text)
    packed[packed.count / 2] ^= 0xFF
    packed[packed.count / 2 + 1] ^= 0xFF
    #expect(throws: Gzip.Failure.self) { try Gzip.decompress(packed) }
    #expect(throws: Gzip.Failure.self) { try Gzip.decompress(Array("not gzip".utf8)) }
  }

  @Test func streamingCompressorMatchesOneShot() throws {
    let deflater = GzipCompressor()
    var packed: [UInt8] = []
    for chunk in stride(from: 0, to: text.count, by: 1000) {
      packed += deflater.feed(Array(text[chunk..<min(chunk + 1000, text.count)]))
    }
    packed += deflater.finish()
    #expect(try Gzip.decompress(packed) == text)
  }
}
