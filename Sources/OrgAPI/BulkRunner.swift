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
  /// Items (counted above too) that finished after the consumer had stopped reading.
  public var unread = 0
  /// Those of them that succeeded, and those handed out after Ctrl-C (a later stage may
  /// have dropped them), with their results: for a change, what was made.
  public var unreadDone: [ItemResult] = []
  /// Ctrl-C ended the run.
  public var interrupted = false
  /// The consumer let go of the results before their end (`| first 3`).
  public var readerLeft = false

  public var total: Int { succeeded + failures.count }

  /// `3 ok, 1 failed` and one line per failure naming the item and the reason.
  public var text: String {
    var out = "\(succeeded) ok, \(failures.count) failed"
    if unread > 0 { out += " (\(unread) finished after the pipeline stopped reading)" }
    out += "\n"
    for f in failures {
      guard case .failure(let e) = f.outcome else { continue }
      out += "  item \(f.index)\(BulkSummary.label(f.item)): \(e.message)\n"
    }
    return out
  }

  /// The changes that finished as the run was stopped (Ctrl-C, `first 3`), one line each,
  /// so that what was made is not lost with output that may never have been shown.
  public var unreadChanges: String {
    var out = "\(unreadDone.count) finished as the run stopped, maybe not shown:\n"
    for r in unreadDone {
      guard case .success(let value) = r.outcome else { continue }
      out += "  item \(r.index)\(BulkSummary.label(value)): done\n"
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

  /// Nil once the run is finished: letting go of the input at once lets a bulk stage
  /// upstream (`create_… | verify_…`) learn that its reader left, so it waits for its
  /// calls in flight and reports them before the process reports and exits. Worker
  /// threads keep this runner alive for a while after, which must not keep the input.
  private var input: ValueStream?
  /// The input let go of under the lock, released once it is unlocked: the upstream
  /// runner's clean-up waits for its calls and must not hold this runner's lock.
  private var droppedInput: ValueStream?
  private let knownCount: Int?
  private let workers: Int
  private let window: Int
  /// The most items the consumer pulls from upstream per turn of the lock.
  private static let pullBatch = 8
  private let policy: FailurePolicy
  private var keepGoing: Bool { policy.keepsGoing }
  private let work: Work
  /// Set when items are API calls that can be in flight without a thread each waiting.
  private let split: Split?
  /// How many threads run items: `workers` with a thread per item in flight; with `split`
  /// one per processor, each with a share of the `workers` calls in flight.
  private let threads: Int
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

  /// Items as API calls in two halves (see `APIClient.begin`): a thread puts several in
  /// flight and reads each answer as its socket has one, where a thread per call would
  /// sleep and wake for every answer.
  struct Split: Sendable {
    var begin: @Sendable (Value) -> APIClient.Step
    var finish: @Sendable (APIClient.InFlight, _ timedOut: Bool) -> APIClient.Step
  }

  public convenience init(
    input: ValueStream, workers: Int, policy: FailurePolicy, progress: BulkMeter.Run? = nil,
    isCancelled: @escaping @Sendable () -> Bool = { false },
    onFinish: @escaping @Sendable (BulkSummary) -> Void = { _ in }, work: @escaping Work
  ) {
    self.init(
      input: input, workers: workers, policy: policy, progress: progress,
      isCancelled: isCancelled, onFinish: onFinish, split: nil, work: work)
  }

  /// With `split`, `work` is unused: items run through its two halves.
  init(
    input: ValueStream, workers: Int, policy: FailurePolicy, progress: BulkMeter.Run?,
    isCancelled: @escaping @Sendable () -> Bool,
    onFinish: @escaping @Sendable (BulkSummary) -> Void, split: Split?,
    work: @escaping Work
  ) {
    self.isCancelled = isCancelled
    self.input = input
    knownCount = input.knownCount
    self.workers = max(1, workers)
    self.split = split
    threads =
      split == nil
      ? max(1, workers) : min(max(1, workers), ProcessInfo.processInfo.activeProcessorCount)
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

  /// The results as a stream: values (or `ItemResult` records with `keepGoing`). Take it
  /// once: when the consumer lets go of it before the end (`| first 3`), the items already
  /// started are waited for and counted in the summary, failures included, so no change
  /// made and no failure goes unseen.
  public var stream: ValueStream {
    let reader = Reader(self)
    return ValueStream(count: knownCount) { try reader.runner.next() }
  }

  /// Held by the stream only, so that its end tells the consumer let go.
  private final class Reader: @unchecked Sendable {
    let runner: BulkRunner
    init(_ runner: BulkRunner) { self.runner = runner }
    deinit { runner.readerLeft() }
  }

  /// The consumer let go of the stream: unless the run is over, nothing new starts, the
  /// items in flight are waited for, and those nobody read go into the summary.
  private func readerLeft() {
    cond.lock()
    defer { unlockAndWake() }
    guard !finished, !thrown else { return }
    halt()
    settle()
    summary.readerLeft = true
    finish()
  }

  /// Waits for every started item to finish (caller holds the lock, the run is halted) and
  /// moves the results nobody has read into the summary.
  private func settle() {
    while (nextEmit..<nextIndex).contains(where: { results[$0] == nil }) { cond.wait() }
    for index in nextEmit..<nextIndex {
      guard let r = results.removeValue(forKey: index) else { continue }
      summary.unread += 1
      switch r.outcome {
      case .success:
        summary.succeeded += 1
        summary.unreadDone.append(r)
      case .failure(let e) where e.category != .interrupted: summary.failures.append(r)
      case .failure: break
      }
    }
    nextEmit = nextIndex
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
        summary.interrupted = interrupted
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
          let one = Result { try input?.next() ?? nil }
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
      // After Ctrl-C a later stage may drop what it is handed: keep it for the report.
      if interrupted || isCancelled() { summary.unreadDone.append(r) }
      return policy == .record ? r.record : v
    case .failure(let e):
      summary.failures.append(r)
      // An interruption ends the run even with keepGoing: it is not the item's failure.
      if keepGoing, e.category != .interrupted { return policy == .record ? r.record : nil }
      thrown = true
      halt()
      guard e.category != .interrupted else {
        finish()
        throw e
      }
      // Calls started beside this one may have changed things: wait for them, and say
      // how far the run got.
      settle()
      finish()
      throw stoppedAt(r, e)
    }
  }

  /// The failure that stopped a run, saying what else the run did.
  private func stoppedAt(_ r: ItemResult, _ error: ShellError) -> ShellError {
    var e = error
    let others = summary.failures.count - 1
    e.details["bulk"] = .record(
      Record([
        ("item", .int(r.index)), ("succeeded", .int(summary.succeeded)),
        ("failed", .int(summary.failures.count)),
      ]))
    let items = summary.succeeded == 1 ? "item" : "items"
    var note = "item \(r.index) stopped the run after \(summary.succeeded) other \(items) succeeded"
    if others > 0 { note += " and \(others) more failed" }
    note += "; --keep-going carries on past failures, --journal lets a rerun skip what is done"
    e.hint = [e.hint, note].compactMap { $0 }.joined(separator: "; ")
    return e
  }

  /// Queues a pulled item (caller holds the lock); an upstream error stops the run.
  private func dispatch(_ pulled: Result<Value?, Error>) throws {
    switch pulled {
    case .failure(let error):
      // An upstream error (Ctrl-C seen by an earlier stage, too) ends the run, but the
      // calls already sent are waited for first, so that what they did is known and told.
      thrown = true
      halt()
      settle()
      summary.interrupted = (error as? ShellError)?.category == .interrupted
      finish()
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
      } else if active < threads {
        active += 1
        if let split {
          let share = workers / threads + (active <= workers % threads ? 1 : 0)
          Thread { [self] in multiplexLoop(split, calls: share) }.start()
        } else {
          Thread { [self] in workLoop() }.start()
        }
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

  /// Releases the lock, then sends the signals owed and lets go of a finished input.
  private func unlockAndWake() {
    let owed = wakes
    wakes = 0
    let dropped = droppedInput
    droppedInput = nil
    cond.unlock()
    for _ in 0..<owed { workReady.signal() }
    withExtendedLifetime(dropped) {}
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
      let result = itemResult(job.index, job.item, Result { try work(job.item) })
      cond.lock()
      store([result])
    }
    active -= 1
    cond.broadcast()
    unlockAndWake()
  }

  // MARK: Many calls per thread

  /// A call of `Split` whose answer is awaited.
  private struct Flight {
    var index: Int
    var item: Value
    var call: APIClient.InFlight
    var sent: Double
  }

  /// The work loop with `split`: keeps up to `calls` items going, starting new ones as
  /// the queue has them, and finishing each when its socket is readable, its wait is
  /// over (Ctrl-C, the deadline) or nothing came for the idle timeout. A retry's delay is
  /// waited out on a thread of its own, so the calls beside it are not held up.
  private func multiplexLoop(_ split: Split, calls: Int) {
    var flights: [Flight] = []
    var done: [ItemResult] = []
    let laterRunning = Locked(0)
    var lastSweep = monotonicNow()
    cond.lock()
    while true {
      store(done)
      done.removeAll(keepingCapacity: true)
      var taken: [(index: Int, item: Value)] = []
      let busy = flights.count + laterRunning.current
      while busy + taken.count < calls, !queue.isEmpty { taken.append(queue.removeFirst()) }
      if flights.isEmpty, taken.isEmpty {
        if laterRunning.current > 0 {
          unlockAndWake()
          usleep(10_000)
          cond.lock()
          continue
        }
        if inputDone || halted || !awaitWork() { break }
        continue
      }
      unlockAndWake()
      for job in taken {
        handle(split.begin(job.item), job.index, job.item, &flights, &done, laterRunning)
      }
      guard !flights.isEmpty else {
        cond.lock()
        continue
      }
      var fds = flights.map {
        pollfd(fd: $0.call.pending.descriptor, events: Int16(POLLIN), revents: 0)
      }
      let ready = poll(&fds, nfds_t(fds.count), Int32(HTTPConnection.slice * 1000))
      let now = monotonicNow()
      let sweep = ready <= 0 || now - lastSweep >= HTTPConnection.slice
      if sweep { lastSweep = now }
      var index = flights.count - 1
      while index >= 0 {
        let flight = flights[index]
        let limits = flight.call.pending.limits
        let readable = fds[index].revents != 0
        var timedOut = false
        if !readable, sweep {
          timedOut = now - flight.sent >= limits.idle
        }
        if readable || timedOut
          || sweep && (now >= limits.deadline || limits.isCancelled())
        {
          flights.remove(at: index)
          handle(
            split.finish(flight.call, timedOut), flight.index, flight.item, &flights, &done,
            laterRunning)
        }
        index -= 1
      }
      cond.lock()
    }
    active -= 1
    cond.broadcast()
    unlockAndWake()
  }

  /// Acts on where a call stands: a result, an answer to wait for, or the rest to run on
  /// a thread of its own.
  private func handle(
    _ step: APIClient.Step, _ index: Int, _ item: Value, _ flights: inout [Flight],
    _ done: inout [ItemResult], _ laterRunning: Locked<Int>
  ) {
    switch step {
    case .done(let result):
      done.append(itemResult(index, item, result.flatMap { data in Result { try data.collect() } }))
    case .inFlight(let call):
      flights.append(Flight(index: index, item: item, call: call, sent: monotonicNow()))
    case .later(let rest):
      laterRunning.withLock { $0 += 1 }
      Thread { [self] in
        let result = itemResult(index, item, Result { try rest().collect() })
        cond.lock()
        store([result])
        laterRunning.withLock { $0 -= 1 }
        unlockAndWake()
      }.start()
    }
  }

  private func itemResult(_ index: Int, _ item: Value, _ result: Result<Value, Error>)
    -> ItemResult
  {
    let outcome = result.mapError { error -> ShellError in
      error as? ShellError ?? ShellError.runtime("failed", "\(error)")
    }
    if case .failure(let e) = outcome {
      if e.category != .interrupted { progress?.tick(failed: true) }
    } else {
      progress?.tick()
    }
    return ItemResult(index: index, item: item, outcome: outcome)
  }

  /// Records finished items (caller holds the lock); a failure halts the run unless it
  /// keeps going. The consumer waits only for the next result in order (or for a halt):
  /// waking it for any other result would cost a context switch for nothing.
  private func store(_ finished: [ItemResult]) {
    guard !finished.isEmpty else { return }
    var wake = false
    for result in finished {
      results[result.index] = result
      if case .failure(let e) = result.outcome, !keepGoing || e.category == .interrupted {
        halt()
      }
      wake = wake || result.index == nextEmit
    }
    if wake || halted { cond.broadcast() }
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
    droppedInput = input
    input = nil
    progress?.end()
    let s = summary
    onFinish(s)
  }
}
