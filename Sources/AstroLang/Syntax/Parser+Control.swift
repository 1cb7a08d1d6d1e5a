import AstroCore

/// `if`, `for`, `while`, `try`, `return` and `def`.
extension Parser {
  /// `if cond { } else if cond { } else { }`; `else` may start the next line.
  func parseIf() throws -> Expr {
    let keyword = advance()
    return try nested(keyword.span) {
      let condition = try parseCondition()
      let then = try parseBlock("after the condition of 'if'")
      var otherwise: Expr?
      if skipToKeyword("else") {
        advance()
        otherwise = atWord("if") ? try parseIf() : .block(try parseBlock("after 'else'"))
      }
      let end = otherwise?.span ?? then.span
      return .ifElse(
        condition: condition, then: then, otherwise: otherwise, keyword.span.merged(with: end))
    }
  }

  /// `for name in sequence { }`.
  func parseFor() throws -> Expr {
    let keyword = advance()
    let nameToken = peek()
    if nameToken.kind == .variable {
      let name = String(text(nameToken).dropFirst())
      throw SyntaxErrors.dollarInDeclaration(name, file, nameToken.span)
    }
    guard nameToken.kind == .word else { throw expected("a variable name after 'for'", nameToken) }
    advance()
    guard atWord("in") else { throw expected("'in' after 'for \(text(nameToken))'", peek()) }
    advance()
    let sequence = try parseCondition()
    let body = try parseBlock("for the body of 'for'")
    let name = Name(text: text(nameToken), span: nameToken.span)
    return .forLoop(
      variable: name, sequence: sequence, body: body, keyword.span.merged(with: body.span))
  }

  func parseWhile() throws -> Expr {
    let keyword = advance()
    let condition = try parseCondition()
    let body = try parseBlock("after the condition of 'while'")
    return .whileLoop(condition: condition, body: body, keyword.span.merged(with: body.span))
  }

  /// `try { } catch {|e| }`; without `catch` a failure gives null.
  func parseTry() throws -> Expr {
    let keyword = advance()
    let body = try parseBlock("after 'try'")
    var handler: ClosureExpr?
    if skipToKeyword("catch") {
      advance()
      guard at(.lbrace) else { throw expected("'{' after 'catch'", peek()) }
      handler = try parseClosure()
    }
    let end = handler?.body.span ?? body.span
    return .tryCatch(body: body, handler: handler, keyword.span.merged(with: end))
  }

  /// `return` or `return <expression>`.
  func parseReturn() throws -> Expr {
    let keyword = advance()
    guard !peek().endsArguments else { return .returnValue(nil, keyword.span) }
    let value = try parseExpression()
    return .returnValue(value, keyword.span.merged(with: value.span))
  }

  /// The expression heading `if`, `while` and `for`: it ends at the `{` of the body.
  private func parseCondition() throws -> Expr {
    let condition = try inContext(braceEndsExpression: true, rowCondition: false) {
      try parseExpression()
    }
    if at(.pipe) {
      throw expected(
        "'{'", peek(),
        hint: "a pipeline in a condition goes in parentheses: if ($list | length) > 0 { … }")
    }
    return condition
  }

  /// Moves to `keyword` if it follows, possibly on a later line; otherwise moves nowhere.
  private func skipToKeyword(_ keyword: String) -> Bool {
    var i = pos
    while tokens[i].kind == .newline { i += 1 }
    guard tokens[i].kind == .word, text(tokens[i]) == keyword else { return false }
    pos = i
    return true
  }
}

// MARK: - def

extension Parser {
  /// `def name [params] { body }`.
  func parseDef() throws -> Stmt {
    let keyword = advance()
    let nameToken = peek()
    guard nameToken.kind == .word else { throw expected("a command name after 'def'", nameToken) }
    advance()
    let params = try parseParams()
    let body = try parseBlock("for the body of 'def \(text(nameToken))'")
    let decl = DefDecl(
      name: Name(text: text(nameToken), span: nameToken.span), params: params, body: body)
    return .def(decl, keyword.span.merged(with: body.span))
  }

  /// `[a, b: int, c?: string, d = 5, --flag (-f), --opt: string, ...rest]`.
  private func parseParams() throws -> [DefParam] {
    let open = try expect(.lbracket, "to open the parameter list")
    return try inContext(newlinesAreSpace: true) {
      var params: [DefParam] = []
      var progress = LoopProgress()
      while !at(.rbracket) && peek().kind != .end {
        try progress.check(self)
        params.append(try parseParam())
        if at(.comma) { advance() }
      }
      try expectClosing(.rbracket, opening: open)
      return params
    }
  }

  private func parseParam() throws -> DefParam {
    let t = peek()
    if t.kind == .flag {
      advance()
      let name = Name(text: String(text(t).dropFirst(2)), span: t.span)
      let short = try parseShortAlias()
      let type = try parseTypeAnnotation()
      return DefParam(
        name: name, kind: .flag(short: short), type: type, defaultValue: try parseDefault())
    }
    if t.isPunct(.dotDot), tokens[pos + 1].isPunct(.dot) {
      advance()
      advance()
      let name = try parseParamName()
      return DefParam(name: name, kind: .rest, type: try parseTypeAnnotation(), defaultValue: nil)
    }
    let name = try parseParamName()
    var optional = false
    if at(.question), atGlued {
      advance()
      optional = true
    }
    let type = try parseTypeAnnotation()
    let defaultValue = try parseDefault()
    if defaultValue != nil { optional = true }
    return DefParam(
      name: name, kind: .positional(optional: optional), type: type, defaultValue: defaultValue)
  }

  /// `= value` after a parameter, or nothing.
  private func parseDefault() throws -> Expr? {
    guard at(.assign) else { return nil }
    advance()
    return try parseExpression()
  }

  private func parseParamName() throws -> Name {
    let t = peek()
    if t.kind == .variable {
      throw SyntaxErrors.dollarInDeclaration(String(text(t).dropFirst()), file, t.span)
    }
    guard t.kind == .word else { throw expected("a parameter name", t) }
    advance()
    return Name(text: text(t), span: t.span)
  }

  /// `(-f)` after a flag parameter.
  private func parseShortAlias() throws -> Character? {
    guard at(.lparen) else { return nil }
    advance()
    try expect(.minus, "before the short flag letter")
    let letter = peek()
    guard letter.kind == .word, text(letter).count == 1 else {
      throw expected("one letter for the short flag", letter)
    }
    advance()
    try expect(.rparen, "after the short flag")
    return text(letter).first
  }

  /// `: type`, or nothing.
  private func parseTypeAnnotation() throws -> TypeName? {
    guard at(.colon) else { return nil }
    advance()
    let t = peek()
    guard t.kind == .word else { throw expected("a type name after ':'", t) }
    advance()
    guard var type = TypeNames.lookup(text(t)) else {
      throw SyntaxErrors.unknownType(text(t), file, t.span)
    }
    var span = t.span
    if case .list = type, at(.less), atGlued {
      advance()
      let inner = peek()
      guard inner.kind == .word, let element = TypeNames.lookup(text(inner)) else {
        throw SyntaxErrors.unknownType(text(inner), file, inner.span)
      }
      advance()
      span = span.merged(with: try expect(.greater, "to close the list type").span)
      type = .list(element)
    }
    return TypeName(type: type, span: span)
  }
}
