import Foundation

/// A value of the astrosh language.
///
/// Values are immutable from the language's point of view: lists and records are
/// copied on write, so a value can be shared between pipeline stages and threads.
public enum Value: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list([Value])
  case record(Record)
  case range(ValueRange)
  case date(Date)
  case binary([UInt8])
  case closure(any Callable)

  /// The name of this value's type as the language spells it in messages and `describe`.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .list: return "list"
    case .record: return "record"
    case .range: return "range"
    case .date: return "date"
    case .binary: return "binary"
    case .closure: return "closure"
    }
  }

  /// Whether `if` and `where` treat this value as true. Only `false` and `null` are false.
  public var isTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let b): return b
    default: return true
    }
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .float(let d) where d.rounded() == d && abs(d) < 9e18: return Int(d)
    default: return nil
    }
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .float(let d): return d
    default: return nil
    }
  }

  public var recordValue: Record? {
    if case .record(let r) = self { return r }
    return nil
  }

  public var listValue: [Value]? {
    if case .list(let l) = self { return l }
    return nil
  }
}

/// An integer range `a..b` (inclusive) or `a..<b` (exclusive), with an optional step.
public struct ValueRange: Sendable, Equatable {
  public var start: Int
  public var end: Int
  public var inclusive: Bool
  public var step: Int

  public init(start: Int, end: Int, inclusive: Bool, step: Int = 1) {
    self.start = start
    self.end = end
    self.inclusive = inclusive
    self.step = step == 0 ? 1 : step
  }

  /// The number of integers the range yields.
  public var count: Int {
    let last = inclusive ? end : (step > 0 ? end - 1 : end + 1)
    if step > 0 { return last < start ? 0 : (last - start) / step + 1 }
    return last > start ? 0 : (start - last) / -step + 1
  }

  public func element(at index: Int) -> Int { start + index * step }
}

/// Something the evaluator can call: a closure or a user-defined command.
///
/// AstroCore only knows its shape; AstroLang implements it.
public protocol Callable: AnyObject, Sendable {
  /// Parameter names, for `help`, messages and `$it` binding.
  var parameterNames: [String] { get }
}
