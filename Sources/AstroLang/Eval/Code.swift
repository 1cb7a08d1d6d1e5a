import AstroCore

/// The resolved tree the evaluator walks.
///
/// The resolver turns the syntax tree into this one: variables become frame slots (so
/// evaluation never hashes a name), commands become direct references to their builtin
/// or def with arguments already matched to parameters, and closures carry the list of
/// outer slots they capture. Spans stay on every node that can fail.
indirect enum Code: Sendable {
  case constant(Value)
  /// A slot of the current frame.
  case local(Int)
  /// A slot of the top-level frame, read from inside a def.
  case global(Int)
  case interpolation([Code])
  case list([Code])
  case record(keys: [String], values: [Code])
  case range(Code, Code, inclusive: Bool, Span)
  case access(Code, [Step], Span)
  case negate(Code, Span)
  case not(Code)
  case binary(BinaryOp, Code, Code, Span)
  /// `binary` shapes common in closures, folded by `Code.fused` so that evaluating
  /// `$it mod 3 == 0` visits two nodes instead of five.
  case binaryConstant(BinaryOp, Code, Value, Span)
  case localConstant(BinaryOp, slot: Int, Value, Span)
  case localLocal(BinaryOp, Int, Int, Span)
  case and(Code, Code)
  case or(Code, Code)
  /// Makes a closure value, copying the captured values out of the current frame.
  case closure(FunctionProto, captures: [Code])
  /// Stages joined by `|`.
  case pipeline([Code])
  /// A pipeline stage after the first that is an expression: its input becomes `$in`.
  case stage(inSlot: Int, Code)
  case builtinCall(BuiltinCall)
  case defCall(DefCall)
  case block([Statement])
  case ifElse(Code, Code, Code?)
  case forLoop(slot: Int, sequence: Code, body: Code, Span)
  case whileLoop(Code, Code)
  case letValue(slot: Int, Code)
  case assign(Assignment)
  case tryCatch(Code, errorSlot: Int?, handler: Code?)
  case returnValue(Code?)
  case breakLoop
  case continueLoop
}

extension Code {
  /// A binary operation in its fused form when one applies.
  static func fused(_ op: BinaryOp, _ lhs: Code, _ rhs: Code, _ span: Span) -> Code {
    switch (lhs, rhs) {
    case (.local(let a), .constant(let c)): return .localConstant(op, slot: a, c, span)
    case (.local(let a), .local(let b)): return .localLocal(op, a, b, span)
    case (_, .constant(let c)): return .binaryConstant(op, lhs, c, span)
    default: return .binary(op, lhs, rhs, span)
    }
  }
}

/// A statement of a block, with its span for errors that surface only when its value is
/// consumed, and whether the top level shows its value.
struct Statement: Sendable {
  var code: Code
  var span: Span
  var shows: Bool
}

/// One resolved access step.
enum Step: Sendable {
  case field(String, optional: Bool, Span)
  case index(Int, optional: Bool, Span)
  case dynamic(Code, optional: Bool, Span)

  var isOptional: Bool {
    switch self {
    case .field(_, let o, _), .index(_, let o, _), .dynamic(_, let o, _): return o
    }
  }

  var span: Span {
    switch self {
    case .field(_, _, let s), .index(_, _, let s), .dynamic(_, _, let s): return s
    }
  }
}

/// `$x = …` and friends, resolved to a slot of the current frame. A class, so that the
/// evaluator's switch takes one reference rather than copying every field.
final class Assignment: Sendable {
  let slot: Int
  let op: AssignOp
  let path: [Step]
  let value: Code
  let span: Span

  init(slot: Int, op: AssignOp, path: [Step], value: Code, span: Span) {
    self.slot = slot
    self.op = op
    self.path = path
    self.value = value
    self.span = span
  }
}

/// A call of a builtin with its arguments matched to the signature.
final class BuiltinCall: @unchecked Sendable {
  /// What an argument must be, and where it was written, for errors that point at it.
  struct Check {
    var name: String
    var type: ParamType?
    var optional: Bool
    var span: Span
  }

  let builtin: Builtin
  let positional: [Code]
  let positionalChecks: [Check]
  let flags: [(name: String, value: Code, check: Check)]
  let span: Span

  init(
    builtin: Builtin, positional: [Code], positionalChecks: [Check],
    flags: [(name: String, value: Code, check: Check)], span: Span
  ) {
    self.builtin = builtin
    self.positional = positional
    self.positionalChecks = positionalChecks
    self.flags = flags
    self.span = span
  }
}

/// A call of a def: one argument (or nil, for the default) per parameter, in order.
final class DefCall: @unchecked Sendable {
  let function: DefFunction
  let arguments: [(code: Code, span: Span)?]
  let span: Span

  init(function: DefFunction, arguments: [(code: Code, span: Span)?], span: Span) {
    self.function = function
    self.arguments = arguments
    self.span = span
  }
}
