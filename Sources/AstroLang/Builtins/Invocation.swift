import AstroCore

/// One call of a data builtin: its name (for messages), arguments and context.
///
/// The accessors turn a wrong or missing argument into a `ShellError` that names the
/// builtin, the parameter and the type that was found, so each builtin reads its
/// arguments in one line.
struct Invocation {
  let name: String
  let args: CallArgs
  let ctx: any CallContext

  var input: PipelineData { args.input }

  func has(_ flag: String) -> Bool { args.has(flag) }

  /// The positional argument at `index`, or nil when it was not given.
  func optional(_ index: Int) -> Value? {
    index < args.positional.count ? args.positional[index] : nil
  }

  func required(_ index: Int, _ param: String) throws -> Value {
    guard let value = optional(index) else {
      throw ShellError.usage(
        "missing_argument", "'\(name)' needs the argument '\(param)'",
        hint: "see 'help \(name)'")
    }
    return value
  }

  func string(_ index: Int, _ param: String) throws -> String {
    try asString(try required(index, param), param)
  }

  func optionalString(_ index: Int, _ param: String) throws -> String? {
    guard let value = optional(index), !value.isNull else { return nil }
    return try asString(value, param)
  }

  func optionalInt(_ index: Int, _ param: String) throws -> Int? {
    guard let value = optional(index), !value.isNull else { return nil }
    return try asInt(value, param)
  }

  func closure(_ index: Int, _ param: String) throws -> any Callable {
    let value = try required(index, param)
    guard case .closure(let callable) = value else {
      throw typeError(param, expected: "a closure", found: value)
    }
    return callable
  }

  /// A closure run once per item, as `where` and `each` do.
  func itemClosure(_ index: Int, _ param: String) throws -> ItemClosure {
    ItemClosure(callable: try closure(index, param), ctx: ctx)
  }

  /// The remaining positional arguments from `index` on.
  func rest(from index: Int) -> [Value] {
    index < args.positional.count ? Array(args.positional[index...]) : []
  }

  func flagString(_ flag: String) throws -> String? {
    guard let value = args.flags[flag], !value.isNull else { return nil }
    return try asString(value, "--\(flag)")
  }

  func flagInt(_ flag: String) throws -> Int? {
    guard let value = args.flags[flag], !value.isNull else { return nil }
    return try asInt(value, "--\(flag)")
  }

  func flagValue(_ flag: String) -> Value? { args.flags[flag] }

  func asString(_ value: Value, _ param: String) throws -> String {
    guard case .string(let s) = value else {
      throw typeError(param, expected: "a string", found: value)
    }
    return s
  }

  func asInt(_ value: Value, _ param: String) throws -> Int {
    guard case .int(let i) = value else {
      throw typeError(param, expected: "an int", found: value)
    }
    return i
  }

  func typeError(_ param: String, expected: String, found: Value) -> ShellError {
    ShellError.runtime(
      "type_mismatch", "'\(name)' expects \(expected) for '\(param)', found \(found.typeName)")
  }

  /// The error for pipeline input of the wrong type.
  func inputError(expected: String, found: Value) -> ShellError {
    ShellError.runtime(
      "type_mismatch", "'\(name)' expects \(expected) as input, found \(found.typeName)")
  }

  func invalid(_ message: String, hint: String? = nil) -> ShellError {
    ShellError.runtime("invalid_argument", "'\(name)': \(message)", hint: hint)
  }

  /// Calls a closure with an item, passing as many arguments as it declares parameters so
  /// `{ $it … }` and `{|d| … }` both work; the item is also its input.
  func call(_ callable: any Callable, _ arguments: [Value], input: Value) throws -> Value {
    let count = min(arguments.count, callable.parameterNames.count)
    let passed = count == arguments.count ? arguments : Array(arguments.prefix(count))
    return try ctx.call(callable, passed, input: input)
  }
}

/// A closure called with one item: `{|d| … }` gets it as its parameter, `{ $it … }` as its
/// input. Whether it takes a parameter is decided once, not per item, since a filter over
/// a million items calls it a million times.
struct ItemClosure {
  let callable: any Callable
  let ctx: any CallContext
  let takesItem: Bool

  init(callable: any Callable, ctx: any CallContext) {
    self.callable = callable
    self.ctx = ctx
    takesItem = !callable.parameterNames.isEmpty
  }

  func callAsFunction(_ item: Value) throws -> Value {
    try ctx.call(callable, takesItem ? [item] : [], input: item)
  }
}

/// Builds a `Builtin` whose body receives an `Invocation`.
func define(
  _ name: String, category: String, abstract: String, details: String? = nil,
  signature: Signature = Signature(), examples: [Example] = [],
  _ body: @escaping @Sendable (Invocation) throws -> PipelineData
) -> Builtin {
  Builtin(
    name, category: category, abstract: abstract, details: details, signature: signature,
    examples: examples
  ) { args, ctx in
    try body(Invocation(name: name, args: args, ctx: ctx))
  }
}

/// The categories `help` groups builtins by, in the order it lists them.
enum DataCategory {
  static let filters = "filters"
  static let lists = "lists"
  static let strings = "strings"
  static let math = "math"
  static let conversions = "conversions"
  static let formats = "formats"
  static let files = "files"
  static let dates = "dates"
  static let output = "output"
  static let help = "help"
}

/// A `--switch`: a flag without a value.
func switchFlag(_ name: String, short: Character? = nil, _ description: String) -> Flag {
  Flag(name, short: short, nil, description)
}
