import AstroCore
import Foundation

/// Expressions, closures and control flow.
extension Resolver {
  func resolveExpr(_ expr: Expr) throws -> Code {
    switch expr {
    case .null: return .constant(.null)
    case .bool(let b, _): return .constant(.bool(b))
    case .int(let i, _): return .constant(.int(i))
    case .float(let d, _): return .constant(.float(d))
    case .string(let s, _): return .constant(.string(s))
    case .interpolation(let parts, _):
      return .interpolation(
        try parts.map { part in
          switch part {
          case .text(let s): return .constant(.string(s))
          case .expr(let e): return try resolveExpr(e)
          }
        })
    case .variable(let name, let span):
      return try resolveVariable(name, span)
    case .list(let items, _):
      let codes = try items.map(resolveExpr)
      if let values = Resolver.constants(codes) { return .constant(.list(values)) }
      return .list(codes)
    case .record(let fields, _):
      let codes = try fields.map { try resolveExpr($0.value) }
      let keys = fields.map(\.key)
      if let values = Resolver.constants(codes) {
        return .constant(.record(Record(keys: keys, values: values)))
      }
      return .record(keys: keys, values: codes)
    case .range(let a, let b, let inclusive, let span):
      return .range(try resolveExpr(a), try resolveExpr(b), inclusive: inclusive, span)
    case .access(let base, let members, let span):
      return .access(try resolveExpr(base), try members.map(resolveMember), span)
    case .unary(.negate, let e, let span):
      return .negate(try resolveExpr(e), span)
    case .unary(.not, let e, _):
      return .not(try resolveExpr(e))
    case .binary(let op, let a, let b, let span):
      return try resolveBinary(op, a, b, span)
    default:
      return try resolveControl(expr)
    }
  }

  private func resolveControl(_ expr: Expr) throws -> Code {
    switch expr {
    case .closure(let closure, let span):
      return try resolveClosure(closure, span)
    case .subexpression(let pipeline, _):
      return try resolvePipeline(pipeline)
    case .ifElse(let condition, let then, let otherwise, _):
      return .ifElse(
        try resolveExpr(condition), try resolveBlock(then), try otherwise.map(resolveExpr))
    case .block(let block):
      return try resolveBlock(block)
    case .forLoop(let name, let sequence, let body, let span):
      let sequenceCode = try resolveExpr(sequence)
      try checkDeclarable(name.text, name.span)
      scope.pushBlock()
      defer { scope.popBlock() }
      let slot = scope.declare(name.text)
      let bodyCode = try inLoop { try resolveBlock(body) }
      return .forLoop(slot: slot, sequence: sequenceCode, body: bodyCode, span)
    case .whileLoop(let condition, let body, _):
      let conditionCode = try resolveExpr(condition)
      return .whileLoop(conditionCode, try inLoop { try resolveBlock(body) })
    case .tryCatch(let body, let handler, _):
      return try resolveTry(body, handler)
    case .returnValue(let value, let span):
      guard scope.kind != .topLevel else { throw ResolveErrors.misplaced("return", file, span) }
      return .returnValue(try value.map(resolveExpr))
    case .breakLoop(let span):
      guard scope.loopDepth > 0 else { throw ResolveErrors.misplaced("break", file, span) }
      return .breakLoop
    case .continueLoop(let span):
      guard scope.loopDepth > 0 else { throw ResolveErrors.misplaced("continue", file, span) }
      return .continueLoop
    default:
      return try resolveExpr(expr)
    }
  }

  private func inLoop<T>(_ body: () throws -> T) rethrows -> T {
    scope.loopDepth += 1
    defer { scope.loopDepth -= 1 }
    return try body()
  }

  /// `catch {|e| … }` runs in the current frame (it is not a closure), so it may assign
  /// variables like the body of `if` can.
  private func resolveTry(_ body: Block, _ handler: ClosureExpr?) throws -> Code {
    let bodyCode = try resolveBlock(body)
    guard let handler else { return .tryCatch(bodyCode, errorSlot: nil, handler: nil) }
    if handler.params.count > 1 {
      throw ResolveErrors.make(
        "too_many_parameters", "'catch' takes one parameter, the error",
        hint: "write catch {|e| … }", file, handler.params[1].span)
    }
    scope.pushBlock()
    defer { scope.popBlock() }
    var errorSlot: Int?
    if let param = handler.params.first {
      try checkDeclarable(param.text, param.span)
      errorSlot = scope.declare(param.text)
    }
    let handlerCode = Code.block(try resolveStatements(handler.body.statements))
    return .tryCatch(bodyCode, errorSlot: errorSlot, handler: handlerCode)
  }

  func resolveVariable(_ name: String, _ span: Span) throws -> Code {
    if let ref = scope.lookup(name) { return ref.code }
    throw ResolveErrors.unknownVariable(name, hint: variableHint(name), file, span)
  }

  private func variableHint(_ name: String) -> String? {
    switch name {
    case "it":
      return "$it is the current item inside a block such as each { … } or where { … }"
    case "in":
      return "$in is the input of a def, a closure or a later pipeline stage"
    default:
      if let near = Suggest.hint(for: name, in: scope.visibleNames) { return near }
      if scope.kind == .def {
        return "a def sees its parameters and the top-level variables declared before it"
      }
      return "declare it first: let \(name) = …"
    }
  }

  func resolveMember(_ member: Member) throws -> Step {
    switch member {
    case .field(let name, let optional, let span): return .field(name, optional: optional, span)
    case .index(let i, let optional, let span): return .index(i, optional: optional, span)
    case .dynamic(let e, let optional, let span):
      return .dynamic(try resolveExpr(e), optional: optional, span)
    }
  }

  private func resolveBinary(_ op: BinaryOp, _ a: Expr, _ b: Expr, _ span: Span) throws -> Code {
    let lhs = try resolveExpr(a)
    let rhs = try resolveExpr(b)
    switch op {
    case .and: return .and(lhs, rhs)
    case .or: return .or(lhs, rhs)
    case .match, .notMatch:
      if case .constant(.string(let pattern)) = rhs, Regexes.compile(pattern) == nil {
        throw ResolveErrors.invalidRegex(pattern, file, b.span)
      }
      return .binary(op, lhs, rhs, span)
    default:
      return .fused(op, lhs, rhs, span)
    }
  }

  /// The values of `codes` when all of them are constants.
  static func constants(_ codes: [Code]) -> [Value]? {
    var values: [Value] = []
    values.reserveCapacity(codes.count)
    for code in codes {
      guard case .constant(let v) = code else { return nil }
      values.append(v)
    }
    return values
  }
}

// MARK: - Closures and defs

extension Resolver {
  func resolveClosure(_ closure: ClosureExpr, _ span: Span) throws -> Code {
    let function = FunctionScope(kind: .closure, parent: scope)
    function.implicitIt = !closure.hasParams
    var seen: Set<String> = []
    for param in closure.params {
      try checkDeclarable(param.text, param.span)
      guard seen.insert(param.text).inserted else {
        throw ResolveErrors.duplicate("parameter", param.text, file, param.span)
      }
      _ = function.declare(param.text)
    }
    let body = try inFunction(function) { try resolveStatements(closure.body.statements) }
    let proto = FunctionProto(
      name: "closure", file: file, body: body, scope: function,
      parameterNames: closure.params.map(\.text), hasParameters: closure.hasParams)
    return .closure(proto, captures: function.captures)
  }
}
