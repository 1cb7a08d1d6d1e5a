import AstroCore
import AstroLang
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// Every example `help` shows for an API builtin runs here, against a fresh sandbox, and
/// its shown result is checked exactly where the example gives one.
@Suite struct ExampleTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var builtin: String
    var example: Example
    var testDescription: String { "\(builtin): \(example.description)" }
  }

  static let cases: [Case] = APIBuiltins.all().flatMap { b in
    b.examples.map { Case(builtin: b.name, example: $0) }
  }

  /// Output is kept, not printed.
  final class Sink: OutputSink, @unchecked Sendable {
    let text = Locked("")
    func write(_ s: String) { text.withLock { $0 += s } }
    func writeError(_ s: String) { text.withLock { $0 += s } }
  }

  @Test(arguments: cases)
  func runsAndShowsItsResult(_ c: Case) throws {
    let services = Services()
    services.register(APIClient.over(try Sandbox(), APISettings(rateLimits: .unlimited)))
    let interpreter = Interpreter(services: services, output: Sink())
    interpreter.register(DataBuiltins.all + APIBuiltins.all())
    let value = try interpreter.evaluate(SourceFile(name: "<example>", text: c.example.code))
    if let expected = c.example.result {
      #expect(value == (try JSON.parse(expected)), "shown: \(JSON.serialize(value))")
    }
  }
}
