import AstroCore

/// Commands and their arguments.
///
/// Arguments are values without operators (`print ($x + 1)`): literals, `$var.path`,
/// `( … )`, `[ … ]`, `{ … }`, ranges, flags, and bare words. A bare word is a run of tokens
/// with no space between them, taken as written: `a.example`, `./data.csv`, `2024-01-01`.
extension Parser {
  /// Commands whose first argument may be a row condition (`where status == "PENDING"`).
  static let rowConditionCommands: Set<String> = ["where"]

  func parseCommand() throws -> Command {
    let nameToken = advance()
    var nameEnd = nameToken.span.end
    while atGlued && isWordMaterial(peek()) { nameEnd = advance().span.end }
    let name = text(Span(nameToken.span.start, nameEnd))
    var args: [Arg] = []
    if Parser.rowConditionCommands.contains(name), !peek().endsArguments, !at(.lbrace) {
      args.append(.positional(try parseRowCondition()))
    }
    var progress = LoopProgress()
    while !peek().endsArguments {
      try progress.check(self)
      args.append(contentsOf: try parseArg())
    }
    let end = args.last?.span ?? nameToken.span
    return Command(
      name: name, nameSpan: Span(nameToken.span.start, nameEnd), args: args,
      span: nameToken.span.merged(with: end))
  }

  /// `where <expression>`, where a bare word is a field of the item; it becomes the
  /// closure `{ <expression> }`. A lone `$var` stays as it is (it may hold a closure).
  private func parseRowCondition() throws -> Expr {
    let condition = try inContext(rowCondition: true) { try parseExpression() }
    if case .variable = condition { return condition }
    let statement = Stmt.pipeline(
      Pipeline(elements: [.expression(condition)], span: condition.span))
    let body = Block(statements: [statement], span: condition.span)
    return .closure(ClosureExpr(params: [], hasParams: false, body: body), condition.span)
  }

  /// One argument; `-abc` gives three short flags.
  func parseArg() throws -> [Arg] {
    let t = peek()
    if t.kind == .flag { return [try parseLongFlag()] }
    if t.isPunct(.minus) {
      let next = peekNext()
      if next.kind == .word && !next.spaceBefore { return try parseShortFlags() }
    }
    return [.positional(try parseArgValue())]
  }

  private func parseLongFlag() throws -> Arg {
    let t = advance()
    let name = String(text(t).dropFirst(2))
    guard at(.assign), atGlued else { return .flag(name: name, value: nil, short: false, t.span) }
    advance()
    let value = try parseArgValue()
    return .flag(name: name, value: value, short: false, t.span.merged(with: value.span))
  }

  private func parseShortFlags() throws -> [Arg] {
    let dash = advance()
    let word = advance()
    let letters = Array(text(word))
    if letters.count == 1, at(.assign), atGlued {
      advance()
      let value = try parseArgValue()
      let span = dash.span.merged(with: value.span)
      return [.flag(name: String(letters[0]), value: value, short: true, span)]
    }
    let span = dash.span.merged(with: word.span)
    return letters.map { .flag(name: String($0), value: nil, short: true, span) }
  }

  /// An argument value: no binary operators, and bare words are strings.
  func parseArgValue() throws -> Expr {
    let t = peek()
    let value: Expr
    switch t.kind {
    case .variable, .punct(.lparen):
      value = try parseArgRange(try parsePostfix())
    case .punct(.lbracket), .punct(.lbrace), .string, .rawString:
      value = try parsePostfix()
    case .integer, .decimal:
      let next = peekNext()
      if !next.spaceBefore, isWordMaterial(next), !isRangeOperator(next) {
        value = parseBareWord()
      } else {
        value = try parseArgRange(try parsePrimary())
      }
    case .punct(.minus) where isNegativeNumber():
      value = try parseArgRange(try parseUnary())
    case .word where ["true", "false", "null"].contains(text(t)):
      let next = peekNext()
      value = !next.spaceBefore && isWordMaterial(next) ? parseBareWord() : try parsePrimary()
    default:
      guard isWordMaterial(t) else { throw unexpected(t) }
      value = parseBareWord()
    }
    let next = peek()
    if !next.spaceBefore, !next.endsArguments {
      throw unexpected(
        next, hint: "put a space between arguments, or build text with a string: \"…$(…)…\"")
    }
    return value
  }

  /// A range whose lower bound was just parsed: `1..10`, `$a..$b`, `0..($n - 1)`.
  private func parseArgRange(_ lower: Expr) throws -> Expr {
    let t = peek()
    guard !t.spaceBefore, isRangeOperator(t) else { return lower }
    advance()
    let upper: Expr
    if at(.minus), isNegativeNumber() {
      upper = try parseUnary()
    } else {
      upper = try parsePostfix()
    }
    return .range(lower, upper, inclusive: t.isPunct(.dotDot), lower.span.merged(with: upper.span))
  }

  private func parseBareWord() -> Expr {
    let first = advance()
    var end = first.span.end
    while atGlued && isWordMaterial(peek()) { end = advance().span.end }
    let span = Span(first.span.start, end)
    return .string(text(span), span)
  }

  /// `-3` or `-1.5` glued together, not followed by more word material.
  private func isNegativeNumber() -> Bool {
    let next = tokens[pos + 1]
    guard next.kind == .integer || next.kind == .decimal, !next.spaceBefore else { return false }
    let after = tokens[min(pos + 2, tokens.count - 1)]
    return after.spaceBefore || !isWordMaterial(after) || isRangeOperator(after)
  }

  private func isRangeOperator(_ t: Token) -> Bool {
    t.isPunct(.dotDot) || t.isPunct(.dotDotLess)
  }

  /// Tokens that can be part of a bare word: anything but brackets, separators, strings
  /// and variables.
  func isWordMaterial(_ t: Token) -> Bool {
    switch t.kind {
    case .word, .integer, .decimal, .other, .flag: return true
    case .punct(let p):
      switch p {
      case .lparen, .rparen, .lbracket, .rbracket, .lbrace, .rbrace, .pipe, .semicolon:
        return false
      default: return true
      }
    default: return false
    }
  }
}
