import LineEditor
import Testing

@Suite("Input decoding and bracketed paste")
struct InputDecoderTests {
  private func decode(_ chunks: [[UInt8]]) -> [InputCharacter] {
    var decoder = InputDecoder()
    for chunk in chunks { decoder.feed(chunk) }
    return decoder.drain()
  }

  private func text(_ characters: [InputCharacter]) -> String {
    String(String.UnicodeScalarView(characters.map(\.scalar)))
  }

  private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func plainTextPassesThroughUnmarked() {
    let out = decode([bytes("get héllo ✓ 日本")])
    #expect(text(out) == "get héllo ✓ 日本")
    #expect(out.allSatisfy { !$0.pasted })
  }

  @Test func multiByteCharactersSplitAcrossReads() {
    let all = bytes("✓😀")
    let out = decode(all.map { [$0] })
    #expect(text(out) == "✓😀")
  }

  @Test(
    arguments: [
      ([0xFF, 0x41], "\u{FFFD}A"),
      ([0xE2, 0x9C, 0x41], "\u{FFFD}A"),
      ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),
      ([0xED, 0xA0, 0x80], "\u{FFFD}"),
    ] as [([UInt8], String)])
  func invalidUTF8BecomesReplacement(input: [UInt8], expected: String) {
    var decoder = InputDecoder()
    decoder.feed(input)
    decoder.flush()
    #expect(text(decoder.drain()) == expected)
  }

  @Test func pasteMarkersNeverReachTheOutput() {
    let out = decode([bytes("a\u{1B}[200~one\rtwo\u{1B}[201~b")])
    #expect(text(out) == "aone\rtwob")
    #expect(out.map(\.pasted) == [false] + Array(repeating: true, count: 7) + [false])
  }

  @Test func markersSplitAcrossReadsAreStillRecognised() {
    let whole = bytes("\u{1B}[200~hi\u{1B}[201~")
    let out = decode(whole.map { [$0] })
    #expect(text(out) == "hi")
    #expect(out.allSatisfy { $0.pasted })
  }

  @Test func pastedLinesComeOutInOrderWithOneBreakForCRLF() {
    let out = decode([bytes("\u{1B}[200~first\r\nsecond\nthird\rfourth\u{1B}[201~")])
    #expect(text(out) == "first\rsecond\rthird\rfourth")
  }

  @Test func controlCharactersInsideAPasteAreDropped() {
    let out = decode([bytes("\u{1B}[200~a\u{1B}[1mb\tc\u{7}\u{7F}\u{1B}[201~")])
    // The ESC of the pasted colour code goes; its printable tail stays as plain text.
    #expect(text(out) == "a[1mb\tc")
  }

  @Test(arguments: ["\u{1B}[A", "\u{1B}[2~", "\u{1B}b", "\u{1B}[1;5D", "\u{1B}\u{1B}[A"])
  func editingKeysOutsideAPastePassThrough(sequence: String) {
    #expect(text(decode([bytes(sequence)])) == sequence)
  }

  @Test func aHeldBackEscapeIsReleasedByFlush() {
    var decoder = InputDecoder()
    decoder.feed(bytes("x\u{1B}[20"))
    #expect(text(decoder.drain()) == "x")
    decoder.flush()
    #expect(text(decoder.drain()) == "\u{1B}[20")
  }

  @Test func pasteStateSurvivesBetweenReads() {
    var decoder = InputDecoder()
    decoder.feed(bytes("\u{1B}[200~one\r"))
    #expect(decoder.inPaste)
    _ = decoder.drain()
    decoder.feed(bytes("two\u{1B}[201~"))
    #expect(!decoder.inPaste)
    #expect(text(decoder.drain()) == "two")
  }

  @Test func discardDropsCharactersNotYetTaken() {
    var decoder = InputDecoder()
    decoder.feed(bytes("abc"))
    #expect(decoder.next()?.scalar == "a")
    decoder.discardOutput()
    #expect(decoder.next() == nil)
  }
}
