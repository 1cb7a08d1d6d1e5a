import AstroCore

/// Expressions, by precedence climbing over one table:
///
///     or  <  and  <  not  <  comparisons  <  + -  <  * / // mod  <  unary -  <  a..b
///     <  postfix access ($d.name, $list.0, $d.name?)
extension Parser {
  /// Binding strength of each binary operator; higher binds tighter.
  static let precedence: [BinaryOp: Int] = [
    .or: 1, .and: 2,
    .equal: 4, .notEqual: 4, .less: 4, .lessEqual: 4, .greater: 4, .greaterEqual: 4,
    .match: 4, .notMatch: 4, .in: 4, .notIn: 4, .startsWith: 4, .endsWith: 4,
    .add: 5, .subtract: 5,
    .multiply: 6, .divide: 6, .floorDivide: 6, .modulo: 6,
  ]
  /// The operators spelled with punctuation.
  static let binaryOperators: [Punct: BinaryOp] = {
    var table: [Punct: BinaryOp] = [:]
    for p in Punct.allCases { table[p] = BinaryOp(rawValue: p.rawValue) }
    return table
  }()

  /// `not x` applies to a whole comparison: `not $a == 1` is `not ($a == 1)`.
  static let notOperandPrecedence = 4

  func parseExpression() throws -> Expr {
    try parseBinary(minPrecedence: 1)
  }

  func parseBinary(minPrecedence: Int) throws -> Expr {
    var lhs = try parsePrefix()
    var chain = 0
    var progress = LoopProgress()
    while let (op, width) = peekBinaryOperator(), let prec = Parser.precedence[op],
      prec >= minPrecedence
    {
      try progress.check(self)
      let opToken = peek()
      for _ in 0..<width { advance() }
      chain += 1
      guard depth + chain <= Parser.maxDepth else {
        throw SyntaxErrors.nestingTooDeep(file, opToken.span)
      }
      let rhs = try parseBinary(minPrecedence: prec + 1)
      lhs = .binary(op, lhs, rhs, lhs.span.merged(with: rhs.span))
    }
    return lhs
  }

  /// The binary operator at the current token and how many tokens spell it
  /// (`not-in`, `starts-with` and `ends-with` are three).
  func peekBinaryOperator() -> (BinaryOp, Int)? {
    let t = peek()
    switch t.kind {
    case .punct(.minus) where listItems && t.spaceBefore:
      let next = tokens[pos + 1]
      let negative = !next.spaceBefore && (next.kind == .integer || next.kind == .decimal)
      return negative ? nil : (.subtract, 1)
    case .punct(let p):
      return Parser.binaryOperators[p].map { ($0, 1) }
    case .word:
      let word = text(t)
      switch word {
      case "and": return (.and, 1)
      case "or": return (.or, 1)
      case "mod": return (.modulo, 1)
      case "in": return (.in, 1)
      case "not", "starts", "ends":
        let dash = tokens[pos + 1]
        let tail = tokens[min(pos + 2, tokens.count - 1)]
        guard dash.isPunct(.minus), !dash.spaceBefore, tail.kind == .word, !tail.spaceBefore
        else { return nil }
        return BinaryOp(rawValue: "\(word)-\(text(tail))").map { ($0, 3) }
      default: return nil
      }
    default: return nil
    }
  }

  /// `not x`, or a unary operand.
  func parsePrefix() throws -> Expr {
    let t = peek()
    guard t.kind == .word, text(t) == "not", peekBinaryOperator() == nil else {
      return try parseRange()
    }
    advance()
    return try nested(t.span) {
      let operand = try parseBinary(minPrecedence: Parser.notOperandPrecedence)
      return .unary(.not, operand, t.span.merged(with: operand.span))
    }
  }

  /// `a..b` or `a..<b` over unary operands; a lone operand otherwise.
  func parseRange() throws -> Expr {
    let lower = try parseUnary()
    let t = peek()
    guard t.isPunct(.dotDot) || t.isPunct(.dotDotLess) else { return lower }
    advance()
    let upper = try parseUnary()
    return .range(lower, upper, inclusive: t.isPunct(.dotDot), lower.span.merged(with: upper.span))
  }

  func parseUnary() throws -> Expr {
    let t = peek()
    guard t.isPunct(.minus) else { return try parsePostfix() }
    advance()
    let operand = peek()
    if operand.kind == .integer, !startsMember(tokens[pos + 1]) {
      advance()
      return .int(
        try integerValue(operand, negatedBy: t.span), t.span.merged(with: operand.span))
    }
    return try nested(t.span) {
      let operand = try parseUnary()
      let span = t.span.merged(with: operand.span)
      switch operand {
      case .int(let i, _) where i != Int.min: return .int(-i, span)
      case .float(let d, _): return .float(-d, span)
      default: return .unary(.negate, operand, span)
      }
    }
  }

  /// Whether `t` begins an access step glued to the value before it (`.name`, `?`).
  func startsMember(_ t: Token) -> Bool {
    !t.spaceBefore && (t.isPunct(.dot) || t.isPunct(.question))
  }

  func parsePostfix() throws -> Expr {
    try parseMembers(of: try parsePrimary())
  }

  /// Access steps glued to a value: `.name`, `.0`, `."key"`, `.(expr)`, each optionally `?`.
  func parseMembers(of base: Expr) throws -> Expr {
    var members: [Member] = []
    var progress = LoopProgress()
    while true {
      let t = peek()
      guard !t.spaceBefore else { break }
      if t.isPunct(.dot) {
        try progress.check(self)
        advance()
        members.append(try parseMember(after: t))
      } else if t.isPunct(.question), let last = members.popLast() {
        try progress.check(self)
        advance()
        members.append(last.optional(through: t.span))
      } else {
        break
      }
    }
    guard let last = members.last else { return base }
    let span = base.span.merged(with: last.span)
    if case .access(let inner, let first, _) = base { return .access(inner, first + members, span) }
    return .access(base, members, span)
  }

  private func parseMember(after dot: Token) throws -> Member {
    let t = peek()
    guard !t.spaceBefore else { throw expected("a field name or index after '.'", t) }
    let span = dot.span.merged(with: t.span)
    switch t.kind {
    case .word:
      advance()
      return .field(text(t), optional: false, span)
    case .integer:
      advance()
      guard let index = Int(text(t)) else {
        throw SyntaxErrors.invalidNumber(text(t), file, t.span)
      }
      return .index(index, optional: false, span)
    case .string, .rawString:
      guard case .string(let key, _) = try parseStringLiteral() else {
        throw SyntaxErrors.make(
          "unexpected_token", "a field name cannot be interpolated",
          hint: "use .($expression) for a computed field", file, t.span)
      }
      return .field(key, optional: false, span)
    case .punct(.lparen):
      let inner = try parseParenthesized()
      return .dynamic(inner, optional: false, dot.span.merged(with: inner.span))
    default:
      throw expected("a field name or index after '.'", t)
    }
  }
}

extension Member {
  func optional(through end: Span) -> Member {
    switch self {
    case .field(let f, _, let s): return .field(f, optional: true, s.merged(with: end))
    case .index(let i, _, let s): return .index(i, optional: true, s.merged(with: end))
    case .dynamic(let e, _, let s): return .dynamic(e, optional: true, s.merged(with: end))
    }
  }
}
