import AstroCore
import Foundation

/// Runs astrosh code: the entry point for the script runner and the REPL.
///
/// One interpreter keeps its variables and defs from one `run` to the next, so a REPL
/// feeds it line after line. Runs happen one at a time; each evaluates on a thread with a
/// large stack (`InterpreterOptions.stackSize`) while the caller waits, so deep recursion
/// ends in "recursion too deep" rather than a crash. `display` is called on that thread.
///
/// Closures run through `CallContext.call` may be called from several threads at once
/// (`each --parallel`): each thread gets its own evaluator and frames.
public final class Interpreter: @unchecked Sendable {
  /// Receives each top-level statement's value, in order, as the statement completes;
  /// not called for assignments, declarations, or a null result. A stream is handed over
  /// unconsumed, so it can be printed as it arrives.
  public var display: (PipelineData) throws -> Void = { _ in }

  /// Set it (from a signal handler too) to stop the running code with
  /// `ShellError.interrupted`; `run` clears it when it starts.
  public let cancellation: CancellationFlag

  private let engine: Engine
  private let evaluator: Evaluator
  private let topLevel = FunctionScope(kind: .topLevel, parent: nil)
  private let runLock = NSLock()
  /// Guards the top-level scope: resolution changes it, the accessors read it. Separate
  /// from `runLock` so builtins running inside `run` (such as `help`) can read it.
  private let scopeLock = NSLock()

  public init(
    services: Services = Services(), environment: [String: String] = [:],
    arguments: [String] = [], output: any OutputSink = StandardOutputSink(),
    options: InterpreterOptions = InterpreterOptions(),
    cancellation: CancellationFlag = CancellationFlag()
  ) {
    self.cancellation = cancellation
    engine = Engine(
      services: services, environment: environment, output: output,
      cancellation: cancellation, options: options)
    evaluator = Evaluator(engine: engine)
    let envSlot = topLevel.declare("env", kind: .readOnly)
    let argsSlot = topLevel.declare("args", kind: .readOnly)
    engine.globals.ensure(topLevel.slotCount)
    let names = environment.keys.sorted()
    let env = Record(keys: names, values: names.map { .string(environment[$0]!) })
    engine.globals.slots[envSlot] = .record(env)
    engine.globals.slots[argsSlot] = .list(arguments.map { .string($0) })
    engine.register(CoreBuiltins.all)
  }

  deinit {
    engine.shutDown()
  }

  /// Adds builtins; a later one replaces an earlier one of the same name.
  public func register(_ builtins: [Builtin]) {
    engine.register(builtins)
  }

  /// Every builtin by name, for `help` and completion.
  public var builtins: [String: Builtin] { engine.builtins }

  /// The defs declared at the top level so far, by name, with their signatures.
  public var definedCommands: [String: Signature] {
    withScope { top in
      var out: [String: Signature] = [:]
      for (name, function) in top.defs[0] { out[name] = function.signature }
      return out
    }
  }

  /// The top-level variables, including `env` and `args`, sorted; without `$`.
  public var variableNames: [String] {
    withScope { $0.blocks[0].keys.sorted() }
  }

  /// The current value of a top-level variable (name without `$`), for completion of
  /// `$d.<field>`.
  public func variable(_ name: String) -> Value? {
    withScope { top in
      top.blocks[0][name].map { engine.globals.read($0.slot) }
    }
  }

  /// Asks the running code to stop, like Ctrl-C.
  public func cancel() { cancellation.cancel() }

  /// Whether `text` is a whole input, or the REPL should read another line.
  public func isComplete(_ text: String) -> Bool { Parser.isComplete(text) }

  /// Whether `text` is a whole input, or the REPL should read another line.
  public static func isComplete(_ text: String) -> Bool { Parser.isComplete(text) }

  /// Parses, checks and runs `source`, showing each top-level value through `display`.
  ///
  /// Throws `ShellError` (syntax errors before anything runs, runtime errors where they
  /// happen) or `ScriptExit` for `exit N`.
  public func run(_ source: SourceFile) throws {
    _ = try onLargeStack { try self.execute(source, showing: true) }
  }

  /// Runs `source` like `run` but shows nothing; returns the last statement's value
  /// (streams collected). For `-c` hosts that want the value, and for tests.
  public func evaluate(_ source: SourceFile) throws -> Value {
    try onLargeStack { try self.execute(source, showing: false) }
  }

  private func onLargeStack<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    runLock.lock()
    defer { runLock.unlock() }
    cancellation.reset()
    return try LargeStack.run(size: engine.options.stackSize, body)
  }

  private func withScope<T>(_ body: (FunctionScope) throws -> T) rethrows -> T {
    scopeLock.lock()
    defer { scopeLock.unlock() }
    return try body(topLevel)
  }
}

// MARK: - Running

extension Interpreter {
  private func execute(_ source: SourceFile, showing: Bool) throws -> Value {
    let program = try Parser.parse(source)
    let statements = try resolve(program)
    evaluator.adopt()
    evaluator.depth = 0
    evaluator.steps = 0
    let frame = Frame(slots: engine.globals.slots, file: source, global: engine.globals)
    var last = Value.null
    for statement in statements {
      do {
        let result = try evaluator.data(statement.code, frame, .empty)
        if showing {
          try show(result, statement)
        } else {
          last = try result.collect()
        }
      } catch let error as ShellError {
        throw evaluator.locate(error, statement.span, frame)
      }
    }
    return last
  }

  private func show(_ result: PipelineData, _ statement: Statement) throws {
    guard statement.shows else { return try evaluator.drain(result) }
    switch result {
    case .empty, .value(.null): return
    default: try display(result)
    }
  }

  /// Resolves against the persistent top-level scope; on an error the scope is put back
  /// as it was, so a failed REPL line declares nothing.
  private func resolve(_ program: Program) throws -> [Statement] {
    try withScope { topLevel in
      let saved = (topLevel.blocks, topLevel.defs, topLevel.slotCount)
      do {
        let resolver = Resolver(file: program.file, topLevel: topLevel, builtins: engine.builtins)
        let statements = try resolver.resolve(program)
        engine.globals.ensure(topLevel.slotCount)
        return statements
      } catch {
        (topLevel.blocks, topLevel.defs, topLevel.slotCount) = saved
        throw error
      }
    }
  }
}

// MARK: - Sources

extension Interpreter {
  /// A source from raw bytes: invalid UTF-8 is an error pointing at the first bad byte.
  public static func source(named name: String, bytes: [UInt8]) throws -> SourceFile {
    // Editors on some systems start UTF-8 files with a byte order mark; it is not code.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      return try source(named: name, bytes: Array(bytes.dropFirst(3)))
    }
    guard let offset = TextEncoding.firstInvalidByte(in: bytes) else {
      return SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
    }
    let decoded = SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
    let file = SyntaxErrors.printable(decoded)
    throw ShellError(
      .syntax, code: "binary_input", "the source is not valid UTF-8 text",
      hint: TextEncoding.startsWithUTF16Mark(bytes)
        ? "it is UTF-16 text; " + TextEncoding.utf16Hint(name)
        : "astrosh scripts are UTF-8 text; is this a binary file?",
      at: SourceLocation(file: file, span: Span(offset, offset + 1)))
  }
}

/// Runs a body on a fresh thread with a large stack and waits for it.
enum LargeStack {
  private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
  }

  static func run<T: Sendable>(size: Int, _ body: @escaping @Sendable () throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      outcome.result = Result { try body() }
      done.signal()
    }
    thread.stackSize = size
    thread.start()
    done.wait()
    return try outcome.result!.get()
  }
}
