import LineEditor
import Testing

@Suite("History encoding")
struct HistoryCodecTests {
  @Test(arguments: [
    "get-domains",
    "let x = [\n  1,\n  2\n]",
    "echo 'a\\nb' \\\\ c",
    "# not a comment",
    "tab\there",
    "bell\u{7} and cr\r and del\u{7F} and nul\u{0}",
    "emoji 😀 日本語 e\u{301}",
    "  leading and trailing  ",
  ])
  func entriesRoundTrip(entry: String) throws {
    let line = HistoryCodec.encode(entry)
    #expect(!line.contains("\n"))
    #expect(!line.hasPrefix("#"))
    #expect(HistoryCodec.decode(line[...]) == entry)
  }

  @Test func multiLineEntriesBecomeOneLine() {
    #expect(HistoryCodec.encode("a\nb\\c") == "a\\nb\\\\c")
  }

  @Test(arguments: ["bad \\q escape", "trailing \\", "\\x4", "\\x41", "raw\u{1B}esc", ""])
  func damagedLinesDoNotDecode(line: String) {
    #expect(HistoryCodec.decode(line[...]) == nil)
  }
}

@Suite("History file contents")
struct HistoryContentsTests {
  private func parse(_ text: String) -> HistoryContents {
    HistoryContents.parse(Array(text.utf8))
  }

  @Test func readsOurFormat() {
    let contents = parse("#astrosh history v1\nget\nlet x = [\\n1\\n]\n")
    #expect(contents.entries == ["get", "let x = [\n1\n]"])
    #expect(contents.hasHeader)
    #expect(contents.foreign == nil)
    #expect(contents.skippedLines == 0)
  }

  @Test func readsPlainLinesWithoutAHeader() {
    let contents = parse("get\r\nlist 😀\n\n")
    #expect(contents.entries == ["get", "list 😀"])
    #expect(!contents.hasHeader)
  }

  @Test func libeditFormatIsForeign() {
    #expect(parse("_HiStOrY_V2_\nget\\040/items\n").foreign == .libedit)
  }

  @Test func nulBytesMeanBinary() {
    var bytes = Array("#astrosh history v1\nok\n".utf8)
    bytes += [0, 1, 2, 0xFF, 10]
    #expect(HistoryContents.parse(bytes).foreign == .binary)
  }

  @Test func aNewerVersionIsNotGuessedAt() {
    #expect(parse("#astrosh history v2\nget\n").foreign == .newerVersion("v2"))
  }

  @Test func invalidUTF8LinesAreSkippedAndCounted() {
    var bytes = Array("#astrosh history v1\nfirst\n".utf8)
    bytes += [0x67, 0xC3, 0x28, 10]
    bytes += Array("second ✓\nbad \\q\nthird\n".utf8)
    let contents = HistoryContents.parse(bytes)
    #expect(contents.entries == ["first", "second ✓", "third"])
    #expect(contents.skippedLines == 2)
    #expect(contents.foreign == nil)
  }

  @Test func mostlyGarbageIsUnreadable() {
    let bytes: [UInt8] = [0xFF, 0xFE, 10, 0x80, 0x81, 10, 0x61, 10]
    #expect(HistoryContents.parse(bytes).foreign == .unreadable)
  }
}
