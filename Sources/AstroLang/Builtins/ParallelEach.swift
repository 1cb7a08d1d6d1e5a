import AstroCore
import Foundation
import Synchronization

/// `each --parallel N`: a bounded pool of worker threads over a lazy input stream.
///
/// Workers take items in input order and run the closure; the consumer receives results
/// in input order too. A window bounds how far workers may run ahead of the consumer, so
/// memory stays flat on a long stream. Dedicated threads are used instead of
/// `DispatchQueue.concurrentPerform`, which caps concurrency at the core count: API calls
/// spend their time waiting, so eight workers on two cores is reasonable.
enum ParallelEach {
  /// Worker threads run the evaluator, which recurses; give them a main-thread-sized stack.
  static let stackSize = 8 << 20
  /// More threads than this would not make API calls faster (the API allows 10 reads a
  /// second) and would only cost memory.
  static let maxWorkers = 64
  /// Live worker threads the whole process may have. A parallel `each` nested in another
  /// one's closure (recursion, above all) would otherwise multiply threads without bound.
  static let maxLiveWorkers = 128
  private static let live = Atomic<Int>(0)
  /// Marks a worker thread in its thread dictionary.
  static let workerKey = "astrosh.parallelEachWorker"

  /// Takes up to `wanted` worker slots from the process-wide budget; returns how many.
  static func reserveWorkers(_ wanted: Int) -> Int {
    var current = live.load(ordering: .relaxed)
    while true {
      let granted = min(wanted, max(0, maxLiveWorkers - current))
      if granted == 0 { return 0 }
      let (exchanged, seen) = live.compareExchange(
        expected: current, desired: current + granted, ordering: .relaxed)
      if exchanged { return granted }
      current = seen
    }
  }

  /// Gives back one slot taken by `reserveWorkers`, as a worker thread ends.
  static func releaseWorker() {
    live.subtract(1, ordering: .relaxed)
  }

  static func stream(_ call: Invocation, _ body: EachBody, workers: Int, keepGoing: Bool)
    -> ValueStream
  {
    let run = ParallelRun(
      source: call.input.items(), ctx: call.ctx, workers: workers, keepGoing: keepGoing
    ) { item in
      keepGoing ? try outcome(item) { try body(item) } : try body(item)
    }
    let handle = ParallelHandle(run)
    return ValueStream { try handle.next() }
  }

  /// The `--keep-going` record for one item: the closure's value, or the error it raised.
  /// An interruption is not an item's failure, so it still stops the run.
  static func outcome(_ item: Value, _ body: () throws -> Value) throws -> Value {
    var r = Record()
    r["item"] = item
    do {
      let value = try body()
      r["ok"] = .bool(true)
      r["value"] = value
      r["error"] = .null
    } catch let error as ShellError where error.category != .interrupted {
      r["ok"] = .bool(false)
      r["value"] = .null
      r["error"] = .record(error.asRecord)
    }
    return .record(r)
  }
}

/// Owned only by the consumer's stream; when the consumer drops the stream (for example
/// after `first 3`), the workers are told to stop instead of waiting forever.
private final class ParallelHandle {
  let run: ParallelRun
  init(_ run: ParallelRun) { self.run = run }
  deinit { run.abandon() }
  func next() throws -> Value? { try run.next() }
}

private final class ParallelRun: @unchecked Sendable {
  private let cond = NSCondition()
  private let source: ValueStream
  private let ctx: any CallContext
  private let workers: Int
  private let keepGoing: Bool
  private let body: @Sendable (Value) throws -> Value
  private let window: Int

  // All below are guarded by `cond`.
  private var started = false
  private var active = 0
  private var handedOut = 0
  private var emitted = 0
  private var results: [Int: Result<Value, any Error>] = [:]
  private var sourceDone = false
  private var sourceError: (any Error)?
  private var failures = 0
  private var stopped = false
  private var inline = false

  init(
    source: ValueStream, ctx: any CallContext, workers: Int, keepGoing: Bool,
    body: @escaping @Sendable (Value) throws -> Value
  ) {
    self.source = source
    self.ctx = ctx
    self.workers = workers
    self.keepGoing = keepGoing
    self.body = body
    self.window = max(16, workers * 4)
  }

  func abandon() {
    cond.lock()
    stopped = true
    cond.broadcast()
    cond.unlock()
  }

  /// The next result in input order; runs on the consumer's thread.
  func next() throws -> Value? {
    cond.lock()
    defer { cond.unlock() }
    if !started { startWorkers() }
    while true {
      if let result = results.removeValue(forKey: emitted) {
        emitted += 1
        cond.broadcast()
        switch result {
        case .success(let value):
          if value.isNull && !keepGoing { continue }
          return value
        case .failure(let error):
          throw finalError(error)
        }
      }
      if inline && !sourceDone && !stopped {
        runOne()
        continue
      }
      if active == 0 && (sourceDone || stopped) {
        if let error = sourceError { throw error }
        return nil
      }
      cond.wait()
    }
  }

  /// Waits for in-flight items so the error can say how many failed in all.
  private func finalError(_ error: any Error) -> any Error {
    stopped = true
    cond.broadcast()
    while active > 0 { cond.wait() }
    guard var shell = error as? ShellError else { return error }
    if failures > 1, shell.details["failedCount"] == nil {
      shell.details["failedCount"] = .int(failures)
      shell.hint = shell.hint ?? "\(failures) items failed; use --keep-going to see each one"
    }
    return shell
  }

  /// Starts as many workers as the process-wide budget allows; with none left, the items
  /// run on the consumer's thread instead (see `next`).
  private func startWorkers() {
    started = true
    // Inside another run's worker the items run inline: a recursive def would otherwise
    // fan out a tree of threads whose every branch runs to the depth limit.
    let nested = Thread.current.threadDictionary[ParallelEach.workerKey] != nil
    let granted = nested ? 0 : ParallelEach.reserveWorkers(workers)
    inline = granted == 0
    active = granted
    for _ in 0..<granted {
      let thread = Thread { [self] in work() }
      thread.stackSize = ParallelEach.stackSize
      thread.start()
    }
  }

  private func work() {
    Thread.current.threadDictionary[ParallelEach.workerKey] = true
    cond.lock()
    while runOne() {}
    active -= 1
    cond.broadcast()
    cond.unlock()
    ParallelEach.releaseWorker()
  }

  /// Takes one item and runs it with the lock let go; false when there is nothing to take.
  /// Called with the lock held.
  @discardableResult
  private func runOne() -> Bool {
    guard let (index, item) = take() else { return false }
    cond.unlock()
    let result = Result { try body(item) }
    cond.lock()
    if case .failure(let error) = result {
      failures += 1
      if !keepGoing || (error as? ShellError)?.category == .interrupted { stopped = true }
    }
    results[index] = result
    cond.broadcast()
    return true
  }

  /// The next item to work on, or nil when the worker should stop. Called with the lock
  /// held; pulling under the lock keeps the single-consumer promise of `ValueStream`.
  private func take() -> (Int, Value)? {
    while !stopped && !sourceDone {
      if handedOut - emitted >= window {
        cond.wait()
        continue
      }
      if ctx.isCancelled {
        sourceError = ShellError.interrupted
        stopped = true
        return nil
      }
      do {
        guard let item = try source.next() else {
          sourceDone = true
          return nil
        }
        defer { handedOut += 1 }
        return (handedOut, item)
      } catch {
        sourceError = error
        sourceDone = true
        return nil
      }
    }
    return nil
  }
}
