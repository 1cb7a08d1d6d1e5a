import AstroCore
import Foundation
import LineEditor

@testable import Interactive

/// A host that records what it is asked. Brackets decide completeness, `fail` fails,
/// `exit N` leaves, `slow` presses Ctrl-C on itself and waits to be cancelled.
final class FakeHost: ReplHost, @unchecked Sendable {
  let signals: FakeSignals
  private let lock = NSLock()
  private var _evaluated: [String] = []
  private var _cancelSeen = false
  var promptContext = PromptContext(target: "sandbox", organization: "org1")

  init(signals: FakeSignals) { self.signals = signals }

  var evaluated: [String] { lock.withLock { _evaluated } }
  var cancelSeen: Bool { lock.withLock { _cancelSeen } }

  func isComplete(_ source: String) -> Bool {
    let opens = source.filter { "[{(".contains($0) }.count
    let closes = source.filter { "]})".contains($0) }.count
    return opens <= closes && !source.hasSuffix("|")
  }

  func evaluate(_ source: String, cancel: CancelToken) -> EvaluationResult {
    lock.withLock { _evaluated.append(source) }
    if source == "fail" { return .failure }
    if source.hasPrefix("exit ") { return .exit(Int32(source.dropFirst(5)) ?? 1) }
    if source == "slow" {
      signals.pressCtrlC()
      while !cancel.isCancelled { usleep(1000) }
      lock.withLock { _cancelSeen = true }
      return .failure
    }
    if source == "stubborn" {
      // Keeps running after the first Ctrl-C; stops once the second one was seen.
      signals.pressCtrlC()
      while !cancel.isCancelled { usleep(1000) }
      signals.pressCtrlC()
      while signals.pending > 0 { usleep(1000) }
      return .failure
    }
    return .success
  }

  func containsSecret(_ source: String) -> Bool { source.contains("secret") }
}

/// Signals under the test's control instead of the process's.
final class FakeSignals: SignalSource, @unchecked Sendable {
  private let condition = NSCondition()
  private var interrupts = 0
  private var woken = false
  var termination: Int32?

  func pressCtrlC() {
    condition.withLock {
      interrupts += 1
      woken = true
      condition.broadcast()
    }
  }

  func takeInterrupt() -> Bool {
    condition.withLock {
      guard interrupts > 0 else { return false }
      interrupts -= 1
      return true
    }
  }

  var pending: Int { condition.withLock { interrupts } }

  var terminationSignal: Int32? { condition.withLock { termination } }

  func wait(milliseconds: Int32) {
    condition.withLock {
      let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
      while !woken && condition.wait(until: deadline) {}
      woken = false
    }
  }

  func wake() {
    condition.withLock {
      woken = true
      condition.broadcast()
    }
  }
}

/// Lines handed to the session one by one; afterwards, end of input.
final class ScriptedSource: LineSource {
  private var script: [TerminalEditor.ReadResult]
  private(set) var prompts: [String] = []
  private(set) var historyAdded: [String] = []
  private(set) var discards = 0

  init(_ script: [TerminalEditor.ReadResult]) { self.script = script }

  convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

  func readLine(prompt: String) -> TerminalEditor.ReadResult {
    prompts.append(prompt)
    return script.isEmpty ? .endOfInput : script.removeFirst()
  }

  func addHistory(_ entry: String) { historyAdded.append(entry) }
  func discardPendingInput() { discards += 1 }
}

final class CapturedOutput: ReplOutput {
  private(set) var out = ""
  private(set) var err = ""
  func write(_ text: String) { out += text }
  func writeError(_ text: String) { err += text }
  func flush() {}
}

/// One session over a script, with everything it touched.
struct SessionRun {
  let host: FakeHost
  let source: ScriptedSource
  let output = CapturedOutput()
  let history: History
  let status: Int32

  init(
    _ script: [TerminalEditor.ReadResult], history: History? = nil,
    color: Bool = false, signals: FakeSignals = FakeSignals()
  ) {
    let host = FakeHost(signals: signals)
    self.host = host
    source = ScriptedSource(script)
    let history = history ?? History(file: nil, isSecret: { host.containsSecret($0) })
    self.history = history
    let session = ReplSession(
      host: host, source: source, history: history, style: PromptStyle(color: color),
      output: output, signals: signals)
    status = session.run()
  }

  init(lines: [String]) { self.init(lines.map { .line($0) }) }
}
