import AstroCore
import Foundation

/// One step of a cell path such as `managedDomains.0.name`.
enum PathMember: Equatable {
  case field(String)
  case index(Int)

  /// Splits a dotted path; all-digit members index lists, the rest name fields.
  static func parse(_ value: Value) -> [PathMember] {
    switch value {
    case .int(let i): return [.index(i)]
    case .string(let s):
      return s.split(separator: ".", omittingEmptySubsequences: false).map { part in
        if let i = Int(part), !part.hasPrefix("+") { return .index(i) }
        return .field(String(part))
      }
    default: return [.field(value.plainText)]
    }
  }
}

/// Reads fields and cell paths, with "did you mean" hints on a missing field.
enum FieldAccess {
  static func missingField(_ name: String, in record: Record, item: Int? = nil) -> ShellError {
    let subject = item.map { "item \($0)" } ?? "the record"
    let hint =
      Suggest.hint(for: name, in: record.keys)
      ?? (record.isEmpty ? nil : "its fields are: \(record.keys.joined(separator: ", "))")
    return ShellError.runtime("missing_field", "\(subject) has no field '\(name)'", hint: hint)
  }

  /// Follows `path` into `value`; a missing step is an error unless `optional`.
  static func follow(_ path: [PathMember], in value: Value, optional: Bool, item: Int? = nil)
    throws -> Value
  {
    var current = value
    for member in path {
      switch (member, current) {
      case (.field(let name), .record(let r)):
        guard let next = r[name] else {
          if optional { return .null }
          throw missingField(name, in: r, item: item)
        }
        current = next
      case (.field(let name), .list(let items)):
        current = .list(try items.map { try follow([.field(name)], in: $0, optional: optional) })
      case (.index(let i), .list(let items)):
        guard i >= 0 && i < items.count || i < 0 && -i <= items.count else {
          if optional { return .null }
          throw ShellError.runtime(
            "index_out_of_range", "index \(i) is out of range for a list of \(items.count) items")
        }
        current = items[i >= 0 ? i : items.count + i]
      case (.index(let i), .record(let r)):
        guard let next = r[String(i)] else {
          if optional { return .null }
          throw missingField(String(i), in: r, item: item)
        }
        current = next
      case (_, .null) where optional:
        return .null
      default:
        if optional { return .null }
        throw ShellError.runtime(
          "type_mismatch", "cannot read '\(member.text)' from a value of type \(current.typeName)")
      }
    }
    return current
  }
}

extension PathMember {
  var text: String {
    switch self {
    case .field(let s): return s
    case .index(let i): return String(i)
    }
  }
}

/// A value usable as a dictionary key, equal exactly when the values are `==`.
///
/// Numbers hash by their double value because `1 == 1.0`; record fields hash order-free
/// because records compare without regard to key order.
struct HashableValue: Hashable {
  let value: Value

  init(_ value: Value) { self.value = value }

  static func == (a: HashableValue, b: HashableValue) -> Bool { a.value == b.value }

  func hash(into hasher: inout Hasher) { HashableValue.feed(value, into: &hasher) }

  private static func feed(_ value: Value, into hasher: inout Hasher) {
    switch value {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i): hasher.combine(Double(i))
    case .float(let d): hasher.combine(d)
    case .string(let s): hasher.combine(s)
    case .list(let items):
      hasher.combine(items.count)
      for item in items { feed(item, into: &hasher) }
    case .record(let r):
      var sum = 0
      for (k, v) in r.pairs {
        var h = Hasher()
        h.combine(k)
        feed(v, into: &h)
        sum = sum &+ h.finalize()
      }
      hasher.combine(r.count)
      hasher.combine(sum)
    case .range(let r): hasher.combine(r.start)
    case .date(let d): hasher.combine(d)
    case .binary(let b): hasher.combine(b)
    case .closure(let c): hasher.combine(ObjectIdentifier(c))
    }
  }
}

extension PipelineData {
  /// Whether the data is a list, range or stream, that is, a sequence of items.
  var isSequence: Bool {
    switch self {
    case .stream: return true
    case .value(.list), .value(.range): return true
    default: return false
    }
  }

  /// The data as one value, collecting a stream; for builtins that need everything.
  var single: Value {
    get throws { try collect() }
  }
}

/// Builds lazy streams that poll for cancellation now and then.
enum Streams {
  /// How many items pass between two cancellation checks in loops without a closure.
  static let cancelInterval = 4096

  /// A lazy map over the items of `input`; `transform` returning nil drops the item.
  static func map(
    _ input: PipelineData, _ ctx: any CallContext,
    _ transform: @escaping (Value, Int) throws -> Value?
  ) -> PipelineData {
    let source = input.items()
    var index = 0
    return .stream(
      ValueStream {
        // Checked before an item is pulled, never after: an item pulled is not dropped.
        while true {
          if index % cancelInterval == 0 { try ctx.checkCancelled() }
          guard let item = try source.next() else { return nil }
          defer { index += 1 }
          if let out = try transform(item, index) { return out }
        }
      })
  }

  /// A lazy map for builtins that run a closure per item. The evaluator polls for
  /// cancellation on every call, so this loop keeps no counter of its own.
  static func mapCalling(_ input: PipelineData, _ transform: @escaping (Value) throws -> Value?)
    -> PipelineData
  {
    let source = input.items()
    return .stream(
      ValueStream {
        while let item = try source.next() {
          if let out = try transform(item) { return out }
        }
        return nil
      })
  }

  /// Applies `transform` to each item of a list or stream lazily, or to a single value.
  static func mapEach(
    _ input: PipelineData, _ ctx: any CallContext, _ transform: @escaping (Value) throws -> Value
  ) throws -> PipelineData {
    if input.isSequence { return map(input, ctx) { v, _ in try transform(v) } }
    return .value(try transform(try input.collect()))
  }

  /// Pulls every item, checking for cancellation; for builtins that must see everything.
  static func forEach(
    _ input: PipelineData, _ ctx: any CallContext, _ body: (Value) throws -> Void
  ) throws {
    let source = input.items()
    var index = 0
    while true {
      if index % cancelInterval == 0 { try ctx.checkCancelled() }
      guard let item = try source.next() else { return }
      index += 1
      try body(item)
    }
  }

  static func collect(_ input: PipelineData, _ ctx: any CallContext) throws -> [Value] {
    var out: [Value] = []
    if case .stream(let s) = input, let n = s.knownCount { out.reserveCapacity(n) }
    try forEach(input, ctx) { out.append($0) }
    return out
  }
}
