import AstroCore

/// Builtins that write text for the user rather than returning data.
enum OutputBuiltins {
  static let all: [Builtin] = [print]

  static let print = define(
    "print", category: DataCategory.output,
    abstract: "write the arguments (or the input) as text, and return null",
    details: """
      Arguments are written separated by spaces, followed by a newline. Strings are \
      written as they are; lists and records as compact JSON. Without arguments the \
      input is written, one line per item of a list or stream, as the items arrive.
      """,
    signature: Signature(
      rest: Parameter("values", .any, "what to write"),
      flags: [
        switchFlag("no-newline", short: "n", "do not end with a newline"),
        switchFlag("stderr", short: "e", "write to standard error"),
      ],
      input: "any", output: "nothing"),
    examples: [
      Example("Print a greeting", #"print "hello" 42"#, result: "null"),
      Example("Print each item of a list", "[1, 2] | print", result: "null"),
    ]
  ) { call in
    let end = call.has("no-newline") ? "" : "\n"
    let write: (String) -> Void =
      call.has("stderr") ? { call.ctx.writeError($0) } : { call.ctx.write($0) }
    if !call.args.positional.isEmpty {
      write(call.args.positional.map(\.plainText).joined(separator: " ") + end)
    } else if call.input.isSequence {
      try Streams.forEach(call.input, call.ctx) { write($0.plainText + end) }
    } else if !call.input.isEmpty {
      write(try call.input.collect().plainText + end)
    }
    return .value(.null)
  }
}
