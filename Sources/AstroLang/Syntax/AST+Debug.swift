import AstroCore

/// A compact S-expression form of the tree, for parser tests and debugging:
/// `1 + 2 * 3` prints as `(+ 1 (* 2 3))`.
extension Program {
  var debugText: String { statements.map(\.debugText).joined(separator: "\n") }
}

extension Stmt {
  var debugText: String {
    switch self {
    case .letDecl(let name, _, let value, _):
      return "(let \(name) \(value.debugText))"
    case .assign(let target, let op, let value, _):
      let path = target.path.map(\.debugText).joined()
      return "(\(op.rawValue) $\(target.name)\(path) \(value.debugText))"
    case .def(let decl, _):
      let params = decl.params.map(\.debugText).joined(separator: " ")
      return "(def \(decl.name.text) [\(params)] \(decl.body.debugText))"
    case .pipeline(let p):
      return p.debugText
    }
  }
}

extension Pipeline {
  var debugText: String {
    if elements.count == 1 { return elements[0].debugText }
    return "(| " + elements.map(\.debugText).joined(separator: " ") + ")"
  }
}

extension Element {
  var debugText: String {
    switch self {
    case .expression(let e): return e.debugText
    case .command(let c):
      let args = c.args.map { " " + $0.debugText }.joined()
      return "(\(c.name)\(args))"
    }
  }
}

extension Arg {
  var debugText: String {
    switch self {
    case .positional(let e): return e.debugText
    case .flag(let name, let value, let short, _):
      let dashes = short ? "-" : "--"
      return dashes + name + (value.map { "=" + $0.debugText } ?? "")
    }
  }
}

extension Block {
  var debugText: String {
    "(block" + statements.map { " " + $0.debugText }.joined() + ")"
  }
}

extension DefParam {
  var debugText: String {
    var out: String
    switch kind {
    case .positional(let optional): out = name.text + (optional ? "?" : "")
    case .flag(let short): out = "--" + name.text + (short.map { "(-\($0))" } ?? "")
    case .rest: out = "..." + name.text
    }
    if let type { out += ":" + type.type.name }
    if let defaultValue { out += "=" + defaultValue.debugText }
    return out
  }
}

extension Member {
  var debugText: String {
    let mark = isOptional ? "?" : ""
    switch self {
    case .field(let name, _, _): return "." + name + mark
    case .index(let i, _, _): return ".\(i)" + mark
    case .dynamic(let e, _, _): return ".(\(e.debugText))" + mark
    }
  }
}

extension Expr {
  var debugText: String {
    switch self {
    case .null: return "null"
    case .bool(let b, _): return String(b)
    case .int(let i, _): return String(i)
    case .float(let d, _): return String(d)
    case .string(let s, _): return Expr.quoted(s)
    case .interpolation(let parts, _):
      let shown = parts.map { part -> String in
        switch part {
        case .text(let s): return Expr.quoted(s)
        case .expr(let e): return e.debugText
        }
      }
      return "(str " + shown.joined(separator: " ") + ")"
    case .variable(let name, _): return "$" + name
    case .list(let items, _): return "[" + items.map(\.debugText).joined(separator: " ") + "]"
    case .record(let fields, _):
      return "{" + fields.map { "\($0.key): \($0.value.debugText)" }.joined(separator: " ") + "}"
    case .range(let a, let b, let inclusive, _):
      return "(\(inclusive ? ".." : "..<") \(a.debugText) \(b.debugText))"
    case .access(let base, let members, _):
      return base.debugText + members.map(\.debugText).joined()
    case .unary(let op, let e, _): return "(\(op.rawValue) \(e.debugText))"
    case .binary(let op, let a, let b, _):
      return "(\(op.rawValue) \(a.debugText) \(b.debugText))"
    default: return controlDebugText
    }
  }

  private var controlDebugText: String {
    switch self {
    case .closure(let c, _):
      guard c.hasParams else { return c.body.debugText }
      let params = c.params.map(\.text).joined(separator: " ")
      return "(closure [\(params)]" + c.body.statements.map { " " + $0.debugText }.joined() + ")"
    case .subexpression(let p, _): return "(sub \(p.debugText))"
    case .ifElse(let c, let then, let otherwise, _):
      return "(if \(c.debugText) \(then.debugText)" + (otherwise.map { " " + $0.debugText } ?? "")
        + ")"
    case .block(let b): return b.debugText
    case .forLoop(let name, let seq, let body, _):
      return "(for \(name.text) \(seq.debugText) \(body.debugText))"
    case .whileLoop(let c, let body, _): return "(while \(c.debugText) \(body.debugText))"
    case .tryCatch(let body, let handler, _):
      let shown = handler.map { " " + Expr.closure($0, body.span).debugText } ?? ""
      return "(try \(body.debugText)\(shown))"
    case .returnValue(let e, _): return "(return" + (e.map { " " + $0.debugText } ?? "") + ")"
    case .breakLoop: return "(break)"
    case .continueLoop: return "(continue)"
    default: return "?"
    }
  }

  static func quoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }
}
