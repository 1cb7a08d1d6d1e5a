import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a cancellation of the running script while it runs.
///
/// The signals are delivered through dispatch sources, so the handler is ordinary Swift
/// code on a queue rather than code in signal context. A second signal while the first is
/// being honoured ends the process at once with 130, for a script stuck somewhere that
/// does not poll for cancellation; so does the first one, once the run has taken
/// `stopDeadline` seconds to stop, for a process that a single SIGTERM (from `timeout` or
/// a CI runner) must end even while it is blocked in a system call, such as opening a
/// FIFO nobody writes to.
final class InterruptWatcher: @unchecked Sendable {
  private var sources: [DispatchSourceSignal] = []
  private let lock = NSLock()
  private var count = 0
  private var stopped = false

  /// Longer than the five seconds a change in flight gets to be answered, with room for
  /// the run to settle and report.
  static let stopDeadline: Double = 15

  init(onInterrupt: @escaping @Sendable () -> Void) {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [weak self] in
        guard let self else { return }
        let seen = self.lock.withLock {
          self.count += 1
          return self.count
        }
        if seen > 1 { exit(130) }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.stopDeadline) {
          [weak self] in
          guard let self, !self.lock.withLock({ self.stopped }) else { return }
          let note =
            "astrosh: still not stopped \(Int(Self.stopDeadline)) s after the "
            + "interruption; ending now\n"
          FileHandle.standardError.write(Data(note.utf8))
          exit(130)
        }
        onInterrupt()
      }
      source.resume()
      sources.append(source)
    }
  }

  var interrupted: Bool { lock.withLock { count > 0 } }

  func stop() {
    lock.withLock { stopped = true }
    for s in sources { s.cancel() }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
