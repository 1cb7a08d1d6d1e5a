import AstroCore

/// What a dry run remembers: the counter behind placeholder ids, and the stand-ins
/// created under them, so later calls on a placeholder see the planned object.
struct DryRunState {
  var created = 0
  var objects: [String: Record] = [:]
}

extension APIClient {
  /// The prefix of the ids a dry run makes up for the objects it would create.
  static let placeholderPrefix = "dry-run-"

  /// A stand-in for the object a mutating call would answer, so a rehearsed script can
  /// pipe it on: the existing object (fetched, or remembered when it is a placeholder),
  /// the request body's fields, the path's ids, a placeholder id for a create, and the
  /// status the call would leave. `dryRun`, `operation`, `method` and `path` tell it is
  /// only a plan. Secrets in the body stay redacted.
  func dryRunStandIn(_ call: APICall, _ request: APIRequest, io: CallIO) throws -> Value {
    let op = call.operation
    let body = op.body == nil ? nil : redactor.redact(call.body ?? .record(Record()))
    let target = redactor.redact(target: request.target)
    var line = "dry-run: \(request.method.rawValue) \(target)"
    if let body { line += " " + JSON.serialize(body) }
    io.diagnostics(line + "\n")

    let ids = op.segments.compactMap { segment -> String? in
      if case .parameter(let name) = segment { return name }
      return nil
    }
    var object = Record()
    if let get = Self.sameResourceReader(of: op) {
      // A singleton under its parent, such as the SSO bypass key: it is read at the
      // same path, and one not there yet is no error (an upsert would make it).
      object = try existingSingleton(call, get, io: io)
    } else if !op.name.hasPrefix("create_"), let last = ids.last, let id = call.pathValues[last] {
      object = try existing(call, id: id, io: io)
      object["id"] = .string(id)
    }
    if let org = call.pathValues["organizationId"] { object["organizationId"] = .string(org) }
    if case .record(let fields)? = body {
      for (key, value) in fields.pairs { object[key] = value }
    }
    if case .object(let model) = op.response {
      for field in model.fields where object[field.name] == nil { object[field.name] = .null }
    }
    if op.name.hasPrefix("create_") {
      let n = dryRunState.withLock { state -> Int in
        state.created += 1
        return state.created
      }
      object["id"] = .string(Self.placeholderPrefix + String(n))
    }
    if op.name == "create_managed_domain" { object["status"] = .string("PENDING") }
    if op.name == "verify_managed_domain" { object["status"] = .string("VERIFIED") }
    object["dryRun"] = .bool(true)
    object["operation"] = .string(op.name)
    object["method"] = .string(request.method.rawValue)
    object["path"] = .string(target)
    if case .string(let id)? = object["id"], id.hasPrefix(Self.placeholderPrefix) {
      let planned = object
      dryRunState.withLock { $0.objects[id] = planned }
    }
    return .record(object)
  }

  /// The object a call on `id` starts from: remembered for a placeholder (which must never
  /// reach the API), else read with the matching GET when the API has one.
  private func existing(_ call: APICall, id: String, io: CallIO) throws -> Record {
    if id.hasPrefix(Self.placeholderPrefix) {
      return dryRunState.withLock { $0.objects[id] } ?? Record()
    }
    if Self.namesAPlaceholder(call) { return Record() }
    guard let get = Self.reader(of: call.operation) else { return Record() }
    let read = APICall(operation: get, pathValues: call.pathValues)
    // Redacted like the body: the stand-in is dry-run output.
    let found = redactor.redact(try send(read, io: io).collect())
    return found.recordValue ?? Record()
  }

  /// Whether a path value is a dry run's made-up id, which must never reach the API.
  private static func namesAPlaceholder(_ call: APICall) -> Bool {
    call.pathValues.values.contains { $0.hasPrefix(placeholderPrefix) }
  }

  /// The singleton `get` reads, redacted; empty when there is none yet (404).
  private func existingSingleton(_ call: APICall, _ get: Operation, io: CallIO) throws -> Record {
    if Self.namesAPlaceholder(call) { return Record() }
    do {
      let found = try send(APICall(operation: get, pathValues: call.pathValues), io: io)
      return redactor.redact(try found.collect()).recordValue ?? Record()
    } catch let error as ShellError where error.code == "api_not_found" {
      return Record()
    }
  }

  /// The GET at the very path of a mutating call, when there is one: the call then works
  /// on a singleton that has no id of its own (`upsert_sso_bypass_key`).
  static func sameResourceReader(of op: Operation) -> Operation? {
    guard op.method != .get, !op.name.hasPrefix("create_") else { return nil }
    return Operations.all.first { $0.method == .get && $0.segments == op.segments }
  }

  /// The GET operation for the object a mutating call works on: its path is the call's
  /// path up to the last placeholder.
  static func reader(of op: Operation) -> Operation? {
    let isParameter = { (segment: PathSegment) -> Bool in
      if case .parameter = segment { return true }
      return false
    }
    guard let last = op.segments.lastIndex(where: isParameter) else { return nil }
    let objectPath = Array(op.segments[...last])
    return Operations.all.first { $0.method == .get && $0.segments == objectPath }
  }
}
