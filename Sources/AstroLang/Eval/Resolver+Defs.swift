import AstroCore

/// Matching the arguments of a call to a def's parameters.
extension Resolver {
  func bindDef(_ function: DefFunction, _ command: Command) throws -> DefCall {
    let params = function.params
    var arguments: [(code: Code, span: Span)?] = Array(repeating: nil, count: params.count)
    let positionalSlots = params.indices.filter {
      if case .positional = params[$0].kind { return true }
      return false
    }
    let restSlot = params.firstIndex {
      if case .rest = $0.kind { return true }
      return false
    }
    var rest: [Code] = []
    var nextPositional = 0
    var i = 0
    while i < command.args.count {
      switch command.args[i] {
      case .positional(let expr):
        if nextPositional < positionalSlots.count {
          let slot = positionalSlots[nextPositional]
          arguments[slot] = (try resolveArgument(expr, as: params[slot].type ?? .any), expr.span)
          nextPositional += 1
        } else if restSlot != nil {
          rest.append(try resolveArgument(expr, as: params[restSlot!].type ?? .any))
        } else {
          throw ResolveErrors.tooManyArguments(
            command: function.name, usage: usage(function.name, function.signature), file,
            expr.span)
        }
      case .flag(let name, let value, let short, let span):
        var next: Expr?
        if case .positional(let e) = command.args[ifPresent: i + 1] { next = e }
        let (slot, code, consumed) = try bindDefFlag(
          function, name, value: value, short: short, span: span, next: next)
        guard arguments[slot] == nil else {
          throw ResolveErrors.duplicateFlag((short ? "-" : "--") + name, file, span)
        }
        arguments[slot] = (code, span)
        if consumed { i += 1 }
      }
      i += 1
    }
    if let restSlot {
      arguments[restSlot] = (.list(rest), command.span)
    }
    for slot in positionalSlots where arguments[slot] == nil && !params[slot].optional {
      throw ResolveErrors.missingArgument(
        params[slot].name, command: function.name,
        usage: usage(function.name, function.signature), file, command.span)
    }
    return DefCall(function: function, arguments: arguments, span: command.span)
  }

  private func bindDefFlag(
    _ function: DefFunction, _ written: String, value: Expr?, short: Bool, span: Span,
    next: Expr?
  ) throws -> (Int, Code, Bool) {
    let canonical = written.replacingOccurrences(of: "_", with: "-")
    let shown = (short ? "-" : "--") + written
    let slot = function.params.firstIndex { p in
      guard case .flag(let letter) = p.kind else { return false }
      return short
        ? letter.map(String.init) == written
        : p.name.replacingOccurrences(of: "_", with: "-") == canonical
    }
    guard let slot else {
      let names = function.params.filter(\.isFlag).map { "--" + $0.name }
      let hint =
        Suggest.hint(for: "--" + canonical, in: names)
        ?? (names.isEmpty
          ? "'\(function.name)' takes no flags" : "its flags are: " + names.joined(separator: ", "))
      throw ResolveErrors.unknownFlag(shown, command: function.name, hint: hint, file, span)
    }
    let param = function.params[slot]
    if let value { return (slot, try resolveArgument(value, as: param.type ?? .bool), false) }
    guard let type = param.type else { return (slot, .constant(.bool(true)), false) }
    guard let next else {
      throw ResolveErrors.flagNeedsValue(shown, command: function.name, file, span)
    }
    return (slot, try resolveArgument(next, as: type), true)
  }
}
