import Foundation

extension Value: Equatable {
  /// Structural equality; an int and a float are equal when their numbers are.
  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.int(let a), .float(let b)): return Double(a) == b
    case (.float(let a), .int(let b)): return a == Double(b)
    case (.string(let a), .string(let b)): return a == b
    case (.list(let a), .list(let b)): return a == b
    case (.record(let a), .record(let b)): return a == b
    case (.range(let a), .range(let b)): return a == b
    case (.date(let a), .date(let b)): return a == b
    case (.binary(let a), .binary(let b)): return a == b
    case (.closure(let a), .closure(let b)): return a === b
    default: return false
    }
  }
}

extension Record: Equatable {
  /// Two records are equal when they have the same fields with equal values, in any order.
  public static func == (lhs: Record, rhs: Record) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for (k, v) in lhs.pairs {
      guard let other = rhs[k], other == v else { return false }
    }
    return true
  }
}

extension Value {
  /// A total order used by `sort_by`, `min`, `max` and comparisons.
  ///
  /// Numbers compare by value, strings by Unicode scalars, dates by time. Values of
  /// different kinds order by kind, so sorting a mixed list never fails.
  public static func order(_ lhs: Value, _ rhs: Value) -> Int {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
    case (.date(let a), .date(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.list(let a), .list(let b)):
      for (x, y) in zip(a, b) {
        let c = order(x, y)
        if c != 0 { return c }
      }
      return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    default:
      if let a = lhs.doubleValue, let b = rhs.doubleValue {
        return a < b ? -1 : (a == b ? 0 : 1)
      }
      let ra = lhs.kindRank
      let rb = rhs.kindRank
      return ra < rb ? -1 : (ra == rb ? 0 : 1)
    }
  }

  /// Whether two values can be ordered meaningfully with `<`, `>` and friends.
  public static func areComparable(_ lhs: Value, _ rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.int, .int), (.int, .float), (.float, .int), (.float, .float): return true
    case (.string, .string), (.date, .date), (.bool, .bool), (.list, .list): return true
    default: return false
    }
  }

  private var kindRank: Int {
    switch self {
    case .null: return 0
    case .bool: return 1
    case .int, .float: return 2
    case .string: return 3
    case .date: return 4
    case .list: return 5
    case .record: return 6
    case .range: return 7
    case .binary: return 8
    case .closure: return 9
    }
  }
}
