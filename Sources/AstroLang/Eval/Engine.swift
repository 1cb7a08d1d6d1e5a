import AstroCore
import Foundation
import Synchronization

/// The state shared by every evaluator of one interpreter.
///
/// Mutable parts are either behind `lock` (the builtin table, the pool of evaluators) or
/// written only by the thread running `Interpreter.run` between evaluations (the global
/// frame grows before a run starts evaluating; top-level variables are assigned only by
/// top-level code, while builtins that run closures on other threads have returned).
final class Engine: @unchecked Sendable {
  let services: Services
  let environment: [String: String]
  let output: any OutputSink
  let cancellation: CancellationFlag
  let options: InterpreterOptions
  let globals = GlobalFrame()
  private let lock = NSLock()
  private var table: [String: Builtin] = [:]
  private var spare: [Evaluator] = []

  /// Lets go of the pooled evaluators, which refer back to the engine.
  func shutDown() {
    lock.lock()
    defer { lock.unlock() }
    spare.removeAll()
  }

  init(
    services: Services, environment: [String: String], output: any OutputSink,
    cancellation: CancellationFlag, options: InterpreterOptions
  ) {
    self.services = services
    self.environment = environment
    self.output = output
    self.cancellation = cancellation
    self.options = options
  }

  var builtins: [String: Builtin] {
    lock.lock()
    defer { lock.unlock() }
    return table
  }

  func register(_ builtins: [Builtin]) {
    lock.lock()
    defer { lock.unlock() }
    for b in builtins { table[b.name] = b }
  }

  /// An evaluator for a thread other than the one running the script.
  ///
  /// It starts at the caller's call depth: a closure that recurses through a worker
  /// thread must still meet the recursion limit.
  func borrowEvaluator(depth: Int) -> Evaluator {
    lock.lock()
    let evaluator = spare.popLast() ?? Evaluator(engine: self)
    lock.unlock()
    evaluator.adopt()
    evaluator.depth = depth
    return evaluator
  }

  func returnEvaluator(_ evaluator: Evaluator) {
    lock.lock()
    defer { lock.unlock() }
    spare.append(evaluator)
  }
}

/// The frame of the top level, which lives as long as the interpreter so variables persist
/// between REPL lines. It grows between runs, never during one.
final class GlobalFrame: @unchecked Sendable {
  private(set) var slots: UnsafeMutablePointer<Value>
  private var capacity: Int
  /// Taken by writes (on the thread running the script) and by reads from defs, which
  /// may run on worker threads; the script's own reads need no lock, as only its thread
  /// writes. A spin lock: it guards a few machine words, and top-level loops take it on
  /// every assignment.
  private let busy = Atomic<Bool>(false)

  init() {
    capacity = 64
    slots = .allocate(capacity: capacity)
    slots.initialize(repeating: .null, count: capacity)
  }

  deinit {
    slots.deinitialize(count: capacity)
    slots.deallocate()
  }

  func read(_ slot: Int) -> Value {
    acquire()
    defer { release() }
    return slots[slot]
  }

  func write(_ value: Value, at slot: Int) {
    acquire()
    let old = slots[slot]
    slots[slot] = value
    release()
    // The old value is released outside the lock: its teardown may be long.
    _ = old
  }

  /// Runs `body` with writes and def reads held off.
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    acquire()
    defer { release() }
    return try body()
  }

  @inline(__always)
  private func acquire() {
    while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
      sched_yield()
    }
  }

  @inline(__always)
  private func release() {
    busy.store(false, ordering: .releasing)
  }

  func ensure(_ count: Int) {
    guard count > capacity else { return }
    let grown = max(count, capacity * 2)
    let fresh = UnsafeMutablePointer<Value>.allocate(capacity: grown)
    fresh.moveInitialize(from: slots, count: capacity)
    (fresh + capacity).initialize(repeating: .null, count: grown - capacity)
    slots.deallocate()
    slots = fresh
    capacity = grown
  }
}

/// The context builtins receive: it runs closures, polls for Ctrl-C and writes output.
///
/// A builtin may keep it in a lazy stream, so it holds its evaluator strongly (the
/// evaluator does not hold it: each builtin call gets a fresh one).
final class EvalContext: CallContext, @unchecked Sendable {
  let evaluator: Evaluator
  /// The evaluator's call depth when the builtin was called, read on its own thread;
  /// closures run for the builtin on other threads start from it.
  let depth: Int

  init(evaluator: Evaluator) {
    self.evaluator = evaluator
    self.depth = evaluator.depth
  }

  /// Runs on the evaluator's own stack when called from its thread; from any other
  /// thread (parallel `each`) a pooled evaluator runs it, so calls never share frames.
  func call(_ callable: any Callable, _ arguments: [Value], input: Value?) throws -> Value {
    if evaluator.isOnOwnerThread { return try evaluator.invoke(callable, arguments, input) }
    let engine = evaluator.engine
    let borrowed = engine.borrowEvaluator(depth: depth)
    defer { engine.returnEvaluator(borrowed) }
    return try borrowed.invoke(callable, arguments, input)
  }

  func checkCancelled() throws {
    if evaluator.engine.cancellation.isCancelled { throw ShellError.interrupted }
  }

  var isCancelled: Bool { evaluator.engine.cancellation.isCancelled }

  func write(_ text: String) { evaluator.engine.output.write(text) }

  func writeError(_ text: String) { evaluator.engine.output.writeError(text) }

  func environment(_ name: String) -> String? { evaluator.engine.environment[name] }

  var services: Services { evaluator.engine.services }
}
