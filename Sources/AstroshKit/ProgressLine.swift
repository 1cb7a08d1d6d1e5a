import AstroCore
import AstroLang
import Foundation

/// The progress of bulk runs on standard error: done/total, failures, rate and time left.
///
/// At a terminal it is one line redrawn in place about ten times a second and erased
/// when the runs end; other output first erases it (see `ProgressAwareSink`), so the two
/// never share a line. Elsewhere (`--progress` with stderr not a terminal) it is a plain
/// line at most once a second. A run shows only after `delay`, so quick ones never flash.
final class ProgressLine: @unchecked Sendable {
  private let meter: BulkMeter
  private let screen: StatusLine
  private let inPlace: Bool
  private let width: Int
  private let stopped = Locked(false)
  private let done = DispatchSemaphore(value: 0)
  /// Seconds a run must last before it shows.
  static let delay = 0.5

  init(meter: BulkMeter, screen: StatusLine, inPlace: Bool, width: Int) {
    self.meter = meter
    self.screen = screen
    self.inPlace = inPlace
    self.width = max(20, width)
  }

  private let started = Locked(false)

  /// Starts drawing; after `stop` it may start again (the interactive shell draws during
  /// each command).
  func start() {
    let first = started.withLock { running -> Bool in
      defer { running = true }
      return !running
    }
    guard first else { return }
    stopped.withLock { $0 = false }
    let thread = Thread { [self] in loop() }
    thread.name = "progress"
    thread.start()
  }

  /// Stops drawing and erases the line.
  func stop() {
    guard started.current else { return }
    stopped.withLock { $0 = true }
    done.wait()
    screen.erase()
    started.withLock { $0 = false }
  }

  private func loop() {
    var lastPrinted = 0.0
    while !stopped.current {
      Thread.sleep(forTimeInterval: inPlace ? 0.1 : 0.25)
      let runs = meter.active.filter { $0.elapsed >= ProgressLine.delay }
      guard !runs.isEmpty else {
        screen.erase()
        continue
      }
      let text = ProgressLine.describe(runs)
      if inPlace {
        screen.show(String(text.prefix(width - 1)))
      } else if BulkMeter.now() - lastPrinted >= 1 {
        lastPrinted = BulkMeter.now()
        screen.print("progress: \(text)\n")
      }
    }
    done.signal()
  }

  /// `each 2/5 | verify_managed_domain 12/40, 1 failed, 4.8/s, 6 s left`: every run's
  /// count, outermost first, then the latest run's failures, rate and time left.
  static func describe(_ runs: [BulkMeter.Snapshot]) -> String {
    guard let inner = runs.last else { return "" }
    var parts = runs.map { run in
      "\(run.label) \(run.done)" + (run.total.map { "/\($0)" } ?? " done")
    }.joined(separator: " | ")
    if inner.failed > 0 { parts += ", \(inner.failed) failed" }
    let rate = inner.elapsed > 0 ? Double(inner.done) / inner.elapsed : 0
    if inner.done > 0 { parts += ", " + rateText(rate) }
    if let total = inner.total, rate > 0, total > inner.done {
      parts += ", " + duration(Double(total - inner.done) / rate) + " left"
    }
    return parts
  }

  static func rateText(_ rate: Double) -> String {
    rate >= 100 ? "\(Int(rate.rounded()))/s" : String(format: "%.1f/s", rate)
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    if s < 60 { return "\(s) s" }
    if s < 3600 { return "\(s / 60) min \(s % 60) s" }
    return "\(s / 3600) h \(s / 60 % 60) min"
  }
}

/// The one line of standard error that progress may occupy, shared with the sink so that
/// any other output first erases it.
final class StatusLine: @unchecked Sendable {
  private let lock = NSLock()
  private var shown = false
  private let write: @Sendable (String) -> Void

  init(write: @escaping @Sendable (String) -> Void) { self.write = write }

  /// Replaces the line's text.
  func show(_ text: String) {
    lock.withLock {
      write("\r\u{1B}[K" + text)
      shown = true
    }
  }

  /// Prints a whole line (progress away from a terminal).
  func print(_ text: String) { lock.withLock { write(text) } }

  func erase() {
    lock.withLock {
      guard shown else { return }
      write("\r\u{1B}[K")
      shown = false
    }
  }

  /// Runs `body` (a write of other output) with the line erased, so the output starts at
  /// the left margin; the progress thread redraws the line on its next tick.
  func around(_ body: () -> Void) {
    lock.withLock {
      if shown {
        write("\r\u{1B}[K")
        shown = false
      }
      body()
    }
  }
}

/// Standard output and error for a session that may show a progress line: every write
/// first erases the line.
final class ProgressAwareSink: OutputSink, @unchecked Sendable {
  private let inner: StandardOutputSink
  let status: StatusLine

  init() {
    let out = StandardOutputSink()
    inner = out
    status = StatusLine { text in out.writeError(text) }
  }

  func write(_ text: String) { status.around { inner.write(text) } }

  func writeError(_ text: String) { status.around { inner.writeError(text) } }

  /// The errno of the first failed write to standard output, if any.
  var outputFailure: Int32? { inner.outputFailure }

  /// See `StandardOutputSink.onOutputFailure`.
  func onOutputFailure(_ hook: @escaping @Sendable () -> Void) { inner.onOutputFailure = hook }
}
