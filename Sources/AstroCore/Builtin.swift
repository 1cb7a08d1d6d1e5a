/// The type a parameter or flag expects, for checking, `help` and completion.
public indirect enum ParamType: Sendable, Equatable {
  case any
  case string
  case int
  case float
  case number
  case bool
  case list(ParamType)
  case record
  case closure
  case path
  /// A string from a fixed set.
  case oneOf([String])

  public var name: String {
    switch self {
    case .any: return "any"
    case .string: return "string"
    case .int: return "int"
    case .float: return "float"
    case .number: return "number"
    case .bool: return "bool"
    case .list(let t): return "list<\(t.name)>"
    case .record: return "record"
    case .closure: return "closure"
    case .path: return "path"
    case .oneOf(let values): return values.joined(separator: "|")
    }
  }
}

/// A positional parameter of a builtin.
public struct Parameter: Sendable {
  public var name: String
  public var type: ParamType
  public var optional: Bool
  public var description: String

  public init(_ name: String, _ type: ParamType, optional: Bool = false, _ description: String) {
    self.name = name
    self.type = type
    self.optional = optional
    self.description = description
  }
}

/// A `--flag` of a builtin. A flag without a type is a switch.
public struct Flag: Sendable {
  /// The canonical kebab-case name, without dashes.
  public var name: String
  public var short: Character?
  public var type: ParamType?
  public var description: String
  /// Values completion offers where the type cannot say them: the enum items of a flag
  /// that takes a comma-separated list (`--enforced-logins sso,password`).
  public var choices: [String]?

  public init(
    _ name: String, short: Character? = nil, _ type: ParamType? = nil, _ description: String,
    choices: [String]? = nil
  ) {
    self.name = name
    self.short = short
    self.type = type
    self.description = description
    self.choices = choices
  }

  public var isSwitch: Bool { type == nil }
}

/// How a builtin is called.
public struct Signature: Sendable {
  public var positional: [Parameter]
  public var rest: Parameter?
  public var flags: [Flag]
  /// What the builtin accepts from the pipeline, for `help` (e.g. "list<record>").
  public var input: String
  public var output: String
  /// When true the evaluator passes unknown flags through and the builtin checks them
  /// itself (the API builtins accept body fields as flags in several spellings).
  public var openFlags: Bool

  public init(
    positional: [Parameter] = [], rest: Parameter? = nil, flags: [Flag] = [],
    input: String = "any", output: String = "any", openFlags: Bool = false
  ) {
    self.positional = positional
    self.rest = rest
    self.flags = flags
    self.input = input
    self.output = output
    self.openFlags = openFlags
  }

  public func flag(named name: String) -> Flag? {
    flags.first { $0.name == name }
  }
}

/// A runnable example shown by `help`; the test suite runs each one and checks `result`.
public struct Example: Sendable {
  public var description: String
  public var code: String
  /// The expected result as compact JSON, or nil when the result is not stable
  /// (ids, timestamps) and the example is only checked to run.
  public var result: String?

  public init(_ description: String, _ code: String, result: String? = nil) {
    self.description = description
    self.code = code
    self.result = result
  }
}

/// The arguments of one builtin call, already evaluated.
public struct CallArgs: Sendable {
  public var positional: [Value]
  /// Flags by canonical name; a switch that is present is `.bool(true)`.
  public var flags: [String: Value]
  public var input: PipelineData
  /// The call's span, for errors that point at it.
  public var span: Span

  public init(
    positional: [Value] = [], flags: [String: Value] = [:], input: PipelineData = .empty,
    span: Span = .none
  ) {
    self.positional = positional
    self.flags = flags
    self.input = input
    self.span = span
  }

  public func has(_ flag: String) -> Bool { flags[flag]?.isTruthy ?? false }
}

/// One builtin command: a self-describing value that `help`, completion and the evaluator
/// all read. Every builtin of the language and of the API is one of these.
public struct Builtin: Sendable {
  public var name: String
  public var category: String
  public var abstract: String
  public var signature: Signature
  public var examples: [Example]
  public var run: @Sendable (CallArgs, any CallContext) throws -> PipelineData
  /// Makes the longer help text when `help` asks for it.
  private var makeDetails: @Sendable () -> String?

  /// The longer help text shown by `help NAME`.
  public var details: String? {
    get { makeDetails() }
    set { makeDetails = { newValue } }
  }

  public init(
    _ name: String, category: String, abstract: String, details: String? = nil,
    signature: Signature = Signature(), examples: [Example] = [],
    run: @escaping @Sendable (CallArgs, any CallContext) throws -> PipelineData
  ) {
    self.init(
      name, category: category, abstract: abstract, lazyDetails: { details },
      signature: signature, examples: examples, run: run)
  }

  /// A builtin whose help text is made only when asked for: the API builtins derive
  /// theirs from the operation table, which would add milliseconds to every start-up.
  public init(
    _ name: String, category: String, abstract: String,
    lazyDetails: @escaping @Sendable () -> String?, signature: Signature = Signature(),
    examples: [Example] = [],
    run: @escaping @Sendable (CallArgs, any CallContext) throws -> PipelineData
  ) {
    self.name = name
    self.category = category
    self.abstract = abstract
    makeDetails = lazyDetails
    self.signature = signature
    self.examples = examples
    self.run = run
  }
}

/// What a builtin may ask of the running evaluator.
public protocol CallContext: AnyObject, Sendable {
  /// Calls a closure or `def` with positional arguments; `input` becomes `$in`/`$it`.
  func call(_ callable: any Callable, _ arguments: [Value], input: Value?) throws -> Value
  /// Throws `ShellError.interrupted` once the user pressed Ctrl-C or sent SIGTERM.
  func checkCancelled() throws
  var isCancelled: Bool { get }
  /// Writes to standard output, in order with the evaluator's own output.
  func write(_ text: String)
  /// Writes to standard error.
  func writeError(_ text: String)
  func environment(_ name: String) -> String?
  /// Shared services: the API client, the journal, the output settings.
  var services: Services { get }
}
