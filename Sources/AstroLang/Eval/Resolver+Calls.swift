import AstroCore

/// Commands: finding the builtin or def, and matching arguments to its parameters.
extension Resolver {
  /// Registers the defs of a statement list before resolving it, so a def can be called
  /// above the place it is written and can call itself.
  func hoistDefs(_ statements: [Stmt]) throws {
    var seen: Set<String> = []
    for case .def(let decl, _) in statements {
      guard seen.insert(decl.name.text).inserted else {
        throw ResolveErrors.duplicate("def", decl.name.text, file, decl.name.span)
      }
      let params = try decl.params.map(defParam)
      let function = DefFunction(name: decl.name.text, params: params)
      scope.defs[scope.defs.count - 1][decl.name.text] = function
    }
  }

  private func defParam(_ p: DefParam) throws -> DefFunction.Param {
    try checkDeclarable(p.name.text, p.name.span)
    switch p.kind {
    case .positional(let optional):
      return .init(
        name: p.name.text, kind: .positional, type: p.type?.type, optional: optional,
        span: p.name.span)
    case .flag(let short):
      return .init(
        name: p.name.text, kind: .flag(short: short), type: p.type?.type, optional: true,
        span: p.name.span)
    case .rest:
      return .init(
        name: p.name.text, kind: .rest, type: p.type?.type, optional: true, span: p.name.span)
    }
  }

  /// Resolves the body of a hoisted def where it is written, so it sees the top-level
  /// variables declared before it.
  func resolveDefBody(_ decl: DefDecl) throws {
    guard let function = scope.defs[scope.defs.count - 1][decl.name.text] else { return }
    let inner = FunctionScope(kind: .def, parent: scope)
    var seen: Set<String> = []
    for param in function.params {
      guard seen.insert(param.variableName).inserted else {
        throw ResolveErrors.duplicate("parameter", param.name, file, param.span)
      }
      _ = inner.declare(param.variableName)
    }
    let body = try inFunction(inner) {
      for (i, p) in decl.params.enumerated() {
        function.params[i].defaultValue = try p.defaultValue.map(resolveExpr)
      }
      return try resolveStatements(decl.body.statements)
    }
    function.proto = FunctionProto(name: decl.name.text, file: file, body: body, scope: inner)
  }

  func resolveCommand(_ command: Command) throws -> Code {
    if let function = scope.lookupDef(command.name) {
      return .defCall(try bindDef(function, command))
    }
    if let builtin = builtins[command.name] {
      return .builtinCall(try bindBuiltin(builtin, command))
    }
    throw ResolveErrors.unknownCommand(
      command.name, hint: commandHint(command), file, command.nameSpan)
  }

  private func commandHint(_ command: Command) -> String? {
    if case .positional(.string("=", _)) = command.args.first {
      return "declare a variable with 'let \(command.name) = …'"
    }
    if ["mut", "var", "const", "set"].contains(command.name) {
      return "declare variables with 'let name = …'"
    }
    if scope.lookup(command.name) != nil {
      return "to use the variable, write $\(command.name)"
    }
    let names = Array(builtins.keys) + scope.visibleDefs + ["let", "def", "if", "for", "while"]
    return Suggest.hint(for: command.name, in: names)
  }

  func usage(_ name: String, _ signature: Signature) -> String {
    var parts = [name]
    for p in signature.positional { parts.append(p.optional ? "[\(p.name)]" : "<\(p.name)>") }
    if let rest = signature.rest { parts.append("[...\(rest.name)]") }
    if !signature.flags.isEmpty { parts.append("[flags]") }
    return parts.joined(separator: " ")
  }
}

// MARK: - Builtin arguments

extension Resolver {
  private struct FlagArg {
    var name: String
    var value: Code
    var type: ParamType?
    var span: Span
  }

  func bindBuiltin(_ builtin: Builtin, _ command: Command) throws -> BuiltinCall {
    let signature = builtin.signature
    var positional: [(expr: Expr, code: Code)] = []
    var flags: [FlagArg] = []
    var i = 0
    while i < command.args.count {
      switch command.args[i] {
      case .positional(let expr):
        let type = positionalType(signature, at: positional.count)
        positional.append((expr, try resolveArgument(expr, as: type)))
      case .flag(let name, let value, let short, let span):
        var next: Expr?
        if case .positional(let e) = command.args[ifPresent: i + 1] { next = e }
        let (flag, consumed) = try bindFlag(
          name, value: value, short: short, span: span, next: next, builtin: builtin)
        if flags.contains(where: { $0.name == flag.name }) {
          throw ResolveErrors.duplicateFlag("--\(flag.name)", file, span)
        }
        flags.append(flag)
        if consumed { i += 1 }
      }
      i += 1
    }
    try checkArity(
      builtin.name, signature, given: positional.map(\.expr.span), span: command.span)
    let checks = positional.indices.map { index -> BuiltinCall.Check in
      let param = signature.positional[ifPresent: index] ?? signature.rest
      return BuiltinCall.Check(
        name: param?.name ?? "argument", type: param?.type, optional: param?.optional ?? true,
        span: positional[index].expr.span)
    }
    return BuiltinCall(
      builtin: builtin, positional: positional.map(\.code), positionalChecks: checks,
      flags: flags.map {
        (
          $0.name, $0.value,
          BuiltinCall.Check(name: "--" + $0.name, type: $0.type, optional: true, span: $0.span)
        )
      }, span: command.span)
  }

  private func positionalType(_ signature: Signature, at index: Int) -> ParamType {
    (signature.positional[ifPresent: index] ?? signature.rest)?.type ?? .any
  }

  /// Matches one flag to the signature. A flag with a type takes the next argument as its
  /// value unless it was written `--flag=value`; returns whether it did.
  private func bindFlag(
    _ written: String, value: Expr?, short: Bool, span: Span, next: Expr?, builtin: Builtin
  ) throws -> (FlagArg, Bool) {
    let signature = builtin.signature
    let shown = (short ? "-" : "--") + written
    let canonical = written.replacingOccurrences(of: "_", with: "-")
    let flag =
      short
      ? signature.flags.first { $0.short.map(String.init) == written }
      : signature.flags.first { $0.name == canonical }
    guard let flag else {
      guard signature.openFlags else {
        let names = signature.flags.map { "--" + $0.name }
        let hint = Suggest.hint(for: "--" + canonical, in: names) ?? flagList(builtin)
        throw ResolveErrors.unknownFlag(shown, command: builtin.name, hint: hint, file, span)
      }
      return try bindOpenFlag(written, value: value, span: span, next: next)
    }
    if let value {
      return (
        FlagArg(
          name: flag.name, value: try resolveArgument(value, as: flag.type ?? .bool),
          type: flag.type ?? .bool, span: span), false
      )
    }
    guard let type = flag.type else {
      return (FlagArg(name: flag.name, value: .constant(.bool(true)), type: nil, span: span), false)
    }
    guard let next else {
      throw ResolveErrors.flagNeedsValue(shown, command: builtin.name, file, span)
    }
    let code = try resolveArgument(next, as: type)
    return (
      FlagArg(name: flag.name, value: code, type: type, span: span.merged(with: next.span)), true
    )
  }

  /// A flag the builtin did not declare but accepts (`openFlags`): it takes the next
  /// argument as its value when there is one, and is a switch otherwise.
  private func bindOpenFlag(_ written: String, value: Expr?, span: Span, next: Expr?) throws
    -> (FlagArg, Bool)
  {
    if let given = value ?? next {
      let code = try resolveArgument(given, as: .any)
      return (FlagArg(name: written, value: code, type: nil, span: span), value == nil)
    }
    return (FlagArg(name: written, value: .constant(.bool(true)), type: nil, span: span), false)
  }

  private func flagList(_ builtin: Builtin) -> String {
    guard !builtin.signature.flags.isEmpty else { return "'\(builtin.name)' takes no flags" }
    return "its flags are: "
      + builtin.signature.flags.map { "--" + $0.name }.joined(separator: ", ")
  }

  /// Resolves an argument; a bare number where text is expected keeps its spelling, so
  /// `get 0` and `open 2024.csv` pass strings.
  func resolveArgument(_ expr: Expr, as type: ParamType) throws -> Code {
    switch (type, expr) {
    case (.string, .int(_, let span)), (.string, .float(_, let span)),
      (.path, .int(_, let span)), (.path, .float(_, let span)),
      (.oneOf, .int(_, let span)):
      return .constant(.string(sourceText(span)))
    default:
      return try resolveExpr(expr)
    }
  }

  func sourceText(_ span: Span) -> String {
    let utf8 = file.text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: span.start)
    let end = utf8.index(utf8.startIndex, offsetBy: span.end)
    return String(decoding: utf8[start..<end], as: UTF8.self)
  }

  private func checkArity(_ name: String, _ signature: Signature, given: [Span], span: Span)
    throws
  {
    if given.count > signature.positional.count, signature.rest == nil {
      throw ResolveErrors.tooManyArguments(
        command: name, usage: usage(name, signature), file, given[signature.positional.count])
    }
    for (index, param) in signature.positional.enumerated()
    where !param.optional && index >= given.count {
      throw ResolveErrors.missingArgument(
        param.name, command: name, usage: usage(name, signature), file, span)
    }
  }
}

extension Array {
  subscript(ifPresent index: Int) -> Element? {
    index >= 0 && index < count ? self[index] : nil
  }
}
