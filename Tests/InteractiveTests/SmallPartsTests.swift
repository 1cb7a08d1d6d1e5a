import Foundation
import Testing

@testable import Interactive

@Suite("history command")
struct HistoryCommandTests {
  @Test(
    arguments: [
      ("history", HistoryCommand.defaultCount as Int?),
      ("  history  ", HistoryCommand.defaultCount),
      ("history 5", 5),
      ("history --all", nil),
    ] as [(String, Int?)])
  func recognised(source: String, count: Int?) {
    #expect(HistoryCommand(source)?.count == count)
  }

  @Test(arguments: ["history | first", "history x", "historyx", "get history", "history -1"])
  func leftToTheHost(source: String) {
    #expect(HistoryCommand(source) == nil)
  }

  @Test func aShortListingSaysWhatItLeftOut() throws {
    let command = try #require(HistoryCommand("history 2"))
    let entries = (1...12).map { "e\($0)" }
    #expect(
      command.render(entries)
        == "11  e11\n12  e12\n(10 older entries not shown; `history --all` lists every one)\n")
  }
}

@Suite("cancel token")
struct CancelTokenTests {
  @Test func handlersRunOnceOnCancel() {
    let token = CancelToken()
    let count = Counter()
    token.onCancel { count.add() }
    #expect(!token.isCancelled)
    token.cancel()
    token.cancel()
    #expect(token.isCancelled)
    #expect(count.value == 1)
  }

  @Test func aHandlerAddedAfterCancelRunsAtOnce() {
    let token = CancelToken()
    token.cancel()
    let count = Counter()
    #expect(token.onCancel { count.add() } == nil)
    #expect(count.value == 1)
  }

  @Test func aRemovedHandlerDoesNotRun() {
    let token = CancelToken()
    let count = Counter()
    let id = token.onCancel { count.add() }
    token.removeHandler(id!)
    token.cancel()
    #expect(count.value == 0)
  }

  @Test func cancelFromAnotherThreadIsSeen() async {
    let token = CancelToken()
    await Task.detached { token.cancel() }.value
    #expect(token.isCancelled)
  }
}

@Suite("prompt style")
struct PromptStyleTests {
  @Test(
    arguments: [
      ([:], true, true),
      (["NO_COLOR": "1"], true, false),
      (["NO_COLOR": ""], true, true),
      (["TERM": "dumb"], true, false),
      ([:], false, false),
    ] as [([String: String], Bool, Bool)])
  func colourFollowsNoColorAndTheTerminal(env: [String: String], terminal: Bool, color: Bool) {
    #expect(PromptStyle.wantsColor(environment: env, outputIsTerminal: terminal) == color)
  }

  @Test func withoutAnOrganizationThePromptIsShorter() {
    let style = PromptStyle(color: false)
    #expect(
      style.primary(PromptContext(target: "api.example.com"), lastFailed: false)
        == "astrosh[api.example.com] > ")
  }
}

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func add() { lock.withLock { count += 1 } }
  var value: Int { lock.withLock { count } }
}
