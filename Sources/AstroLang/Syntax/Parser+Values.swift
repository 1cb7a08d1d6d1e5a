import AstroCore

/// Operands: literals, variables, parenthesised pipelines, lists, records and closures.
extension Parser {
  func parsePrimary() throws -> Expr {
    let t = peek()
    switch t.kind {
    case .integer:
      advance()
      return .int(try integerValue(t), t.span)
    case .decimal:
      advance()
      return .float(try decimalValue(t), t.span)
    case .string, .rawString:
      return try parseStringLiteral()
    case .variable:
      advance()
      return .variable(String(text(t).dropFirst()), t.span)
    case .punct(.lparen):
      return try parseParenthesized()
    case .punct(.lbracket):
      return try parseList()
    case .punct(.lbrace) where !braceEndsExpression:
      return try parseBraceValue()
    case .word:
      return try parseWordOperand(t)
    case .punct(.lbrace):
      throw expected(
        "a value", t,
        hint: "in the head of 'if', 'while' or 'for', write a record or closure "
          + "in parentheses: ({…})")
    default:
      throw expected("a value", t)
    }
  }

  private func parseWordOperand(_ t: Token) throws -> Expr {
    let word = text(t)
    switch word {
    case "true", "false":
      advance()
      return .bool(word == "true", t.span)
    case "null":
      advance()
      return .null(t.span)
    case "if": return try parseIf()
    case "try": return try parseTry()
    default:
      guard rowCondition else { throw SyntaxErrors.bareWord(word, file, t.span) }
      advance()
      let field = Member.field(word, optional: false, t.span)
      return .access(.variable("it", t.span), [field], t.span)
    }
  }

  /// `( pipeline )`; a lone expression in parentheses is just grouping.
  func parseParenthesized() throws -> Expr {
    let open = advance()
    return try bracketed(open) {
      try inContext(newlinesAreSpace: true, braceEndsExpression: false, rowCondition: false) {
        let pipeline = try parsePipeline()
        let close = try expectClosing(.rparen, opening: open)
        if pipeline.elements.count == 1, case .expression(let e) = pipeline.elements[0] {
          return e
        }
        return .subexpression(pipeline, open.span.merged(with: close.span))
      }
    }
  }

  /// `[a, b, c]`; commas are optional and line breaks are space.
  func parseList() throws -> Expr {
    let open = advance()
    return try bracketed(open) {
      try inContext(newlinesAreSpace: true, braceEndsExpression: false) {
        listItems = true
        var items: [Expr] = []
        var progress = LoopProgress()
        while !at(.rbracket) && peek().kind != .end {
          try progress.check(self)
          items.append(try parseExpression())
          if at(.comma) { advance() }
        }
        let close = try expectClosing(.rbracket, opening: open)
        return .list(items, open.span.merged(with: close.span))
      }
    }
  }

  /// `{` opens a record when followed by `}` or by `key:`, a closure when followed by `|`,
  /// and a block (a closure without parameters) otherwise.
  func parseBraceValue() throws -> Expr {
    var i = pos + 1
    while tokens[i].kind == .newline { i += 1 }
    let first = tokens[i]
    let second = tokens[min(i + 1, tokens.count - 1)]
    let keyLike = [TokenKind.word, .string, .rawString, .integer].contains(first.kind)
    if first.isPunct(.rbrace) || (keyLike && second.isPunct(.colon)) {
      return try parseRecord()
    }
    let open = peek()
    let closure = try parseClosure()
    return .closure(closure, open.span.merged(with: closure.body.span))
  }

  func parseRecord() throws -> Expr {
    let open = advance()
    return try bracketed(open) {
      try inContext(newlinesAreSpace: true, braceEndsExpression: false) {
        var fields: [(key: String, value: Expr)] = []
        var progress = LoopProgress()
        while !at(.rbrace) && peek().kind != .end {
          try progress.check(self)
          let keyToken = peek()
          let key = try parseRecordKey()
          try expect(.colon, "after the field name '\(key)'")
          let value = try parseExpression()
          if fields.contains(where: { $0.key == key }) {
            throw SyntaxErrors.duplicateField(key, file, keyToken.span)
          }
          fields.append((key, value))
          if at(.comma) { advance() }
        }
        let close = try expectClosing(.rbrace, opening: open)
        return .record(fields, open.span.merged(with: close.span))
      }
    }
  }

  private func parseRecordKey() throws -> String {
    let t = peek()
    switch t.kind {
    case .word, .integer:
      advance()
      return text(t)
    case .string, .rawString:
      guard case .string(let key, _) = try parseStringLiteral() else {
        throw SyntaxErrors.make(
          "unexpected_token", "a field name cannot be interpolated", file, t.span)
      }
      return key
    default:
      throw expected("a field name", t)
    }
  }

  /// `{|a, b| statements}` or `{ statements }`.
  func parseClosure() throws -> ClosureExpr {
    let open = peek()
    return try bracketed(open) {
      try expect(.lbrace, "to open a block")
      var params: [Name] = []
      var hasParams = false
      skipNewlines()
      if at(.pipe) {
        advance()
        hasParams = true
        params = try parseClosureParams()
      }
      let body = try parseBlockBody(open: open)
      return ClosureExpr(params: params, hasParams: hasParams, body: body)
    }
  }

  private func parseClosureParams() throws -> [Name] {
    var params: [Name] = []
    var progress = LoopProgress()
    while !at(.pipe) {
      try progress.check(self)
      let t = peek()
      if t.kind == .variable {
        throw SyntaxErrors.dollarInDeclaration(String(text(t).dropFirst()), file, t.span)
      }
      guard t.kind == .word else { throw expected("a parameter name or '|'", t) }
      advance()
      params.append(Name(text: text(t), span: t.span))
      if at(.comma) { advance() }
    }
    advance()
    return params
  }

  /// `{ statements }` where a block is required (`if`, `for`, `def` …).
  func parseBlock(_ context: String) throws -> Block {
    let open = peek()
    guard open.isPunct(.lbrace) else { throw expected("'{' \(context)", open) }
    return try bracketed(open) {
      advance()
      return try parseBlockBody(open: open)
    }
  }

  /// The statements after an opening brace, and the closing brace.
  private func parseBlockBody(open: Token) throws -> Block {
    try inContext(newlinesAreSpace: false, braceEndsExpression: false, rowCondition: false) {
      let statements = try parseStatements(closer: .rbrace)
      let close = try expectClosing(.rbrace, opening: open)
      return Block(statements: statements, span: open.span.merged(with: close.span))
    }
  }
}
