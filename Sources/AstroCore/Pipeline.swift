/// What flows between the stages of a pipeline.
///
/// A stage may produce one value or a lazy stream of items; streams let a million audit
/// records pass through `where` and `each` without all of them being held at once.
public enum PipelineData: Sendable {
  case empty
  case value(Value)
  case stream(ValueStream)

  /// Collects the data into one value: a stream becomes a list, nothing becomes null.
  public func collect() throws -> Value {
    switch self {
    case .empty: return .null
    case .value(let v): return v
    case .stream(let s): return .list(try s.collectAll())
    }
  }

  /// A stream over the items: a list or range yields its items, any other value itself.
  public func items() -> ValueStream {
    switch self {
    case .empty: return ValueStream.of([])
    case .stream(let s): return s
    case .value(let v): return ValueStream.items(of: v)
    }
  }

  public var isEmpty: Bool {
    if case .empty = self { return true }
    return false
  }
}

/// A pull-based, single-pass stream of values.
///
/// One consumer pulls at a time; the class is marked Sendable so a stream can be handed to
/// the thread that consumes it, never shared by two.
public final class ValueStream: @unchecked Sendable {
  private let pull: () throws -> Value?
  /// The item count when the producer knows it up front (for progress and `length`).
  public let knownCount: Int?

  public init(count: Int? = nil, _ pull: @escaping () throws -> Value?) {
    self.pull = pull
    self.knownCount = count
  }

  public func next() throws -> Value? { try pull() }

  public func collectAll() throws -> [Value] {
    var out: [Value] = []
    if let n = knownCount { out.reserveCapacity(n) }
    while let v = try pull() { out.append(v) }
    return out
  }

  public static func of(_ values: [Value]) -> ValueStream {
    var i = 0
    return ValueStream(count: values.count) {
      guard i < values.count else { return nil }
      defer { i += 1 }
      return values[i]
    }
  }

  /// Items of a value: the elements of a list or range, otherwise the value alone.
  public static func items(of value: Value) -> ValueStream {
    switch value {
    case .list(let l): return of(l)
    case .range(let r):
      var i = 0
      let n = r.count
      return ValueStream(count: n) {
        guard i < n else { return nil }
        defer { i += 1 }
        return .int(r.element(at: i))
      }
    case .null: return of([])
    default: return of([value])
    }
  }

  /// A lazy map; `transform` returning nil drops the item (a lazy filter).
  public func compactMap(_ transform: @escaping (Value) throws -> Value?) -> ValueStream {
    ValueStream {
      while let v = try self.pull() {
        if let out = try transform(v) { return out }
      }
      return nil
    }
  }
}
