import AstroCore
import Foundation

/// The slots of one running function, and the file its code came from (for errors).
struct Frame {
  let slots: UnsafeMutablePointer<Value>
  unowned(unsafe) let file: SourceFile
  /// Set for the top-level frame, whose slots defs may read from other threads: writes to
  /// it take the frame's lock.
  unowned(unsafe) let global: GlobalFrame?

  init(slots: UnsafeMutablePointer<Value>, file: SourceFile, global: GlobalFrame? = nil) {
    self.slots = slots
    self.file = file
    self.global = global
  }
}

/// Evaluates resolved code on one thread.
///
/// Each evaluator owns a value stack on which calls push their frames, so a call costs no
/// allocation. An evaluator is used by one thread at a time: the interpreter's own for the
/// script, and borrowed ones for closures that builtins run on worker threads.
final class Evaluator {
  let engine: Engine
  private let cancellation: CancellationFlag
  private let stack: UnsafeMutablePointer<Value>
  private let capacity: Int
  // Touched on every call: exempt from the dynamic exclusivity checks Swift makes on
  // class properties (only this evaluator's own thread uses them).
  @exclusivity(unchecked) private var top = 0
  @exclusivity(unchecked) var depth = 0
  @exclusivity(unchecked) var steps = 0
  let maxDepth: Int
  let maxSteps: Int
  /// The lowest stack address calls may reach on the owner thread (its stack's end plus a
  /// margin), and the highest address of that stack.
  @exclusivity(unchecked) private var stackLimit: UInt = 0
  @exclusivity(unchecked) private var stackTop: UInt = 0
  /// The thread this evaluator currently belongs to.
  @exclusivity(unchecked) private(set) var owner: pthread_t
  /// The context handed to a builtin call.
  var context: EvalContext { EvalContext(evaluator: self) }

  init(engine: Engine) {
    self.engine = engine
    self.cancellation = engine.cancellation
    self.capacity = engine.options.frameSlots
    self.stack = .allocate(capacity: capacity)
    self.maxDepth = engine.options.maxCallDepth
    self.maxSteps = engine.options.maxSteps ?? 0
    self.owner = pthread_self()
  }

  deinit {
    stack.deinitialize(count: top)
    stack.deallocate()
  }

  /// Makes the calling thread this evaluator's owner.
  func adopt() {
    owner = pthread_self()
    (stackLimit, stackTop) = NativeStack.bounds()
  }

  /// Whether the caller runs on the owner thread: its stack pointer lies within the
  /// owner's stack (stacks of live threads never overlap), which is cheaper to test than
  /// asking for the thread's id.
  var isOnOwnerThread: Bool {
    guard stackTop != 0 else { return pthread_equal(owner, pthread_self()) != 0 }
    let sp = NativeStack.current()
    return sp < stackTop && sp >= stackLimit
  }

  /// Pushes a frame of `.null` slots for `proto`.
  @inline(__always)
  func push(_ proto: FunctionProto) throws -> Frame {
    let count = proto.slotCount
    guard top + count <= capacity else { throw tooDeep() }
    let slots = stack + top
    for i in 0..<count { (slots + i).initialize(to: .null) }
    top += count
    return Frame(slots: slots, file: proto.file)
  }

  @inline(__always)
  func pop(_ proto: FunctionProto) {
    top -= proto.slotCount
    let slots = stack + top
    for i in 0..<proto.slotCount { _ = (slots + i).move() }
  }

  /// Counts one call level, refusing to go deeper than the limits allow.
  @inline(__always)
  func enter() throws {
    depth += 1
    if depth > maxDepth || NativeStack.current() < stackLimit {
      depth -= 1
      throw tooDeep()
    }
    try tick()
  }

  @inline(never)
  private func tooDeep() -> ShellError { EvalErrors.recursionTooDeep(maxDepth) }

  /// Polled by every call and loop iteration: stops on Ctrl-C and on the step budget.
  @inline(__always)
  func tick() throws {
    if cancellation.isCancelled {
      throw ShellError.interrupted
    }
    if maxSteps > 0 {
      steps += 1
      if steps > maxSteps { throw EvalErrors.stepLimit(maxSteps) }
    }
  }

  /// Writes a slot of `frame`; a write to the top-level frame takes its lock, so a def
  /// reading that variable on another thread never sees half a value.
  @inline(__always)
  func store(_ value: Value, _ slot: Int, _ frame: Frame) {
    if let global = frame.global {
      global.write(value, at: slot)
    } else {
      frame.slots[slot] = value
    }
  }

  @inline(never)
  func locate(_ error: ShellError, _ span: Span, _ frame: Frame) -> ShellError {
    error.located(SourceLocation(file: frame.file, span: span))
  }
}

/// The machine stack of the current thread, so deep recursion stops with an error before
/// it overflows, whatever the thread's stack size.
enum NativeStack {
  /// Room kept free below the deepest call for builtins and value teardown.
  static let reserve = 256 << 10

  private typealias GetAttributes =
    @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

  /// glibc's `pthread_getattr_np`, which Swift's Glibc module does not export (it needs
  /// `_GNU_SOURCE`); looked up once at run time.
  private static let getAttributes: GetAttributes? = {
    guard let symbol = dlsym(nil, "pthread_getattr_np") else { return nil }
    return unsafeBitCast(symbol, to: GetAttributes.self)
  }()

  /// The lowest address calls may use (the stack's end plus a margin) and the stack's
  /// top, for the current thread; zeros when the system cannot tell.
  static func bounds() -> (limit: UInt, top: UInt) {
    var attr = pthread_attr_t()
    guard let getAttributes, getAttributes(pthread_self(), &attr) == 0 else { return (0, 0) }
    defer { pthread_attr_destroy(&attr) }
    var base: UnsafeMutableRawPointer?
    var size = 0
    guard pthread_attr_getstack(&attr, &base, &size) == 0, let base else { return (0, 0) }
    let margin = min(max(size / 8, reserve), 2 << 20)
    let low = UInt(bitPattern: base)
    return (low + UInt(margin), low + UInt(size))
  }

  @inline(never)
  static func current() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }
}
