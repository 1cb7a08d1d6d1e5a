/// An ordered record of named fields.
///
/// Records in API results are small, so fields live in two parallel arrays and lookup is
/// a linear scan; this beats hashing for the sizes the language meets and keeps key order.
public struct Record: Sendable {
  public private(set) var keys: [String]
  public private(set) var values: [Value]

  public init() {
    keys = []
    values = []
  }

  public init(keys: [String], values: [Value]) {
    precondition(keys.count == values.count, "record keys and values differ in length")
    self.keys = keys
    self.values = values
  }

  public init(_ pairs: [(String, Value)]) {
    keys = []
    values = []
    keys.reserveCapacity(pairs.count)
    values.reserveCapacity(pairs.count)
    for (k, v) in pairs { self[k] = v }
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  public func index(of key: String) -> Int? {
    for i in keys.indices where keys[i] == key { return i }
    return nil
  }

  /// Reading gives nil for a missing field; assigning nil removes the field.
  public subscript(key: String) -> Value? {
    get {
      guard let i = index(of: key) else { return nil }
      return values[i]
    }
    set {
      if let i = index(of: key) {
        if let v = newValue {
          values[i] = v
        } else {
          keys.remove(at: i)
          values.remove(at: i)
        }
      } else if let v = newValue {
        keys.append(key)
        values.append(v)
      }
    }
  }

  /// Appends a field without checking for a duplicate key; for decoders that already know.
  public mutating func appendUnchecked(_ key: String, _ value: Value) {
    keys.append(key)
    values.append(value)
  }

  public mutating func reserveCapacity(_ n: Int) {
    keys.reserveCapacity(n)
    values.reserveCapacity(n)
  }

  public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }
}
