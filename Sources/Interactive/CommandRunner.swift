import AstroCore
import Foundation
import LineEditor

/// Runs one evaluation on a worker thread while the initial thread waits for it and for
/// signals: Ctrl-C cancels the command's token and the shell carries on.
///
/// The wait stays on the initial thread because that is where the kernel delivers the
/// terminal's SIGINT; the command gets a thread with a large stack for deep recursion.
final class CommandRunner {
  enum Outcome: Equatable {
    case finished(EvaluationResult)
    /// Ctrl-C was pressed while it ran; the command ended with this result.
    case interrupted(EvaluationResult)
    /// SIGTERM or SIGHUP arrived.
    case terminated(Int32)
  }

  /// The worker thread's stack size: the evaluator recurses for nested expressions.
  static let stackSize = 64 << 20
  /// How long a command may take to stop after SIGTERM before the shell leaves anyway.
  static let terminationGrace = Duration.seconds(2)

  private let host: HostReference
  private let output: any ReplOutput
  private let signals: any SignalSource

  init(host: any ReplHost, output: any ReplOutput, signals: any SignalSource) {
    self.host = HostReference(host)
    self.output = output
    self.signals = signals
  }

  func run(_ source: String) -> Outcome {
    let token = CancelToken()
    let result = Locked<EvaluationResult?>(nil)
    let host = self.host
    let signals = self.signals
    let thread = Thread {
      let outcome = host.value.evaluate(source, cancel: token)
      result.withLock { $0 = outcome }
      signals.wake()
    }
    thread.stackSize = Self.stackSize
    thread.start()
    return wait(for: result, token: token)
  }

  private func wait(for result: Locked<EvaluationResult?>, token: CancelToken) -> Outcome {
    var interrupts = 0
    var giveUpAt: ContinuousClock.Instant?
    while true {
      if let finished = result.current {
        if let signo = signals.terminationSignal { return .terminated(signo) }
        return interrupts > 0 ? .interrupted(finished) : .finished(finished)
      }
      if signals.takeInterrupt() {
        interrupts += 1
        token.cancel()
        // The terminal has echoed ^C; end that line before the command reports.
        output.writeError(interrupts == 2 ? "stopping the command; Ctrl-\\ quits astrosh\n" : "\n")
      }
      if let signo = signals.terminationSignal {
        token.cancel()
        let deadline = giveUpAt ?? ContinuousClock.now + Self.terminationGrace
        giveUpAt = deadline
        if ContinuousClock.now >= deadline { return .terminated(signo) }
      }
      signals.wait(milliseconds: 250)
    }
  }
}

/// The signals a running command reacts to; the process's own, or a fake in tests.
protocol SignalSource: Sendable {
  func takeInterrupt() -> Bool
  var terminationSignal: Int32? { get }
  /// Blocks until a signal arrives, `wake()` is called, or the time is up.
  func wait(milliseconds: Int32)
  func wake()
}

/// The signals caught by `TerminalSignals`.
struct ProcessSignals: SignalSource {
  func takeInterrupt() -> Bool { TerminalSignals.takeInterrupt() }
  var terminationSignal: Int32? { TerminalSignals.terminationSignal }
  func wait(milliseconds: Int32) { TerminalSignals.wait(milliseconds: milliseconds) }
  func wake() { TerminalSignals.wake() }
}

/// Carries the host to the worker thread. Safe because the session never calls the host
/// while an evaluation runs: it waits for the worker first.
private final class HostReference: @unchecked Sendable {
  let value: any ReplHost
  init(_ value: any ReplHost) { self.value = value }
}
