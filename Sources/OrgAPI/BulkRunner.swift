import AstroCore
import Foundation

/// The outcome of one item of a bulk run.
public struct ItemResult: Sendable {
  /// The item's position in the input, from 0.
  public var index: Int
  public var item: Value
  public var outcome: Result<Value, ShellError>

  public var isOK: Bool {
    if case .success = outcome { return true }
    return false
  }

  /// The record `--keep-going` yields: `{ok: true, value}` or `{ok: false, error, item}`.
  public var record: Value {
    switch outcome {
    case .success(let v): return .record(Record([("ok", .bool(true)), ("value", v)]))
    case .failure(let e):
      return .record(
        Record([("ok", .bool(false)), ("error", .record(e.asRecord)), ("item", item)]))
    }
  }
}

/// What a finished bulk run did, for the summary line.
public struct BulkSummary: Sendable {
  public var succeeded = 0
  public var failures: [ItemResult] = []

  public var total: Int { succeeded + failures.count }

  /// `3 ok, 1 failed` and one line per failure naming the item and the reason.
  public var text: String {
    var out = "\(succeeded) ok, \(failures.count) failed\n"
    for f in failures {
      guard case .failure(let e) = f.outcome else { continue }
      out += "  item \(f.index)\(BulkSummary.label(f.item)): \(e.message)\n"
    }
    return out
  }

  static func label(_ item: Value) -> String {
    let text = BulkLedger.label(item)
    return text.isEmpty ? "" : " (\(text))"
  }
}

/// Runs one piece of work per input item on a few threads and yields the results in
/// input order, as a stream.
///
/// The input is pulled only by the consumer's thread (upstream stages may run language
/// closures, which stay on the thread that called them); workers only run `work`.
/// At most `window` items are in flight or waiting to be yielded, so memory stays flat.
/// By default (`.stop`) the first failure, in input order, is thrown once reached and no
/// new item is started after a failure is seen. With `.record` every item runs and each
/// yields an `ItemResult` record; with `.skip` every item runs, failed ones are left out
/// of the results, and all are in the summary.
public final class BulkRunner: @unchecked Sendable {
  public typealias Work = @Sendable (Value) throws -> Value

  private let input: ValueStream
  private let workers: Int
  private let window: Int
  /// The most items the consumer pulls from upstream per turn of the lock.
  private static let pullBatch = 8
  private let policy: FailurePolicy
  private var keepGoing: Bool { policy.keepsGoing }
  private let work: Work
  /// Counts finished items for the progress line.
  private let progress: BulkMeter.Run?
  private let isCancelled: @Sendable () -> Bool
  private let onFinish: @Sendable (BulkSummary) -> Void
  private let cond = NSCondition()
  /// Where a worker with nothing to do sleeps, rather than on `cond`, whose broadcasts
  /// are for the consumer. It is signalled only for workers counted in `idle`: a busy
  /// worker takes its next item as it hands in a result, under the same lock, so a
  /// steady run passes items along without putting threads to sleep and waking them.
  private let workReady = DispatchSemaphore(value: 0)
  /// Workers waiting on `workReady` that no signal has been set aside for yet.
  private var idle = 0
  /// Signals of `workReady` owed; they are sent once the lock is released, so that a woken
  /// worker does not at once block on the lock its waker still holds.
  private var wakes = 0
  private var queue: [(index: Int, item: Value)] = []
  private var results: [Int: ItemResult] = [:]
  private var nextIndex = 0
  private var nextEmit = 0
  private var inputDone = false
  private var halted = false
  private var active = 0
  private var summary = BulkSummary()
  private var finished = false
  /// Set once the first failure has been thrown; the stream is over after that.
  private var thrown = false
  private var interrupted = false

  public init(
    input: ValueStream, workers: Int, policy: FailurePolicy, progress: BulkMeter.Run? = nil,
    isCancelled: @escaping @Sendable () -> Bool = { false },
    onFinish: @escaping @Sendable (BulkSummary) -> Void = { _ in }, work: @escaping Work
  ) {
    self.isCancelled = isCancelled
    self.input = input
    self.workers = max(1, workers)
    // Four items per worker: the consumer refills the queue only when it gets a turn on
    // the CPU, and with less slack workers often find it empty and must be woken one by one.
    window = max(1, workers) * 4
    self.policy = policy
    self.progress = progress
    self.onFinish = onFinish
    self.work = work
  }

  /// A runner that stops at the first failure, or records every item's outcome.
  public convenience init(
    input: ValueStream, workers: Int, keepGoing: Bool,
    isCancelled: @escaping @Sendable () -> Bool = { false },
    onFinish: @escaping @Sendable (BulkSummary) -> Void = { _ in }, work: @escaping Work
  ) {
    self.init(
      input: input, workers: workers, policy: keepGoing ? .record : .stop,
      isCancelled: isCancelled, onFinish: onFinish, work: work)
  }

  /// Ends the progress line even when the consumer drops the stream early.
  deinit { progress?.end() }

  /// The results as a stream: values (or `ItemResult` records with `keepGoing`).
  public var stream: ValueStream {
    ValueStream(count: input.knownCount) { [self] in try next() }
  }

  /// The next result in input order; nil after the last.
  public func next() throws -> Value? {
    cond.lock()
    defer { unlockAndWake() }
    if thrown { return nil }
    while true {
      if let r = results.removeValue(forKey: nextEmit) {
        nextEmit += 1
        if let value = try yield(r) { return value }
        continue
      }
      if (inputDone || halted) && nextEmit == nextIndex && queue.isEmpty && active == 0 {
        finish()
        // A run cut short by Ctrl-C must not look complete.
        if interrupted {
          thrown = true
          throw ShellError.interrupted
        }
        return nil
      }
      if !halted, isCancelled() {
        // Ctrl-C: start nothing new; what is in flight finishes or notices by itself.
        interrupted = true
        halt()
        continue
      }
      if !inputDone, !halted, nextIndex - nextEmit < window {
        // While every worker is busy, pulled items would only wait in the queue, so
        // several are pulled per turn of the lock, which 32 workers contend for; an idle
        // worker gets its item at once.
        let batch = idle > 0 ? 1 : min(window - (nextIndex - nextEmit), Self.pullBatch)
        unlockAndWake()
        var pulled: [Result<Value?, Error>] = []
        while pulled.count < batch {
          let one = Result { try input.next() }
          pulled.append(one)
          guard case .success(.some) = one else { break }
        }
        cond.lock()
        for one in pulled { try dispatch(one) }
        continue
      }
      if wakes > 0 {
        unlockAndWake()
        cond.lock()
        continue
      }
      cond.wait()
    }
  }

  /// The value to hand out for a result; nil when a skipped failure leaves nothing.
  private func yield(_ r: ItemResult) throws -> Value? {
    switch r.outcome {
    case .success(let v):
      summary.succeeded += 1
      return policy == .record ? r.record : v
    case .failure(let e):
      summary.failures.append(r)
      // An interruption ends the run even with keepGoing: it is not the item's failure.
      if keepGoing, e.category != .interrupted { return policy == .record ? r.record : nil }
      thrown = true
      halt()
      finish()
      throw e
    }
  }

  /// Queues a pulled item (caller holds the lock); an upstream error stops the run.
  private func dispatch(_ pulled: Result<Value?, Error>) throws {
    switch pulled {
    case .failure(let error):
      thrown = true
      halt()
      throw error
    case .success(nil):
      inputDone = true
      releaseWorkers()
      progress?.setTotal(nextIndex)
    case .success(let item?):
      // A worker's failure may have halted the run while the lock was let go for the pull.
      guard !halted else { return }
      queue.append((nextIndex, item))
      nextIndex += 1
      if idle > 0 {
        idle -= 1
        wakes += 1
      } else if active < workers {
        active += 1
        Thread { [self] in workLoop() }.start()
      }
    }
  }

  /// Starts nothing more (caller holds the lock). Queued items never ran, so the stream
  /// ends before the first of them.
  private func halt() {
    halted = true
    if let first = queue.first { nextIndex = first.index }
    queue.removeAll()
    releaseWorkers()
  }

  /// Wakes every idle worker so it sees that no more items will come; busy ones see it
  /// when they hand in their result.
  private func releaseWorkers() {
    wakes += idle
    idle = 0
  }

  /// Releases the lock, then sends the signals owed.
  private func unlockAndWake() {
    let owed = wakes
    wakes = 0
    cond.unlock()
    for _ in 0..<owed { workReady.signal() }
  }

  /// Runs items until the input is done. A worker idle for a second exits, so a consumer
  /// that stops reading early leaves no threads behind; the next item starts a new one.
  private func workLoop() {
    cond.lock()
    while true {
      guard !queue.isEmpty else {
        if inputDone || halted || !awaitWork() { break }
        continue
      }
      let job = queue.removeFirst()
      cond.unlock()
      let outcome: Result<Value, ShellError>
      do {
        outcome = .success(try work(job.item))
      } catch let e as ShellError {
        outcome = .failure(e)
      } catch {
        outcome = .failure(ShellError.runtime("failed", "\(error)"))
      }
      if case .failure(let e) = outcome {
        if e.category != .interrupted { progress?.tick(failed: true) }
      } else {
        progress?.tick()
      }
      cond.lock()
      results[job.index] = ItemResult(index: job.index, item: job.item, outcome: outcome)
      if case .failure(let e) = outcome, !keepGoing || e.category == .interrupted {
        halt()
      }
      // The consumer waits only for the next result in order (or for a halt); waking it
      // for any other result would cost a context switch for nothing.
      if job.index == nextEmit || halted { cond.broadcast() }
    }
    active -= 1
    cond.broadcast()
    unlockAndWake()
  }

  /// Sleeps until an item is queued or the run ends (caller holds the lock, and holds it
  /// again on return). False after a second with nothing to do: the worker should exit.
  private func awaitWork() -> Bool {
    idle += 1
    unlockAndWake()
    let woken = workReady.wait(timeout: .now() + 1) == .success
    cond.lock()
    if woken { return true }
    // Timed out. Idle workers are interchangeable: while some have no signal set aside,
    // this one leaves their number. When all have one, one of those is this worker's,
    // on its way, and the next wait returns at once.
    guard idle > 0 else { return true }
    idle -= 1
    return !queue.isEmpty
  }

  private func finish() {
    guard !finished else { return }
    finished = true
    progress?.end()
    let s = summary
    onFinish(s)
  }
}
