import AstroCore

/// The resolved body of a def or closure and the layout of its frame.
///
/// Immutable, so the evaluator reads its fields without retaining them and any number of
/// threads can run it at once.
final class FunctionProto: Sendable {
  /// For messages: the def's name, or "closure".
  let name: String
  let file: SourceFile
  let body: Code
  /// When the body is one expression, it is evaluated directly (the common closure).
  let isExpression: Bool
  let expression: Code
  let slotCount: Int
  /// Closure parameters occupy slots `0..<parameterNames.count`.
  let parameterNames: [String]
  let hasParameters: Bool
  /// The slots of `$it` and `$in`, when the body reads them.
  let itSlot: Int?
  let inSlot: Int?
  /// Where each captured value goes, in the order of the closure's `captures`.
  let captureSlots: [Int]

  init(
    name: String, file: SourceFile, body: [Statement], scope: FunctionScope,
    parameterNames: [String] = [], hasParameters: Bool = false
  ) {
    self.name = name
    self.file = file
    self.body = .block(body)
    let single = FunctionProto.singleExpression(body)
    self.isExpression = single != nil
    self.expression = single ?? .constant(.null)
    self.slotCount = scope.slotCount
    self.parameterNames = parameterNames
    self.hasParameters = hasParameters
    self.itSlot = scope.itSlot
    self.inSlot = scope.inSlot
    self.captureSlots = scope.captureSlots
  }

  /// The one statement of a body, when evaluating it as an expression is equivalent: it
  /// takes no pipeline input and declares nothing.
  private static func singleExpression(_ body: [Statement]) -> Code? {
    guard body.count <= 1 else { return nil }
    guard let only = body.first else { return .constant(.null) }
    switch only.code {
    case .builtinCall, .defCall, .pipeline, .letValue, .assign: return nil
    default: return only.code
    }
  }
}

/// A closure value: a body and the values it captured when it was made.
///
/// Captures are copies, and the resolver forbids assigning them, so a closure can run on
/// several threads at once (`each --parallel`).
final class Closure: Callable {
  let proto: FunctionProto
  let captured: [Value]

  init(proto: FunctionProto, captured: [Value]) {
    self.proto = proto
    self.captured = captured
  }

  var parameterNames: [String] { proto.parameterNames }
}

/// A user-defined command.
final class DefFunction: @unchecked Sendable {
  struct Param {
    enum Kind {
      case positional
      case flag(short: Character?)
      case rest
    }

    var name: String
    var kind: Kind
    var type: ParamType?
    var optional: Bool
    /// Evaluated in the def's own frame when the argument is missing.
    var defaultValue: Code?
    var span: Span

    /// The variable the body reads: `--dry-run` becomes `$dry_run`.
    var variableName: String { name.replacingOccurrences(of: "-", with: "_") }

    var isFlag: Bool {
      if case .flag = kind { return true }
      return false
    }
  }

  let name: String
  /// Parameters in declaration order; parameter `i` lives in frame slot `i`.
  var params: [Param]
  /// Set once the body is resolved; defs are declared (hoisted) before that.
  var proto: FunctionProto?

  init(name: String, params: [Param]) {
    self.name = name
    self.params = params
  }

  /// The signature in the form `help` and completion read for builtins.
  var signature: Signature {
    var sig = Signature()
    for p in params {
      switch p.kind {
      case .positional:
        sig.positional.append(Parameter(p.name, p.type ?? .any, optional: p.optional, ""))
      case .flag(let short):
        sig.flags.append(Flag(p.name, short: short, p.type, ""))
      case .rest:
        sig.rest = Parameter(p.name, p.type ?? .any, optional: true, "")
      }
    }
    return sig
  }
}

/// Non-local exits: `break`, `continue` and `return` travel as errors to the loop or
/// function that handles them; the resolver makes sure one always does.
enum ControlSignal: Error {
  case breakLoop
  case continueLoop
  case returnValue(Value)
}
