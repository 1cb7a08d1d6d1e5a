import AstroCore
import Foundation

/// The arithmetic, comparison and membership operators. Errors carry no location; the
/// evaluator adds the operator's span.
enum Operators {
  /// Strings and lists built by `+` and `*` stay below these sizes, so a doubling loop
  /// fails cleanly instead of exhausting memory.
  static let maxStringBytes = 1 << 28
  static let maxListCount = 1 << 24

  /// The common case of two ints, without boxing; nil when the general path must decide
  /// (including every error).
  @inline(__always)
  static func int(_ op: BinaryOp, _ a: Int, _ b: Int) -> Value? {
    switch op {
    case .add:
      let (r, overflow) = a.addingReportingOverflow(b)
      return overflow ? nil : .int(r)
    case .subtract:
      let (r, overflow) = a.subtractingReportingOverflow(b)
      return overflow ? nil : .int(r)
    case .multiply:
      let (r, overflow) = a.multipliedReportingOverflow(by: b)
      return overflow ? nil : .int(r)
    case .modulo:
      guard b != 0, b != -1 else { return b == -1 ? .int(0) : nil }
      let r = a % b
      return .int(r != 0 && (r < 0) != (b < 0) ? r + b : r)
    case .equal: return .bool(a == b)
    case .notEqual: return .bool(a != b)
    case .less: return .bool(a < b)
    case .lessEqual: return .bool(a <= b)
    case .greater: return .bool(a > b)
    case .greaterEqual: return .bool(a >= b)
    default: return nil
    }
  }

  static func apply(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
    switch op {
    case .equal: return .bool(a == b)
    case .notEqual: return .bool(a != b)
    case .less, .lessEqual, .greater, .greaterEqual: return try compare(op, a, b)
    case .match, .notMatch: return .bool(try matches(op, a, b) == (op == .match))
    case .in: return .bool(try contains(b, a, op))
    case .notIn: return .bool(!(try contains(b, a, op)))
    case .startsWith, .endsWith:
      guard case .string(let s) = a, case .string(let affix) = b else {
        throw EvalErrors.operands(op, a, b)
      }
      return .bool(op == .startsWith ? s.hasPrefix(affix) : s.hasSuffix(affix))
    case .add: return try add(a, b)
    case .multiply: return try multiply(a, b)
    case .subtract, .divide, .floorDivide, .modulo: return try arithmetic(op, a, b)
    case .and: return .bool(a.isTruthy && b.isTruthy)
    case .or: return .bool(a.isTruthy || b.isTruthy)
    }
  }

  static func negate(_ v: Value) throws -> Value {
    switch v {
    case .int(let i) where i != Int.min: return .int(-i)
    case .int: throw EvalErrors.overflow
    case .float(let d): return .float(-d)
    default: throw EvalErrors.typeMismatch("the operand of '-'", expected: "a number", found: v)
    }
  }

  private static func compare(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
    guard Value.areComparable(a, b) else { throw EvalErrors.notComparable(op, a, b) }
    let c = Value.order(a, b)
    switch op {
    case .less: return .bool(c < 0)
    case .lessEqual: return .bool(c <= 0)
    case .greater: return .bool(c > 0)
    default: return .bool(c >= 0)
    }
  }

  private static func add(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, overflow) = x.addingReportingOverflow(y)
      if overflow { throw EvalErrors.overflow }
      return .int(r)
    case (.string(let x), .string(let y)):
      guard x.utf8.count + y.utf8.count <= maxStringBytes else {
        throw EvalErrors.tooLarge("string")
      }
      return .string(x + y)
    case (.list(let x), .list(let y)):
      guard x.count + y.count <= maxListCount else { throw EvalErrors.tooLarge("list") }
      return .list(x + y)
    case (.record(var x), .record(let y)):
      for (k, v) in y.pairs { x[k] = v }
      return .record(x)
    default:
      guard let x = a.doubleValue, let y = b.doubleValue else {
        throw EvalErrors.operands(.add, a, b)
      }
      return try finite(x + y)
    }
  }

  private static func multiply(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, overflow) = x.multipliedReportingOverflow(by: y)
      if overflow { throw EvalErrors.overflow }
      return .int(r)
    case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
      guard n >= 0 else { throw EvalErrors.negativeRepeat(n) }
      let (size, overflow) = s.utf8.count.multipliedReportingOverflow(by: n)
      guard !overflow, size <= maxStringBytes else { throw EvalErrors.tooLarge("string") }
      return .string(String(repeating: s, count: n))
    default:
      guard let x = a.doubleValue, let y = b.doubleValue else {
        throw EvalErrors.operands(.multiply, a, b)
      }
      return try finite(x * y)
    }
  }

  /// `-`, `/`, `//` and `mod`. Int division stays an int when it is exact; `//` and `mod`
  /// round towards negative infinity, so `-7 mod 3` is 2.
  private static func arithmetic(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
    if case .int(let x) = a, case .int(let y) = b { return try intArithmetic(op, x, y) }
    guard let x = a.doubleValue, let y = b.doubleValue else { throw EvalErrors.operands(op, a, b) }
    switch op {
    case .subtract: return try finite(x - y)
    case .divide:
      guard y != 0 else { throw EvalErrors.divisionByZero }
      return try finite(x / y)
    case .floorDivide:
      guard y != 0 else { throw EvalErrors.divisionByZero }
      return try finite((x / y).rounded(.down))
    default:
      guard y != 0 else { throw EvalErrors.divisionByZero }
      let r = x.truncatingRemainder(dividingBy: y)
      return .float(r != 0 && (r < 0) != (y < 0) ? r + y : r)
    }
  }

  /// A float result, or the overflow error: infinity has no JSON form and would be written
  /// as null, so it is refused where it arises, as an int overflow is.
  private static func finite(_ d: Double) throws -> Value {
    guard d.isFinite else { throw EvalErrors.floatOverflow }
    return .float(d)
  }

  private static func intArithmetic(_ op: BinaryOp, _ x: Int, _ y: Int) throws -> Value {
    if op == .subtract {
      let (r, overflow) = x.subtractingReportingOverflow(y)
      if overflow { throw EvalErrors.overflow }
      return .int(r)
    }
    guard y != 0 else { throw EvalErrors.divisionByZero }
    if x == Int.min && y == -1 {
      if op == .modulo { return .int(0) }
      throw EvalErrors.overflow
    }
    let q = x / y
    let r = x % y
    switch op {
    case .divide: return r == 0 ? .int(q) : .float(Double(x) / Double(y))
    case .floorDivide: return .int(r != 0 && (r < 0) != (y < 0) ? q - 1 : q)
    default: return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
    }
  }

  /// `needle in haystack`: an item of a list or range, a substring, or a record key.
  private static func contains(_ haystack: Value, _ needle: Value, _ op: BinaryOp) throws -> Bool {
    switch (haystack, needle) {
    case (.list(let items), _): return items.contains(needle)
    case (.string(let s), .string(let part)): return s.contains(part)
    case (.record(let r), .string(let key)): return r.index(of: key) != nil
    case (.range(let r), _):
      guard let n = needle.intValue, r.count > 0 else { return false }
      let (offset, overflow) = n.subtractingReportingOverflow(r.start)
      guard !overflow, offset % r.step == 0 else { return false }
      return offset / r.step >= 0 && offset / r.step < r.count
    default: throw EvalErrors.operands(op, needle, haystack)
    }
  }

  private static func matches(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Bool {
    guard case .string(let text) = a, case .string(let pattern) = b else {
      throw EvalErrors.operands(op, a, b)
    }
    guard let regex = Regexes.compile(pattern) else { throw EvalErrors.invalidRegex(pattern) }
    let range = NSRange(text.startIndex..<text.endIndex, in: text)
    return regex.firstMatch(in: text, options: [], range: range) != nil
  }

  /// `a..b` and `a..<b`; counts down when `b` is below `a`.
  static func range(_ a: Value, _ b: Value, inclusive: Bool) throws -> Value {
    guard case .int(let lower) = a else {
      throw EvalErrors.typeMismatch("the start of a range", expected: "an int", found: a)
    }
    guard case .int(let upper) = b else {
      throw EvalErrors.typeMismatch("the end of a range", expected: "an int", found: b)
    }
    let (span, overflow) = upper.subtractingReportingOverflow(lower)
    guard !overflow, span != Int.min, span != Int.max else {
      throw EvalErrors.rangeTooLarge
    }
    let step = upper < lower ? -1 : 1
    return .range(ValueRange(start: lower, end: upper, inclusive: inclusive, step: step))
  }
}

/// Compiled regular expressions, shared by all threads.
enum Regexes {
  private static let cache = Locked<[String: NSRegularExpression]>([:])

  /// The compiled pattern, or nil when it is not a valid regular expression.
  static func compile(_ pattern: String) -> NSRegularExpression? {
    if let hit = cache.withLock({ $0[pattern] }) { return hit }
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
    cache.withLock { table in
      if table.count >= 256 { table.removeAll() }
      table[pattern] = regex
    }
    return regex
  }
}
