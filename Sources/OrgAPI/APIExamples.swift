import AstroCore

/// The examples `help` shows for each API builtin. They run in the test suite against a
/// fresh sandbox (the emulator's demo seed), and where `result` is given the shown result
/// is checked exactly, so help never shows a broken call.
enum APIExamples {
  static func examples(for name: String) -> [Example] { table[name] ?? [] }

  static let table: [String: [Example]] = [:]
}
