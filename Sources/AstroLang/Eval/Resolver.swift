import AstroCore

/// Turns a parsed program into resolved `Code`: variables to frame slots, commands to
/// their builtin or def, closures to prototypes with capture lists.
///
/// It also enforces the static rules: every variable and command exists, flags and
/// argument counts fit the signature, closures and defs never assign outer variables,
/// and `break`, `continue` and `return` appear only where they can work.
final class Resolver {
  /// Names a script cannot declare: astrosh binds them itself.
  static let reservedNames: Set<String> = ["env", "args", "it", "in"]

  let file: SourceFile
  let builtins: [String: Builtin]
  var scope: FunctionScope

  init(file: SourceFile, topLevel: FunctionScope, builtins: [String: Builtin]) {
    self.file = file
    self.scope = topLevel
    self.builtins = builtins
  }

  /// The top-level statements of `program`.
  func resolve(_ program: Program) throws -> [Statement] {
    try resolveStatements(program.statements)
  }

  func resolveStatements(_ statements: [Stmt]) throws -> [Statement] {
    try hoistDefs(statements)
    return try statements.compactMap { try resolveStatement($0) }
  }

  /// A `{ … }` body that is not a closure: its own block scope in the current frame.
  func resolveBlock(_ block: Block) throws -> Code {
    scope.pushBlock()
    defer { scope.popBlock() }
    return .block(try resolveStatements(block.statements))
  }

  /// Runs `body` inside a new function scope, restoring the current one after.
  func inFunction<T>(_ function: FunctionScope, _ body: () throws -> T) rethrows -> T {
    let saved = scope
    scope = function
    defer { scope = saved }
    return try body()
  }

  private func resolveStatement(_ statement: Stmt) throws -> Statement? {
    switch statement {
    case .letDecl(let name, let nameSpan, let value, let span):
      try checkDeclarable(name, nameSpan)
      let code = try resolvePipeline(value)
      let slot = scope.declare(name)
      return Statement(code: .letValue(slot: slot, code), span: span, shows: false)
    case .assign(let target, let op, let value, let span):
      let code = try resolveAssignment(target, op, value)
      return Statement(code: code, span: span, shows: false)
    case .def(let decl, _):
      try resolveDefBody(decl)
      return nil
    case .pipeline(let pipeline):
      return Statement(code: try resolvePipeline(pipeline), span: pipeline.span, shows: true)
    }
  }

  func checkDeclarable(_ name: String, _ span: Span) throws {
    if Resolver.reservedNames.contains(name) {
      throw ResolveErrors.reservedName(name, file, span)
    }
  }

  private func resolveAssignment(_ target: AssignTarget, _ op: AssignOp, _ value: Pipeline)
    throws -> Code
  {
    let valueCode = try resolvePipeline(value)
    guard let ref = scope.lookup(target.name) else {
      let hint = Suggest.hint(for: target.name, in: scope.visibleNames)
      throw ResolveErrors.assignUndeclared(target.name, hint: hint, file, target.span)
    }
    switch ref {
    case .global:
      throw ResolveErrors.assignFromDef(target.name, file, target.span)
    case .local(_, .captured):
      throw ResolveErrors.assignCaptured(target.name, file, target.span)
    case .local(_, .readOnly):
      throw ResolveErrors.assignReadOnly(target.name, file, target.span)
    case .local(let slot, .local):
      let path = try target.path.map(resolveMember)
      return .assign(
        Assignment(slot: slot, op: op, path: path, value: valueCode, span: target.span))
    }
  }

  /// Stages joined by `|`. An expression after the first stage sees its input as `$in`.
  func resolvePipeline(_ pipeline: Pipeline) throws -> Code {
    var stages: [Code] = []
    for (i, element) in pipeline.elements.enumerated() {
      switch element {
      case .command(let command):
        stages.append(try resolveCommand(command))
      case .expression(let expr) where i == 0:
        stages.append(try resolveExpr(expr))
      case .expression(let expr):
        stages.append(try resolveStage(expr))
      }
    }
    return stages.count == 1 ? stages[0] : .pipeline(stages)
  }

  private func resolveStage(_ expr: Expr) throws -> Code {
    scope.pushBlock()
    defer { scope.popBlock() }
    let slot = scope.declare("in", kind: .readOnly)
    let code = try resolveExpr(expr)
    let used = scope.blocks[scope.blocks.count - 1]["in"]?.used ?? false
    return used ? .stage(inSlot: slot, code) : code
  }
}
