import AstroCore
import Foundation

@testable import AstroLang

/// A closure for tests: a Swift function standing in for `{|x| … }`.
final class TestClosure: Callable, @unchecked Sendable {
  let parameterNames: [String]
  let body: @Sendable ([Value], Value?) throws -> Value

  init(_ parameterNames: [String], _ body: @escaping @Sendable ([Value], Value?) throws -> Value) {
    self.parameterNames = parameterNames
    self.body = body
  }
}

/// A minimal evaluator context: calls test closures, records output, can be cancelled.
final class FakeContext: CallContext, @unchecked Sendable {
  let output = Locked("")
  let errors = Locked("")
  let calls = Locked(0)
  let cancelled = Locked(false)
  let services = Services()
  let env: [String: String]

  init(env: [String: String] = [:]) { self.env = env }

  func call(_ callable: any Callable, _ arguments: [Value], input: Value?) throws -> Value {
    calls.withLock { $0 += 1 }
    guard let closure = callable as? TestClosure else {
      throw ShellError.runtime("test", "not a test closure")
    }
    return try closure.body(arguments, input)
  }

  func checkCancelled() throws {
    if isCancelled { throw ShellError.interrupted }
  }

  var isCancelled: Bool { cancelled.current }
  func write(_ text: String) { output.withLock { $0 += text } }
  func writeError(_ text: String) { errors.withLock { $0 += text } }
  func environment(_ name: String) -> String? { env[name] }
}

/// A one-parameter closure value over the item.
func fn(_ body: @escaping @Sendable (Value) throws -> Value) -> Value {
  .closure(TestClosure(["x"]) { args, input in try body(args.first ?? input ?? .null) })
}

/// A two-parameter closure value, for `reduce`: `{|acc, item| … }`.
func fn2(_ body: @escaping @Sendable (Value, Value) throws -> Value) -> Value {
  .closure(TestClosure(["acc", "item"]) { args, _ in try body(args[0], args[1]) })
}

func builtin(_ name: String) -> Builtin {
  guard let b = DataBuiltins.all.first(where: { $0.name == name }) else {
    fatalError("no builtin \(name)")
  }
  return b
}

/// Runs a builtin and returns its output uncollected.
func runData(
  _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:],
  input: PipelineData = .empty, ctx: FakeContext = FakeContext()
) throws -> PipelineData {
  try builtin(name).run(CallArgs(positional: positional, flags: flags, input: input), ctx)
}

/// Runs a builtin and collects its output.
func run(
  _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:],
  input: PipelineData = .empty, ctx: FakeContext = FakeContext()
) throws -> Value {
  try runData(name, positional, flags: flags, input: input, ctx: ctx).collect()
}

/// Runs a builtin on JSON input and gives its result as compact JSON.
func runJSON(
  _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:], input: String
) throws -> String {
  JSON.serialize(try run(name, positional, flags: flags, input: .value(try JSON.parse(input))))
}

func json(_ text: String) -> Value { try! JSON.parse(text) }

extension Value {
  var json: String { JSON.serialize(self) }
}

/// The message of the ShellError `body` throws, or nil.
func errorOf(_ body: () throws -> Any) -> ShellError? {
  do {
    _ = try body()
    return nil
  } catch let e as ShellError {
    return e
  } catch {
    return ShellError.runtime("other", "\(error)")
  }
}

/// A stream of `limit` ints that counts how many were pulled.
final class CountingStream: @unchecked Sendable {
  let pulled = Locked(0)
  let limit: Int

  init(limit: Int) { self.limit = limit }

  var data: PipelineData {
    .stream(
      ValueStream { [self] in
        let n = pulled.withLock { n -> Int in
          n += 1
          return n
        }
        return n <= limit ? .int(n - 1) : nil
      })
  }
}

/// A fresh empty directory for file tests.
func temporaryDirectory() -> String {
  let path = NSTemporaryDirectory() + "astrosh-test-\(UUID().uuidString)"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}
