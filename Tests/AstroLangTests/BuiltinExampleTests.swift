import AstroCore
import Foundation
import Testing

@testable import AstroLang

/// Runs every example that `help` shows for the data builtins through the interpreter and
/// checks its result, so the help text can never show code that does not work.
@Suite struct BuiltinExampleTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let builtin: String
    let example: Example
    var testDescription: String { "\(builtin): \(example.code)" }
  }

  static let cases = DataBuiltins.all.flatMap { b in
    b.examples.map { Case(builtin: b.name, example: $0) }
  }

  @Test func parallelEachThroughTheInterpreterKeepsOrder() throws {
    let interpreter = Interpreter(output: CapturedOutput())
    interpreter.register(DataBuiltins.all)
    let code = """
      let xs = 1..2000 | each --parallel 8 {|n| {n: $n, s: "x$n", l: ([$n, $n] | length)} }
      ($xs | get n) == (1..2000 | each { $it }) and ($xs | where l != 2 | count) == 0
      """
    #expect(try interpreter.evaluate(SourceFile(name: "parallel", text: code)) == .bool(true))
  }

  @Test(arguments: cases)
  func example(c: Case) throws {
    let interpreter = Interpreter(output: CapturedOutput())
    interpreter.register(DataBuiltins.all)
    let source = SourceFile(name: "example", text: c.example.code)
    let value = try interpreter.evaluate(source)
    if let expected = c.example.result {
      #expect(JSON.serialize(value) == expected)
    }
  }
}
