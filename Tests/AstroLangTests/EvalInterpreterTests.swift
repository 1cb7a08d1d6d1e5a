import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// The `Interpreter` as hosts use it: REPL persistence, display, exit, cancellation,
/// limits and calls from several threads.
@Suite struct EvalInterpreterTests {
  @Test func variablesAndDefsPersistBetweenRuns() {
    let (interpreter, _) = EvalHarness.interpreter()
    #expect(EvalHarness.run("let x = 41", in: interpreter).error == nil)
    #expect(EvalHarness.run("def inc [n] { $n + 1 }", in: interpreter).error == nil)
    #expect(EvalHarness.run("inc $x", in: interpreter).text == "42")
    #expect(interpreter.variableNames == ["args", "env", "x"])
    #expect(interpreter.variable("x") == .int(41))
    #expect(interpreter.definedCommands["inc"]?.positional.map(\.name) == ["n"])
  }

  @Test func builtinsMayReadTheScopeDuringARun() {
    let (interpreter, _) = EvalHarness.interpreter()
    let box = Locked<Interpreter?>(interpreter)
    interpreter.register([
      Builtin("defs", category: "test", abstract: "list the defs") { _, _ in
        let names = box.current?.definedCommands.keys.sorted() ?? []
        let variables = box.current?.variableNames ?? []
        return .value(.list((names + variables).map { .string($0) }))
      }
    ])
    let outcome = EvalHarness.run("let v = 1; def f [] { 1 }; defs", in: interpreter)
    box.withLock { $0 = nil }
    #expect(outcome.shown == [.list(["f", "args", "env", "v"].map { .string($0) })])
  }

  @Test func aFailedLineDeclaresNothing() {
    let (interpreter, _) = EvalHarness.interpreter()
    #expect(EvalHarness.run("let y = 1; nope", in: interpreter).error?.code == "unknown_command")
    #expect(EvalHarness.run("$y", in: interpreter).error?.code == "unknown_variable")
    #expect(interpreter.variableNames == ["args", "env"])
  }

  @Test func redefiningADefReplacesIt() {
    let (interpreter, _) = EvalHarness.interpreter()
    _ = EvalHarness.run("def f [] { 1 }", in: interpreter)
    _ = EvalHarness.run("def f [] { 2 }", in: interpreter)
    #expect(EvalHarness.run("f", in: interpreter).text == "2")
  }

  @Test func eachTopLevelValueIsShownInOrder() {
    let outcome = EvalHarness.run("1\nlet a = 2\n$a = 3\nnull\nprint hi\n[$a]\nif true { 4 }")
    #expect(outcome.shown == [.int(1), .list([.int(3)]), .int(4)])
    #expect(outcome.output == "hi\n")
  }

  @Test func streamsReachTheDisplayUnconsumed() throws {
    let (interpreter, _) = EvalHarness.interpreter()
    let kinds = Locked([String]())
    interpreter.display = { data in
      if case .stream = data { kinds.withLock { $0.append("stream") } }
      _ = try data.collect()
    }
    try interpreter.run(SourceFile(name: "t", text: "[1, 2] | each { $it }"))
    #expect(kinds.current == ["stream"])
  }

  @Test func statementsInBlocksRunTheirStreams() {
    let outcome = EvalHarness.run("if true { [1, 2] | each { print $it }; 3 }")
    #expect(outcome.output == "1\n2\n")
    #expect(outcome.shown == [.int(3)])
  }

  @Test func exitStopsWithACode() {
    let outcome = EvalHarness.run("print a; exit 3; print b")
    #expect(outcome.exitCode == 3)
    #expect(outcome.output == "a\n")
    #expect(EvalHarness.run("exit").exitCode == 0)
    #expect(EvalHarness.run("exit 300").error?.code == "invalid_argument")
    #expect(EvalHarness.run("[1] | each { exit 4 }").exitCode == 4)
  }

  @Test func argumentsAndEnvironment() throws {
    let (interpreter, _) = EvalHarness.interpreter(arguments: ["a", "b"], environment: ["K": "v"])
    let value = try interpreter.evaluate(SourceFile(name: "t", text: "[$args.1, $env.K]"))
    #expect(value == .list([.string("b"), .string("v")]))
    #expect(EvalHarness.run("$args = []", in: interpreter).error?.code == "read_only_variable")
  }

  @Test func completenessForTheREPL() {
    let (interpreter, _) = EvalHarness.interpreter()
    #expect(interpreter.isComplete("ls | where {") == false)
    #expect(interpreter.isComplete("ls | where { $it }"))
  }

  @Test func cancellationStopsLoopsAndStreams() {
    for code in [
      "cancel_now; while true { }", "cancel_now; forever | length",
      "cancel_now; [1] | each { 1 }", "try { cancel_now; while true {} } catch { 0 }",
    ] {
      #expect(EvalHarness.run(code).error?.category == .interrupted, "\(code)")
    }
  }

  @Test func runClearsAnEarlierCancellation() {
    let (interpreter, _) = EvalHarness.interpreter()
    let first = EvalHarness.run("cancel_now; while true {}", in: interpreter)
    #expect(first.error?.category == .interrupted)
    #expect(EvalHarness.run("1 + 1", in: interpreter).text == "2")
  }

  @Test func cancelFromAnotherThread() {
    let (interpreter, _) = EvalHarness.interpreter()
    let started = DispatchSemaphore(value: 0)
    interpreter.register([
      Builtin("started", category: "test", abstract: "signal") { _, _ in
        started.signal()
        return .empty
      }
    ])
    let outcome = Locked<EvalOutcome?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread {
      outcome.withLock { $0 = EvalHarness.run("started; while true { }", in: interpreter) }
      done.signal()
    }.start()
    started.wait()
    interpreter.cancel()
    done.wait()
    #expect(outcome.current?.error?.category == .interrupted)
  }

  @Test func stepBudgetStopsEndlessLoops() {
    var options = InterpreterOptions()
    options.maxSteps = 1000
    let (interpreter, _) = EvalHarness.interpreter(options: options)
    #expect(EvalHarness.run("while true { }", in: interpreter).error?.code == "step_limit")
  }

  @Test func recursionWithinTheLimitWorks() {
    let code = "def f [n] { if $n == 0 { 0 } else { 1 + (f ($n - 1)) } }; f 900"
    #expect(EvalHarness.run(code).text == "900")
  }

  @Test func recursionThroughBuiltinsIsLimitedToo() {
    let outcome = EvalHarness.run("def f [] { [1] | each { f } | collect }; f")
    #expect(outcome.error?.code == "recursion_too_deep")
  }

  @Test func closuresRunOnManyThreadsAtOnce() {
    let code = """
      let k = 3
      def square [x] { $x * $x }
      1..40 | par_map {|n| (square $n) + $k }
      """
    let expected = (1...40).map { Value.int($0 * $0 + 3) }
    #expect(EvalHarness.run(code).shown == [.list(expected)])
  }

  @Test func topLevelWritesWhileWorkersReadThroughADef() {
    let code = """
      let seen = 0
      def peek [x] { $x + $seen - $seen }
      for v in (1..300 | par_stream {|n| peek $n }) { $seen += 1 }
      $seen
      """
    #expect(EvalHarness.run(code).shown == [.int(300)])
  }

  @Test func recursionOnAWorkerThreadStopsCleanly() {
    let outcome = EvalHarness.run("def f [n] { f ($n + 1) }; [1, 2] | par_map { f 0 }")
    #expect(outcome.error?.code == "recursion_too_deep")
  }

  @Test func recursionThroughParallelEachKeepsTheLimit() {
    // Each level runs on fresh worker threads; without the inherited depth and the
    // process-wide worker budget this spawned threads until allocation failed.
    let (interpreter, _) = EvalHarness.interpreter()
    interpreter.register(DataBuiltins.all)
    let code = "def f [n] { [1 2] | each --parallel 2 { f $n } }; f 0"
    let outcome = EvalHarness.run(code, in: interpreter)
    #expect(outcome.error?.code == "recursion_too_deep")
  }
}
