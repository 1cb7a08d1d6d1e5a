import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// Small builtins for the evaluator tests, so they do not depend on the real data
/// builtins (which have their own tests).
enum EvalTestBuiltins {
  static let all: [Builtin] = [
    each, filter, reduce, length, show, echo, fail, forever, parallelMap, parallelStream, collect,
    cancelNow,
  ]

  static func closure(_ args: CallArgs, _ index: Int = 0) throws -> any Callable {
    guard case .closure(let c) = args.positional[index] else {
      throw ShellError.runtime("type_mismatch", "not a closure")
    }
    return c
  }

  /// Calls with as many arguments as the closure declares, like the real builtins.
  static func call(_ ctx: any CallContext, _ c: any Callable, _ item: Value) throws -> Value {
    try ctx.call(c, c.parameterNames.isEmpty ? [] : [item], input: item)
  }

  static let each = Builtin(
    "each", category: "test", abstract: "map",
    signature: Signature(positional: [Parameter("closure", .closure, "")])
  ) { args, ctx in
    let c = try closure(args)
    let source = args.input.items()
    return .stream(
      ValueStream {
        while let item = try source.next() {
          let out = try call(ctx, c, item)
          if !out.isNull { return out }
        }
        return nil
      })
  }

  static let filter = Builtin(
    "where", category: "test", abstract: "filter",
    signature: Signature(positional: [Parameter("condition", .closure, "")])
  ) { args, ctx in
    let c = try closure(args)
    let source = args.input.items()
    return .stream(
      ValueStream {
        while let item = try source.next() {
          if try call(ctx, c, item).isTruthy { return item }
        }
        return nil
      })
  }

  static let reduce = Builtin(
    "reduce", category: "test", abstract: "fold",
    signature: Signature(
      positional: [Parameter("closure", .closure, "")], flags: [Flag("fold", .any, "")])
  ) { args, ctx in
    let c = try closure(args)
    let source = args.input.items()
    guard var acc = try args.flags["fold"] ?? source.next() else { return .value(.null) }
    while let item = try source.next() { acc = try ctx.call(c, [item, acc], input: item) }
    return .value(acc)
  }

  static let length = Builtin("length", category: "test", abstract: "count") { args, _ in
    var n = 0
    let source = args.input.items()
    while try source.next() != nil { n += 1 }
    return .value(.int(n))
  }

  static let show = Builtin(
    "print", category: "test", abstract: "write",
    signature: Signature(
      rest: Parameter("values", .any, ""), flags: [Flag("stderr", short: "e", nil, "")])
  ) { args, ctx in
    let text = args.positional.map(\.plainText).joined(separator: " ") + "\n"
    if args.has("stderr") { ctx.writeError(text) } else { ctx.write(text) }
    return .value(.null)
  }

  /// Returns what it was given, to test argument and flag binding.
  static let echo = Builtin(
    "echo", category: "test", abstract: "arguments as a record",
    signature: Signature(
      positional: [Parameter("first", .any, optional: true, "")],
      rest: Parameter("rest", .any, ""),
      flags: [
        Flag("switch", short: "s", nil, ""), Flag("count", short: "c", .int, ""),
        Flag("name", .string, ""), Flag("mode", .oneOf(["fast", "slow"]), ""),
      ])
  ) { args, _ in
    var flags = Record()
    for key in args.flags.keys.sorted() { flags[key] = args.flags[key] }
    let input = try args.input.collect()
    return .value(
      .record(
        Record([
          ("positional", .list(args.positional)), ("flags", .record(flags)), ("input", input),
        ])
      ))
  }

  static let fail = Builtin(
    "fail", category: "test", abstract: "raise",
    signature: Signature(positional: [Parameter("message", .string, optional: true, "")])
  ) { args, _ in
    throw ShellError.runtime("test_failure", args.positional.first?.stringValue ?? "failed")
  }

  /// An endless stream of integers that polls for Ctrl-C.
  static let forever = Builtin("forever", category: "test", abstract: "count up") { _, ctx in
    var n = 0
    return .stream(
      ValueStream {
        try ctx.checkCancelled()
        n += 1
        return .int(n)
      })
  }

  /// Runs the closure for every item on its own thread, all at once.
  static let parallelMap = Builtin(
    "par_map", category: "test", abstract: "parallel map",
    signature: Signature(positional: [Parameter("closure", .closure, "")])
  ) { args, ctx in
    let c = try closure(args)
    let items = try args.input.items().collectAll()
    let results = Locked([Result<Value, any Error>?](repeating: nil, count: items.count))
    let group = DispatchGroup()
    for (i, item) in items.enumerated() {
      group.enter()
      let thread = Thread {
        let r = Result { try call(ctx, c, item) }
        results.withLock { $0[i] = r }
        group.leave()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    group.wait()
    return .value(.list(try results.current.map { try $0!.get() }))
  }

  /// Like `par_map` but lazy: worker threads run the closure while the consumer is still
  /// pulling results (in completion order), as `each --parallel` does.
  static let parallelStream = Builtin(
    "par_stream", category: "test", abstract: "parallel map, lazily",
    signature: Signature(positional: [Parameter("closure", .closure, "")])
  ) { args, ctx in
    let c = try closure(args)
    let items = try args.input.items().collectAll()
    let results = Locked([Result<Value, any Error>]())
    let ready = DispatchSemaphore(value: 0)
    let workers = 4
    for w in 0..<workers {
      let thread = Thread {
        for i in stride(from: w, to: items.count, by: workers) {
          let r = Result { try call(ctx, c, items[i]) }
          results.withLock { $0.append(r) }
          ready.signal()
        }
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    var taken = 0
    return .stream(
      ValueStream {
        guard taken < items.count else { return nil }
        ready.wait()
        let r = results.withLock { $0[taken] }
        taken += 1
        return try r.get()
      })
  }

  static let collect = Builtin("collect", category: "test", abstract: "to a list") { args, _ in
    .value(.list(try args.input.items().collectAll()))
  }

  /// Presses Ctrl-C from inside the script, for cancellation tests.
  static let cancelNow = Builtin("cancel_now", category: "test", abstract: "cancel") { _, ctx in
    (ctx as? EvalContext)?.evaluator.engine.cancellation.cancel()
    return .empty
  }
}

/// What running a snippet produced.
struct EvalOutcome {
  var shown: [Value] = []
  var output = ""
  var errorOutput = ""
  var error: ShellError?
  var exitCode: Int32?

  /// The rendered error, or the shown values as compact JSON, one per line.
  var text: String {
    if let error { return Diagnostic.render(error) }
    if let exitCode { return "exit \(exitCode)" }
    return shown.map { JSON.serialize($0) }.joined(separator: "\n")
  }
}

enum EvalHarness {
  static func interpreter(
    arguments: [String] = [], environment: [String: String] = ["HOME": "/home/test"],
    options: InterpreterOptions = InterpreterOptions()
  ) -> (Interpreter, CapturedOutput) {
    let output = CapturedOutput()
    let interpreter = Interpreter(
      environment: environment, arguments: arguments, output: output, options: options)
    interpreter.register(EvalTestBuiltins.all)
    return (interpreter, output)
  }

  /// Runs `code` as a script named `test.astro`, collecting what it shows.
  static func run(_ code: String, in interpreter: Interpreter? = nil) -> EvalOutcome {
    let (fresh, output) = Self.interpreter()
    let target = interpreter ?? fresh
    var outcome = EvalOutcome()
    let shown = Locked([Value]())
    target.display = { data in
      let value = try data.collect()
      shown.withLock { $0.append(value) }
    }
    do {
      try target.run(SourceFile(name: "test.astro", text: code))
    } catch let error as ShellError {
      outcome.error = error
    } catch let exit as ScriptExit {
      outcome.exitCode = exit.code
    } catch {
      Issue.record("unexpected error type: \(error)")
    }
    outcome.shown = shown.current
    outcome.output = output.standardOutput
    outcome.errorOutput = output.standardError
    return outcome
  }

  /// The value of the last statement as compact JSON, or `error: <message>`.
  static func json(_ code: String) -> String {
    let (interpreter, _) = Self.interpreter()
    do {
      return JSON.serialize(try interpreter.evaluate(SourceFile(name: "test.astro", text: code)))
    } catch let error as ShellError {
      return "error: \(error.message)"
    } catch {
      return "error: \(error)"
    }
  }
}
