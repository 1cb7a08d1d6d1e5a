import Foundation
import LineEditor
import Testing

@testable import Interactive

@Suite("REPL session")
struct ReplSessionTests {
  static let primary = "astrosh[sandbox] org:org1 > "
  static let continuation = "...> "

  @Test func incompleteInputContinuesOnTheContinuationPrompt() {
    let run = SessionRun(lines: ["let x = [", "  1,", "  2]", "get"])
    #expect(run.host.evaluated == ["let x = [\n  1,\n  2]", "get"])
    #expect(
      run.source.prompts == [
        Self.primary, Self.continuation, Self.continuation, Self.primary, Self.primary,
      ])
    #expect(run.status == 0)
  }

  @Test func aTrailingPipeContinues() {
    let run = SessionRun(lines: ["list |", "first"])
    #expect(run.host.evaluated == ["list |\nfirst"])
  }

  @Test func blankLinesDoNothing() {
    let run = SessionRun(lines: ["", "   ", "get"])
    #expect(run.host.evaluated == ["get"])
    #expect(run.history.entries == ["get"])
  }

  @Test func ctrlCDropsAnUnfinishedInput() {
    let run = SessionRun([.line("let x = ["), .interrupted, .line("ok")])
    #expect(run.host.evaluated == ["ok"])
    #expect(run.source.prompts[2] == Self.primary)
  }

  @Test func ctrlDOnAnEmptyPromptLeavesWithZero() {
    let run = SessionRun([.line("fail"), .endOfInput, .line("never")])
    #expect(run.status == 0)
    #expect(run.host.evaluated == ["fail"])
  }

  @Test func ctrlDInsideAnUnfinishedInputRunsItForItsError() {
    let run = SessionRun([.line("let x = ["), .endOfInput, .line("after")])
    #expect(run.host.evaluated == ["let x = [", "after"])
  }

  @Test func exitLeavesWithItsStatus() {
    let run = SessionRun(lines: ["exit 3", "never"])
    #expect(run.status == 3)
    #expect(run.host.evaluated == ["exit 3"])
  }

  @Test func aTerminatingSignalLeavesWith128PlusItsNumber() {
    let run = SessionRun([.line("get"), .terminated(15)])
    #expect(run.status == 143)
  }

  @Test func everyInputIsRecordedBeforeItRuns() {
    let run = SessionRun(lines: ["a", "b\n", "a"])
    #expect(run.history.entries == ["a", "b\n", "a"])
    #expect(run.source.historyAdded == ["a", "b\n", "a"])
  }

  @Test func aSecretIsRunButKeptOutOfHistoryAndTheUserIsTold() {
    let run = SessionRun(lines: ["login --token secret123", "get"])
    #expect(run.host.evaluated == ["login --token secret123", "get"])
    #expect(run.history.entries == ["get"])
    #expect(run.source.historyAdded == ["get"])
    #expect(run.output.err.contains("kept out of history"))
    #expect(!run.output.err.contains("secret123"))
  }

  @Test func historyIsAnsweredByTheShell() {
    let run = SessionRun(lines: ["get", "let y = {\n a: 1\n}", "history"])
    #expect(run.host.evaluated == ["get", "let y = {\n a: 1\n}"])
    #expect(run.output.out == "1  get\n2  let y = {\n    a: 1\n   }\n3  history\n")
  }

  @Test func theArrowTurnsRedAfterAFailure() {
    let run = SessionRun([.line("fail"), .line("get")], color: true)
    #expect(run.source.prompts[0].contains("\u{1B}[1m>\u{1B}[0m"))
    #expect(run.source.prompts[1].contains("\u{1B}[1;31m>\u{1B}[0m"))
    #expect(run.source.prompts[2].contains("\u{1B}[1m>\u{1B}[0m"))
    #expect(run.source.prompts[0].contains("\u{1B}[36m[sandbox]\u{1B}[0m"))
  }

  @Test func withoutColourThePromptHasNoEscapes() {
    let run = SessionRun(lines: ["fail"])
    #expect(run.source.prompts.allSatisfy { !$0.contains("\u{1B}") })
  }

  @Test func ctrlCDuringACommandCancelsItAndTheShellCarriesOn() {
    let run = SessionRun(lines: ["slow", "after"])
    #expect(run.host.cancelSeen)
    #expect(run.host.evaluated == ["slow", "after"])
    #expect(run.source.discards == 1)
    #expect(run.status == 0)
  }

  @Test func aCommandThatIgnoresCtrlCIsWaitedForWithAHint() {
    let run = SessionRun(lines: ["stubborn", "after"])
    #expect(run.host.evaluated == ["stubborn", "after"])
    #expect(run.output.err.contains("Ctrl-\\ quits astrosh"))
  }

  @Test func sigtermDuringACommandCancelsItAndLeaves() {
    let signals = FakeSignals()
    signals.termination = 15
    let run = SessionRun([.line("slow"), .line("never")], signals: signals)
    #expect(run.status == 143)
    #expect(run.host.evaluated == ["slow"])
  }

  @Test func historySurvivesARestart() {
    let directory = NSTemporaryDirectory() + "astrosh-repl-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let options = ReplOptions(environment: ["XDG_STATE_HOME": directory])
    let output = CapturedOutput()
    let first = makeHistory(options, isSecret: { _ in false }, output: output)
    _ = SessionRun([.line("one"), .line("two\nlines")], history: first)
    let second = makeHistory(options, isSecret: { _ in false }, output: output)
    #expect(second.entries == ["one", "two\nlines"])
    #expect(output.err.isEmpty)
  }

  @Test func noHomeMeansAWarningAndMemoryOnly() {
    let output = CapturedOutput()
    let history = makeHistory(
      ReplOptions(environment: [:]), isSecret: { _ in false }, output: output)
    #expect(history.file == nil)
    #expect(output.err.contains("history is not saved"))
  }
}
