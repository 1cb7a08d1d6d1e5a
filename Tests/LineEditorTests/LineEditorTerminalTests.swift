import LineEditor
import Testing

/// The editor on a real pseudo-terminal. Serialized: Ctrl-C is process-wide state.
@Suite("Line editor on a terminal", .serialized)
struct LineEditorTerminalTests {
  static let words = ["get", "get-domain", "get-domains", "list", "日本語"]

  static let complete: @Sendable (String, Int) -> Completion = { line, cursor in
    let scalars = Array(line.unicodeScalars)
    var start = cursor
    while start > 0 && scalars[start - 1] != " " { start -= 1 }
    let word = String(String.UnicodeScalarView(scalars[start..<cursor]))
    return Completion(start: start, candidates: words.filter { $0.hasPrefix(word) })
  }

  @Test func typedLinesComeBack() throws {
    let harness = try EditorHarness(prompts: ["p1> ", "p2> "])
    #expect(harness.waitForScreen("p1> "))
    harness.type("hello world\r")
    #expect(harness.waitForScreen("p2> "))
    harness.type("second\r")
    #expect(harness.waitForResults(2) == [.line("hello world"), .line("second")])
  }

  @Test func editingMovesByVisibleCharacter() throws {
    let harness = try EditorHarness(prompts: ["p1> "])
    #expect(harness.waitForScreen("p1> "))
    // Left twice over a wide character and an emoji, delete one, insert one.
    harness.type("héllo 日本😀✓\u{1B}[D\u{1B}[D\u{7F}X\r")
    #expect(harness.waitForResults(1) == [.line("héllo 日X😀✓")])
  }

  @Test func combiningMarksSurviveEditing() throws {
    let harness = try EditorHarness(prompts: ["p1> "])
    #expect(harness.waitForScreen("p1> "))
    harness.type("cafe\u{301} ok\u{1}X\r")
    #expect(harness.waitForResults(1) == [.line("Xcafe\u{301} ok")])
  }

  @Test func tabInsertsTheOnlyCandidate() throws {
    let harness = try EditorHarness(prompts: ["p1> "], completer: Self.complete)
    #expect(harness.waitForScreen("p1> "))
    harness.type("li\t-x\r")
    #expect(harness.waitForResults(1) == [.line("list -x")])
  }

  @Test func tabNarrowsThenLists() throws {
    let harness = try EditorHarness(prompts: ["p1> "], completer: Self.complete)
    #expect(harness.waitForScreen("p1> "))
    // The first Tab narrows to the common prefix, the second lists both.
    harness.type("get-d\t\t")
    #expect(harness.waitForScreen("get-domain   get-domains\r\n"))
    harness.type("s\r")
    #expect(harness.waitForResults(1) == [.line("get-domains")])
  }

  @Test func upRecallsHistory() throws {
    let harness = try EditorHarness(prompts: ["p1> ", "p2> "], history: ["old one", "old two"])
    #expect(harness.waitForScreen("p1> "))
    harness.type("\u{1B}[A\u{1B}[A\r")
    #expect(harness.waitForScreen("p2> "))
    harness.type("\u{1B}[A\r")
    #expect(harness.waitForResults(2) == [.line("old one"), .line("old one")])
  }

  @Test func ctrlRSearchesHistoryBackwards() throws {
    let harness = try EditorHarness(
      prompts: ["p1> "], history: ["list organizations", "get-domains", "logout"])
    #expect(harness.waitForScreen("p1> "))
    harness.type("\u{12}org\r")
    let results = harness.waitForResults(1)
    #expect(results == [.line("list organizations")])
  }

  @Test func aMultiLinePasteComesOutAsItsLinesInOrder() throws {
    let harness = try EditorHarness(prompts: ["p1> ", "p2> ", "p3> "], completer: Self.complete)
    #expect(harness.waitForScreen("p1> "))
    harness.paste("first\tline\rsecond\rthird")
    #expect(harness.waitForScreen("p3> "))
    harness.type(" typed\r")
    let results = harness.waitForResults(3)
    #expect(results == [.line("first\tline"), .line("second"), .line("third typed")])
    #expect(!harness.screenText.contains("200~"))
  }

  @Test func ctrlDOnAnEmptyLineEndsInput() throws {
    let harness = try EditorHarness(prompts: ["p1> "])
    #expect(harness.waitForScreen("p1> "))
    harness.type("\u{4}")
    #expect(harness.waitForResults(1) == [.endOfInput])
  }

  @Test func ctrlCDropsTheLineAndTheTypeAhead() throws {
    let harness = try EditorHarness(prompts: ["p1> ", "p2> "])
    #expect(harness.waitForScreen("p1> "))
    harness.type("half typed")
    #expect(harness.waitForScreen("half typed"))
    TerminalSignals.simulateInterrupt()
    #expect(harness.waitForScreen("p2> "))
    harness.type("fresh\r")
    #expect(harness.waitForResults(2) == [.interrupted, .line("fresh")])
    #expect(!TerminalSignals.interruptPending)
  }

  @Test func bracketedPasteIsTurnedOnOnlyWhileReading() throws {
    let harness = try EditorHarness(prompts: ["p1> "])
    #expect(harness.waitForScreen("p1> "))
    harness.type("x\r")
    _ = harness.waitForResults(1)
    #expect(harness.waitForScreen("\u{1B}[?2004l"))
    let screen = harness.screenText
    let on = screen.range(of: "\u{1B}[?2004h")
    let off = screen.range(of: "\u{1B}[?2004l")
    #expect(on != nil && off != nil && on!.lowerBound < off!.lowerBound)
  }
}
