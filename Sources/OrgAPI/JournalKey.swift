import AstroCore

/// The key under which the journal knows a call: a SHA-256 of its operation, path
/// parameters, query and body in a canonical form (record keys sorted at every depth),
/// so `{name: "a", enforcedLogins: []}` and `{enforcedLogins: [], name: "a"}` are the
/// same call.
///
/// The hash covers secret fields too, so two calls that differ only in a secret are
/// different calls, yet the secret itself is never written to the journal.
enum JournalKey {
  static func of(_ call: APICall) -> String {
    let path = call.pathValues.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }
    let query = call.query.map { Value.list([.string($0.name), .string($0.value)]) }
    let text = JSON.serialize(
      .record(
        Record([
          ("operation", .string(call.operation.name)), ("path", .record(Record(path))),
          ("query", .list(query)), ("body", canonical(call.body ?? .null)),
        ])))
    return SHA256.hex(Array(text.utf8))
  }

  /// The value with every record's keys in sorted order.
  static func canonical(_ value: Value) -> Value {
    switch value {
    case .record(let r):
      let pairs = r.pairs.sorted { $0.0 < $1.0 }.map { ($0.0, canonical($0.1)) }
      return .record(Record(pairs))
    case .list(let items): return .list(items.map(canonical))
    default: return value
    }
  }
}
