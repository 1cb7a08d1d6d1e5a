import LineEditor
import Testing

@Suite("Prompt text")
struct PromptTextTests {
  @Test(arguments: [
    ("plain > ", "plain > "),
    ("\u{1B}[1;32mastrosh\u{1B}[0m > ", "\u{1}\u{1B}[1;32m\u{1}astrosh\u{1}\u{1B}[0m\u{1} > "),
    ("\u{1B}]0;title\u{7}$ ", "\u{1}\u{1B}]0;title\u{7}\u{1}$ "),
    ("a\u{1}b", "ab"),
    ("a\u{1B}[0m\u{1B}[36mb", "a\u{1}\u{1B}[0m\u{1B}[36m\u{1}b"),
    ("ok> \u{1B}[0m", "ok>\u{1}\u{1B}[0m\u{1} "),
    ("\u{1B}[1m", ""),
  ])
  func escapesAreMarkedInvisible(prompt: String, expected: String) {
    #expect(PromptText.markingInvisible(prompt) == expected)
  }
}

@Suite("Completion")
struct CompletionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var line: String
    var cursor: Int
    var start: Int
    var candidates: [String]
    var terminator = " "
    var expected: CompletionAction
    var testDescription: String { "\(line)|\(candidates)" }
  }

  static let cases: [Case] = [
    Case(line: "ge", cursor: 2, start: 0, candidates: [], expected: .beep),
    Case(
      line: "ge", cursor: 2, start: 0, candidates: ["get"],
      expected: .insert(text: "get ", deleting: 2)),
    Case(
      line: "open /tm", cursor: 8, start: 5, candidates: ["/tmp/"], terminator: "",
      expected: .insert(text: "/tmp/", deleting: 3)),
    Case(
      line: "get-d", cursor: 5, start: 0, candidates: ["get-domain", "get-domains"],
      expected: .insert(text: "get-domain", deleting: 5)),
    Case(
      line: "get-domain", cursor: 10, start: 0, candidates: ["get-domain", "get-domains"],
      expected: .list(["get-domain", "get-domains"])),
    Case(
      line: "GE", cursor: 2, start: 0, candidates: ["get-a", "get-b"],
      expected: .insert(text: "get-", deleting: 2)),
    Case(
      line: "dom", cursor: 3, start: 0, candidates: ["list-domains", "list-dags"],
      expected: .list(["list-domains", "list-dags"])),
    Case(
      line: "x", cursor: 1, start: 0, candidates: ["xa", "xa", "xb"],
      expected: .list(["xa", "xb"])),
    Case(
      line: "日", cursor: 1, start: 0, candidates: ["日本", "日本語"],
      expected: .insert(text: "日本", deleting: 1)),
  ]

  @Test(arguments: cases)
  func tabDoesTheRightThing(_ c: Case) {
    let completion = Completion(start: c.start, candidates: c.candidates, terminator: c.terminator)
    #expect(completion.action(line: c.line, cursor: c.cursor) == c.expected)
  }

  @Test func commonPrefixNeverSplitsACharacter() {
    // "e" + combining acute and "e" + combining grave share a scalar but no character.
    #expect(Completion.commonPrefix(["ce\u{301}", "ce\u{300}"]) == "c")
    #expect(Completion.commonPrefix(["abc", "abd", "ab"]) == "ab")
    #expect(Completion.commonPrefix([]) == "")
  }

  @Test func aStartPastTheCursorIsClamped() {
    let completion = Completion(start: 9, candidates: ["x"])
    #expect(completion.action(line: "ab", cursor: 2) == .insert(text: "x ", deleting: 0))
  }
}

@Suite("Candidate columns")
struct CandidateColumnsTests {
  @Test func fillsColumnsTopToBottom() {
    let lines = CandidateColumns.lines(["a", "bb", "c", "dd", "e"], width: 12)
    #expect(lines == ["a   c   e", "bb  dd"])
  }

  @Test func oneColumnWhenTheTerminalIsNarrow() {
    #expect(CandidateColumns.lines(["alpha", "beta"], width: 3) == ["alpha", "beta"])
  }

  @Test func wideCharactersCountTwoColumns() {
    Terminal.useUTF8Locale()
    #expect(Terminal.displayWidth("日本") == 4)
    #expect(Terminal.displayWidth("e\u{301}") == 1)
    let lines = CandidateColumns.lines(["日本", "ab"], width: 14)
    #expect(lines == ["日本  ab"])
  }

  @Test func aLongListSaysHowManyAreNotShown() {
    let lines = CandidateColumns.lines((1...10).map(String.init), width: 2, limit: 4)
    #expect(lines == ["1", "2", "3", "4", "… and 6 more"])
  }
}
