import AstroCore

/// The builtins that belong to the language itself rather than to data handling: calling
/// a closure, raising an error, and leaving the script. The interpreter registers them.
enum CoreBuiltins {
  static let category = "core"
  static let all: [Builtin] = [run, raise, exit]

  static let run = Builtin(
    "do", category: category, abstract: "run a closure, passing it arguments and the input",
    details: """
      `do {|a, b| …} 1 2` calls the closure with the arguments; the pipeline input becomes \
      its `$in` (and its `$it` when it has no parameters).
      """,
    signature: Signature(
      positional: [Parameter("closure", .closure, "the closure to run")],
      rest: Parameter("arguments", .any, "the closure's arguments"), input: "any", output: "any"),
    examples: [
      Example(
        "Call a closure held in a variable", "let double = {|x| $x * 2}; do $double 21",
        result: "42"),
      Example("Give a closure pipeline input", "5 | do { $in + 1 }", result: "6"),
    ]
  ) { args, ctx in
    guard case .closure(let closure) = args.positional.first else {
      throw ShellError.runtime("type_mismatch", "'do' expects a closure")
    }
    let input = args.input.isEmpty ? nil : try args.input.collect()
    let arguments = Array(args.positional.dropFirst())
    return .value(try ctx.call(closure, arguments, input: input))
  }

  static let raise = Builtin(
    "error", category: category, abstract: "raise an error, which stops the script unless caught",
    details: """
      With a string, the error has that message. With a record, `message` is required and \
      `code` and `hint` are optional; other fields reach the `catch` block unchanged. The \
      error is a runtime error (exit code 1).
      """,
    signature: Signature(
      positional: [
        Parameter("error", .any, "a message, or a record {message, code?, hint?, …}")
      ], input: "nothing", output: "nothing"),
    examples: [
      Example(
        "Raise and catch an error", #"try { error "boom" } catch {|e| $e.message }"#,
        result: #""boom""#),
      Example(
        "Raise an error with a code",
        #"try { error {message: "no quota", code: "quota"} } catch {|e| $e.code }"#,
        result: #""quota""#),
    ]
  ) { args, _ in
    throw userError(args.positional[0])
  }

  static let exit = Builtin(
    "exit", category: category, abstract: "stop the script with an exit code (default 0)",
    signature: Signature(
      positional: [Parameter("code", .int, optional: true, "the exit code, 0 to 255")],
      input: "nothing", output: "nothing")
  ) { args, _ in
    let code = args.positional.first?.intValue ?? 0
    guard (0...255).contains(code) else {
      throw ShellError.runtime(
        "invalid_argument", "the exit code must be between 0 and 255, not \(code)")
    }
    throw ScriptExit(code: Int32(code))
  }

  /// The error `error` raises for its argument.
  static func userError(_ value: Value) -> ShellError {
    switch value {
    case .record(let record):
      guard case .string(let message) = record["message"] else {
        return .runtime(
          "type_mismatch", "the record given to 'error' needs a string field 'message'")
      }
      var details = Record()
      for (key, field) in record.pairs where !["message", "code", "hint"].contains(key) {
        details[key] = field
      }
      return ShellError(
        .runtime, code: record["code"]?.stringValue ?? "user_error", message,
        hint: record["hint"]?.stringValue, details: details)
    default:
      return .runtime("user_error", value.plainText)
    }
  }
}
