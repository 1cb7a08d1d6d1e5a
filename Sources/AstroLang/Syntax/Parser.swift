import AstroCore

/// A recursive-descent parser with one `parseX` method per grammar rule.
///
/// The grammar, informally (`sep` is a newline or `;`):
///
///     program    = statement (sep statement)*
///     statement  = let | assignment | def | pipeline
///     pipeline   = element ('|' element)*
///     element    = control | command | expression
///     command    = word argument*
///     expression = operand (binary-operator operand)*     see Parser+Expressions
///
/// Every loop either consumes a token or stops (`LoopProgress` checks it), and nesting
/// deeper than `maxDepth` is a syntax error, so no input can hang or overflow the parser.
final class Parser {
  /// Brackets, blocks, unary operators and operator chains count towards this limit.
  static let maxDepth = 200

  let file: SourceFile
  let bytes: [UInt8]
  let tokens: [Token]
  var pos = 0
  var depth: Int
  /// Inside `( … )`, `[ … ]` and records a line break is plain space.
  var newlinesAreSpace = false
  /// In the head of `if`, `while` and `for` a `{` starts the body, not a value.
  var braceEndsExpression = false
  /// In a `where` condition a bare word at the start of an operand is a field of `$it`.
  var rowCondition = false
  /// Directly inside `[ … ]`, where commas are optional, `1 -2` is two items: a `-` with
  /// space before it and a number glued after it starts a negative number.
  var listItems = false
  /// The brackets open around the current position, innermost last.
  var openBrackets: [Token] = []

  init(file: SourceFile, bytes: [UInt8], range: Range<Int>, depth: Int = 0) throws {
    self.file = file
    self.bytes = bytes
    self.depth = depth
    self.tokens = try Lexer.tokenize(bytes, in: range, file: file)
  }

  /// Parses a whole source file.
  static func parse(_ file: SourceFile) throws -> Program {
    let bytes = Array(file.text.utf8)
    let parser = try Parser(file: file, bytes: bytes, range: 0..<bytes.count)
    return try parser.parseProgram()
  }

  func parseProgram() throws -> Program {
    let statements = try parseStatements(closer: nil)
    let last = peek()
    guard last.kind == .end else { throw unexpected(last) }
    return Program(statements: statements, file: file)
  }
}

// MARK: - Statements

extension Parser {
  /// Statements up to `closer` (left for the caller) or the end of input.
  func parseStatements(closer: Punct?) throws -> [Stmt] {
    var statements: [Stmt] = []
    var progress = LoopProgress()
    while true {
      skipSeparators()
      let t = peek()
      if t.kind == .end || closer.map(t.isPunct) == true { break }
      try progress.check(self)
      statements.append(try parseStatement())
      let next = peek()
      let ends =
        next.kind == .newline || next.kind == .end || next.isPunct(.semicolon)
        || closer.map(next.isPunct) == true
      guard ends else { throw unexpected(next, hint: callHint(statements.last)) }
    }
    return statements
  }

  func parseStatement() throws -> Stmt {
    let t = peek()
    if t.kind == .word {
      switch text(t) {
      case "let": return try parseLet()
      case "def": return try parseDef()
      default: break
      }
    }
    if t.kind == .variable, let assignment = try parseAssignment() { return assignment }
    return .pipeline(try parsePipeline())
  }

  /// `let name = pipeline`.
  func parseLet() throws -> Stmt {
    let keyword = advance()
    let nameToken = peek()
    if nameToken.kind == .variable {
      let name = String(text(nameToken).dropFirst())
      throw SyntaxErrors.dollarInDeclaration(name, file, nameToken.span)
    }
    guard nameToken.kind == .word else {
      throw expected("a variable name after 'let'", nameToken)
    }
    advance()
    let assign = peek()
    guard assign.isPunct(.assign) else {
      throw expected("'=' after 'let \(text(nameToken))'", assign)
    }
    advance()
    let value = try parsePipeline()
    return .letDecl(
      name: text(nameToken), nameSpan: nameToken.span, value: value,
      keyword.span.merged(with: value.span))
  }

  /// `$x = …`, `$x += …` or `$x.field = …`; nil (and nothing consumed) when the statement
  /// is not an assignment after all.
  func parseAssignment() throws -> Stmt? {
    let start = pos
    let variable = advance()
    var path: [Member] = []
    if case .access(_, let members, _) = try parseMembers(of: .variable("", variable.span)) {
      path = members
    }
    let opToken = peek()
    guard case .punct(let p) = opToken.kind, let op = AssignOp(rawValue: p.rawValue) else {
      pos = start
      return nil
    }
    advance()
    let value = try parsePipeline()
    let targetSpan = variable.span.merged(with: path.last?.span ?? variable.span)
    let target = AssignTarget(
      name: String(text(variable).dropFirst()), path: path, span: targetSpan)
    return .assign(target: target, op: op, value: value, variable.span.merged(with: value.span))
  }

  /// Stages joined by `|`; a `|` may also open the next line.
  func parsePipeline() throws -> Pipeline {
    var elements = [try parseElement()]
    while true {
      if at(.pipe) {
        advance()
      } else if pipeOpensNextLine() {
        skipNewlines()
        advance()
      } else {
        break
      }
      skipNewlines()
      elements.append(try parseElement())
    }
    let span = elements[0].span.merged(with: elements[elements.count - 1].span)
    return Pipeline(elements: elements, span: span)
  }

  func parseElement() throws -> Element {
    let t = peek()
    guard t.kind == .word else { return .expression(try parseExpression()) }
    switch text(t) {
    case "for": return .expression(try parseFor())
    case "while": return .expression(try parseWhile())
    case "return": return .expression(try parseReturn())
    case "break":
      advance()
      return .expression(.breakLoop(t.span))
    case "continue":
      advance()
      return .expression(.continueLoop(t.span))
    case "if", "try", "true", "false", "null", "not":
      return .expression(try parseExpression())
    default:
      return .command(try parseCommand())
    }
  }

  private func pipeOpensNextLine() -> Bool {
    guard !newlinesAreSpace, tokens[pos].kind == .newline else { return false }
    var i = pos
    while tokens[i].kind == .newline { i += 1 }
    return tokens[i].isPunct(.pipe)
  }
}

extension Parser {
  /// `$f 1 2` reads like a call of the closure in `$f`; say how to write one.
  fileprivate func callHint(_ statement: Stmt?) -> String? {
    guard case .pipeline(let p) = statement, p.elements.count == 1,
      case .expression(.variable(let name, _)) = p.elements[0]
    else { return nil }
    return "to call the closure in $\(name), write: do $\(name) …"
  }
}

/// Guards a parser loop: each iteration must start further on than the one before.
struct LoopProgress {
  private var last = -1

  mutating func check(_ parser: Parser) throws {
    guard parser.pos > last else { throw parser.unexpected(parser.peek()) }
    last = parser.pos
  }
}
