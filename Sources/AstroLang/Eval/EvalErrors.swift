import AstroCore

/// The texts of the errors the resolver finds before a script runs. They are syntax
/// errors (exit code 3): nothing has run yet when they are reported.
enum ResolveErrors {
  static func make(
    _ code: String, _ message: String, hint: String? = nil, _ file: SourceFile, _ span: Span
  ) -> ShellError {
    ShellError(.syntax, code: code, message, hint: hint, at: SourceLocation(file: file, span: span))
  }

  static func unknownCommand(_ name: String, hint: String?, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make("unknown_command", "unknown command '\(name)'", hint: hint, file, span)
  }

  static func unknownVariable(_ name: String, hint: String?, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make("unknown_variable", "unknown variable '$\(name)'", hint: hint, file, span)
  }

  static func unknownFlag(
    _ flag: String, command: String, hint: String?, _ file: SourceFile, _ span: Span
  ) -> ShellError {
    make("unknown_flag", "'\(command)' has no flag '\(flag)'", hint: hint, file, span)
  }

  static func flagNeedsValue(_ flag: String, command: String, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make(
      "missing_flag_value", "the flag '\(flag)' of '\(command)' needs a value",
      hint: "write '\(flag) <value>' or '\(flag)=<value>'", file, span)
  }

  static func duplicateFlag(_ flag: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make("duplicate_flag", "the flag '\(flag)' is given twice", file, span)
  }

  static func missingArgument(
    _ param: String, command: String, usage: String, _ file: SourceFile, _ span: Span
  ) -> ShellError {
    make(
      "missing_argument", "'\(command)' needs the argument '\(param)'", hint: "usage: \(usage)",
      file, span)
  }

  static func tooManyArguments(
    command: String, usage: String, _ file: SourceFile, _ span: Span
  ) -> ShellError {
    make(
      "too_many_arguments", "too many arguments for '\(command)'", hint: "usage: \(usage)", file,
      span)
  }

  static func assignCaptured(_ name: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "closure_assignment",
      "a closure cannot assign '$\(name)', which is declared outside it",
      hint: "closures only read outer variables; return values with 'each' or combine them "
        + "with 'reduce', or use a 'for' loop, whose body may assign", file, span)
  }

  static func assignFromDef(_ name: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "def_assignment", "a def cannot assign the top-level variable '$\(name)'",
      hint: "return the new value from the def and assign it where the def is called", file, span)
  }

  static func assignReadOnly(_ name: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make("read_only_variable", "'$\(name)' cannot be assigned", file, span)
  }

  static func assignUndeclared(_ name: String, hint: String?, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make(
      "unknown_variable", "cannot assign '$\(name)', which is not declared",
      hint: hint ?? "declare it first: let \(name) = …", file, span)
  }

  static func reservedName(_ name: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make(
      "reserved_name", "'\(name)' is reserved and cannot be declared",
      hint: "$env, $args, $it and $in are set by astrosh", file, span)
  }

  static func misplaced(_ keyword: String, _ file: SourceFile, _ span: Span) -> ShellError {
    let hint =
      keyword == "return"
      ? "'return' leaves a def or closure; use 'exit' to stop a script"
      : "'\(keyword)' works inside the body of a 'for' or 'while' loop (not inside a closure)"
    return make(
      "misplaced_keyword", "'\(keyword)' cannot be used here", hint: hint, file, span)
  }

  static func duplicate(_ what: String, _ name: String, _ file: SourceFile, _ span: Span)
    -> ShellError
  {
    make("duplicate_name", "the \(what) '\(name)' is declared twice", file, span)
  }

  static func invalidRegex(_ pattern: String, _ file: SourceFile, _ span: Span) -> ShellError {
    make("invalid_regex", "invalid regular expression '\(pattern)'", file, span)
  }
}

/// The texts of errors found while running. They carry no location; the evaluator adds
/// the span of the node that failed.
enum EvalErrors {
  static func typeMismatch(_ what: String, expected: String, found: Value) -> ShellError {
    .runtime("type_mismatch", "\(what) must be \(expected), found \(found.typeName)")
  }

  static func operands(_ op: BinaryOp, _ a: Value, _ b: Value) -> ShellError {
    let hint: String? =
      switch (op, a, b) {
      case (.add, .string, _), (.add, _, .string):
        "to build text, use interpolation: \"$(…)…\""
      default: nil
      }
    return .runtime(
      "type_mismatch", "cannot apply '\(op.rawValue)' to \(a.typeName) and \(b.typeName)",
      hint: hint)
  }

  static func notComparable(_ op: BinaryOp, _ a: Value, _ b: Value) -> ShellError {
    .runtime(
      "type_mismatch", "cannot compare \(a.typeName) and \(b.typeName) with '\(op.rawValue)'")
  }

  static let divisionByZero = ShellError.runtime("division_by_zero", "division by zero")

  static let overflow = ShellError.runtime(
    "integer_overflow", "the result is too large for an integer",
    hint: "integers range from \(Int.min) to \(Int.max); use a float for larger numbers")

  static let floatOverflow = ShellError.runtime(
    "float_overflow", "the result is too large for a float",
    hint: "floats range up to about ±1.8e308")

  static func negativeRepeat(_ count: Int) -> ShellError {
    .runtime(
      "invalid_argument", "the count of a string repeated with '*' must be ≥ 0, not \(count)",
      hint: "use a count of 0 or more; \"ab\" * 0 is \"\"")
  }

  /// "Did you mean" when a field is close; otherwise the fields there are, and the
  /// optional access that gives null.
  static func missingField(_ name: String, in record: Record) -> ShellError {
    let fields =
      record.isEmpty
      ? "the record is empty" : "its fields are: \(record.keys.joined(separator: ", "))"
    let hint =
      Suggest.hint(for: name, in: record.keys)
      ?? "\(fields); write '.\(name)?' to get null when it is missing"
    return .runtime("missing_field", "the record has no field '\(name)'", hint: hint)
  }

  static func indexOutOfRange(_ index: Int, count: Int) -> ShellError {
    .runtime(
      "index_out_of_range", "index \(index) is out of range for a list of \(count) items")
  }

  static func cannotAccess(_ member: String, in value: Value) -> ShellError {
    .runtime("type_mismatch", "cannot read '\(member)' from a value of type \(value.typeName)")
  }

  static func notIterable(_ value: Value) -> ShellError {
    .runtime(
      "type_mismatch", "'for' needs a list, range or stream, found \(value.typeName)")
  }

  static func recursionTooDeep(_ limit: Int) -> ShellError {
    .runtime(
      "recursion_too_deep", "recursion too deep",
      hint: "calls nest at most \(limit) levels; is a def calling itself without end?")
  }

  static func stepLimit(_ limit: Int) -> ShellError {
    .runtime("step_limit", "the evaluation took more than \(limit) steps")
  }

  static func invalidRegex(_ pattern: String) -> ShellError {
    .runtime("invalid_regex", "invalid regular expression '\(pattern)'")
  }

  static let rangeTooLarge = ShellError.runtime(
    "range_too_large", "the range has too many items to count")

  static func tooLarge(_ what: String) -> ShellError {
    .runtime("value_too_large", "the \(what) would be too large")
  }

  static func argument(
    _ param: String, of command: String, expected: ParamType, found: Value
  ) -> ShellError {
    let hint: String? =
      switch (expected, found) {
      case (.closure, _): "write a block: { … } or {|x| … }"
      default: nil
      }
    return .runtime(
      "type_mismatch",
      "'\(command)' expects \(expected.name) for '\(param)', found \(found.typeName)", hint: hint)
  }

  static func notOneOf(_ value: String, _ choices: [String], param: String, command: String)
    -> ShellError
  {
    .runtime(
      "invalid_argument", "'\(value)' is not a valid '\(param)' for '\(command)'",
      hint: Suggest.hint(for: value, in: choices)
        ?? "choose one of: \(choices.joined(separator: ", "))")
  }

  static func notCallable(_ what: String) -> ShellError {
    .runtime("type_mismatch", "cannot call \(what)")
  }
}
