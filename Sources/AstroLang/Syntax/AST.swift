import AstroCore

/// A parsed source: its statements in order.
struct Program {
  var statements: [Stmt]
  var file: SourceFile
}

/// A statement: a declaration, an assignment, a definition or a pipeline.
indirect enum Stmt {
  case letDecl(name: String, nameSpan: Span, value: Pipeline, Span)
  /// `$x = …`, `$x += …`, `$r.field = …`.
  case assign(target: AssignTarget, op: AssignOp, value: Pipeline, Span)
  case def(DefDecl, Span)
  case pipeline(Pipeline)

  var span: Span {
    switch self {
    case .letDecl(_, _, _, let s), .assign(_, _, _, let s), .def(_, let s): return s
    case .pipeline(let p): return p.span
    }
  }
}

/// The variable (and optional path into it) an assignment changes.
struct AssignTarget {
  var name: String
  var path: [Member]
  var span: Span
}

enum AssignOp: String {
  case set = "="
  case add = "+="
  case subtract = "-="
  case multiply = "*="
  case divide = "/="
}

/// Stages joined by `|`; each stage's output is the next one's input.
struct Pipeline {
  var elements: [Element]
  var span: Span
}

/// One stage of a pipeline.
indirect enum Element {
  case command(Command)
  case expression(Expr)

  var span: Span {
    switch self {
    case .command(let c): return c.span
    case .expression(let e): return e.span
    }
  }
}

/// `name arg --flag value …`, before the resolver knows which flags take values.
struct Command {
  var name: String
  var nameSpan: Span
  var args: [Arg]
  var span: Span
}

/// A command argument as written.
indirect enum Arg {
  case positional(Expr)
  /// `--name`, `--name=value` (value given) or `-n` (short).
  case flag(name: String, value: Expr?, short: Bool, Span)

  var span: Span {
    switch self {
    case .positional(let e): return e.span
    case .flag(_, _, _, let s): return s
    }
  }
}

/// A `{ … }` body: statements, and for a closure its parameters.
struct Block {
  var statements: [Stmt]
  var span: Span
}

/// A closure literal. Without parameters it binds `$it` (and `$in`) to its input.
struct ClosureExpr {
  var params: [Name]
  var hasParams: Bool
  var body: Block
}

/// A name with the span where it was written.
struct Name {
  var text: String
  var span: Span
}

/// `def name [params] { body }`.
struct DefDecl {
  var name: Name
  var params: [DefParam]
  var body: Block
}

/// One parameter of a def.
struct DefParam {
  enum Kind {
    case positional(optional: Bool)
    case flag(short: Character?)
    case rest
  }

  var name: Name
  var kind: Kind
  var type: TypeName?
  var defaultValue: Expr?
}

/// A type annotation such as `int` or `list`.
struct TypeName {
  var type: ParamType
  var span: Span
}

/// One step of an access path: `.name`, `.0`, `."odd key"`, `.($i)`; `?` makes it optional.
enum Member {
  case field(String, optional: Bool, Span)
  case index(Int, optional: Bool, Span)
  case dynamic(Expr, optional: Bool, Span)

  var span: Span {
    switch self {
    case .field(_, _, let s), .index(_, _, let s), .dynamic(_, _, let s): return s
    }
  }

  var isOptional: Bool {
    switch self {
    case .field(_, let o, _), .index(_, let o, _), .dynamic(_, let o, _): return o
    }
  }
}

/// A piece of a double-quoted string.
enum StringPart {
  case text(String)
  case expr(Expr)
}

enum UnaryOp: String {
  case negate = "-"
  case not
}

/// Binary operators; the parser's precedence table lives in `Parser+Expressions`.
enum BinaryOp: String, CaseIterable {
  case or, and
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case match = "=~"
  case notMatch = "!~"
  case `in`
  case notIn = "not-in"
  case startsWith = "starts-with"
  case endsWith = "ends-with"
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case floorDivide = "//"
  case modulo = "mod"
}

/// An expression. Control flow is here too: `if`, `for`, `while` and `try` have values.
indirect enum Expr {
  case null(Span)
  case bool(Bool, Span)
  case int(Int, Span)
  case float(Double, Span)
  case string(String, Span)
  case interpolation([StringPart], Span)
  case variable(String, Span)
  case list([Expr], Span)
  case record([(key: String, value: Expr)], Span)
  case range(Expr, Expr, inclusive: Bool, Span)
  case access(Expr, [Member], Span)
  case unary(UnaryOp, Expr, Span)
  case binary(BinaryOp, Expr, Expr, Span)
  case closure(ClosureExpr, Span)
  /// `( pipeline )`.
  case subexpression(Pipeline, Span)
  case ifElse(condition: Expr, then: Block, otherwise: Expr?, Span)
  case block(Block)
  case forLoop(variable: Name, sequence: Expr, body: Block, Span)
  case whileLoop(condition: Expr, body: Block, Span)
  case tryCatch(body: Block, handler: ClosureExpr?, Span)
  case returnValue(Expr?, Span)
  case breakLoop(Span)
  case continueLoop(Span)

  var span: Span {
    switch self {
    case .null(let s), .bool(_, let s), .int(_, let s), .float(_, let s), .string(_, let s),
      .interpolation(_, let s), .variable(_, let s), .list(_, let s), .record(_, let s),
      .range(_, _, _, let s), .access(_, _, let s), .unary(_, _, let s),
      .binary(_, _, _, let s), .closure(_, let s), .subexpression(_, let s),
      .ifElse(_, _, _, let s), .forLoop(_, _, _, let s), .whileLoop(_, _, let s),
      .tryCatch(_, _, let s), .returnValue(_, let s), .breakLoop(let s), .continueLoop(let s):
      return s
    case .block(let b): return b.span
    }
  }
}
