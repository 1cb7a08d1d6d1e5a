import AstroCore
import Foundation

/// The JSON form of `EmulatorState`, for state files. Domains are stored in their wire
/// form; connections refer to their domains by id; audit events are the NDJSON records.
enum StateCodec {
  static func encode(_ state: EmulatorState) -> Value {
    var r = Record()
    r["format"] = .string(StateFile.format)
    r["version"] = .int(StateFile.version)
    r["nextSerial"] = .int(Int(state.nextSerial))
    r["lastRequestSerial"] = .int(Int(state.lastRequestSerial))
    r["organizations"] = .list(state.organizations.map(encode))
    r["audit"] = .list(state.audit.map { .record($0.record) })
    if let synthetic = state.synthetic {
      r["synthetic"] = .record(
        Record([
          ("count", .int(synthetic.count)), ("organizationId", .string(synthetic.organizationId)),
          ("anchor", .string(Timestamp.format(synthetic.anchor))),
        ]))
    }
    return .record(r)
  }

  private static func encode(_ org: OrganizationEntity) -> Value {
    guard case .record(var r) = org.wire() else { return .null }
    if let metadata = org.metadata { r["metadata"] = .record(metadata) }
    r["managedDomains"] = nil
    r["domains"] = .list(org.domains.map(\.wire))
    r["connections"] = .list(org.connections.map(encode))
    if let key = org.bypassKey {
      r["bypassKey"] = .record(
        Record([
          ("key", .string(key.key)), ("createdAt", .string(Timestamp.format(key.createdAt))),
          ("updatedAt", .string(Timestamp.format(key.updatedAt))),
        ]))
    }
    return .record(r)
  }

  private static func encode(_ c: ConnectionEntity) -> Value {
    var r = Record()
    r["id"] = .string(c.id)
    r["organizationId"] = .string(c.organizationId)
    r["auth0ConnectionId"] = .string(c.auth0ConnectionId)
    r["auth0ConnectionName"] = .string(c.auth0ConnectionName)
    r["configuration"] = .record(c.configuration)
    r["enabled"] = .bool(c.enabled)
    if let idp = c.idpInitiatedLoginEnabled { r["idpInitiatedLoginEnabled"] = .bool(idp) }
    if let jit = c.jitPolicy { r["jitPolicy"] = .record(jit) }
    r["domainIds"] = .list(c.domainIds.map(Value.string))
    return .record(r)
  }

  static func decode(_ value: Value) throws(StateFileError) -> EmulatorState {
    let top = try Reader(value, "")
    guard try top.string("format") == StateFile.format else {
      throw StateFileError("it is not an astrosh emulator state file")
    }
    guard try top.int("version") == StateFile.version else {
      throw StateFileError("version \(try top.int("version")) is not supported")
    }
    var state = EmulatorState()
    state.nextSerial = UInt64(max(1, try top.int("nextSerial")))
    if top.record["lastRequestSerial"] != nil {
      state.lastRequestSerial = UInt64(try top.int("lastRequestSerial"))
    }
    state.organizations = try top.list("organizations").map(decodeOrganization)
    state.audit = try top.list("audit").map { r throws(StateFileError) in
      AuditEvent(
        time: try r.date("timestamp"), organizationId: try r.string("organizationId"),
        record: r.record)
    }
    if let s = try top.optionalRecord("synthetic") {
      state.synthetic = SyntheticAudit(
        count: try s.int("count"), organizationId: try s.string("organizationId"),
        anchor: try s.date("anchor"))
    }
    return state
  }

  private static func decodeOrganization(_ r: Reader) throws(StateFileError)
    -> OrganizationEntity
  {
    var org = OrganizationEntity(
      id: try r.string("id"), name: try r.string("name"), shortName: try r.string("shortName"),
      authServiceId: try r.string("authServiceId"),
      billingEmail: try r.optionalString("billingEmail"),
      isScimEnabled: try r.bool("isScimEnabled"), supportPlan: try r.string("supportPlan"),
      product: try r.optionalString("product"), status: try r.string("status"),
      createdAt: try r.date("createdAt"), updatedAt: try r.date("updatedAt"),
      trialExpiresAt: try r.optionalString("trialExpiresAt").map { _ throws(StateFileError) in
        try r.date("trialExpiresAt")
      }, metadata: try r.optionalRecord("metadata")?.record)
    org.domains = try r.list("domains").map { d throws(StateFileError) in
      DomainEntity(
        id: try d.string("id"), name: try d.string("name"),
        organizationId: try d.string("organizationId"), status: try d.string("status"),
        enforcedLogins: try d.optionalStrings("enforcedLogins"), createdAt: try d.date("createdAt"),
        updatedAt: try d.date("updatedAt"))
    }
    org.connections = try r.list("connections").map { c throws(StateFileError) in
      ConnectionEntity(
        id: try c.string("id"), organizationId: try c.string("organizationId"),
        auth0ConnectionId: try c.string("auth0ConnectionId"),
        auth0ConnectionName: try c.string("auth0ConnectionName"),
        configuration: try c.recordField("configuration"), enabled: try c.bool("enabled"),
        idpInitiatedLoginEnabled: try c.optionalBool("idpInitiatedLoginEnabled"),
        jitPolicy: try c.optionalRecord("jitPolicy")?.record,
        domainIds: try c.optionalStrings("domainIds") ?? [])
    }
    if let k = try r.optionalRecord("bypassKey") {
      org.bypassKey = BypassKeyEntity(
        key: try k.string("key"), createdAt: try k.date("createdAt"),
        updatedAt: try k.date("updatedAt"))
    }
    return org
  }
}

/// Typed reads from a stored JSON object; errors name the field by its path.
private struct Reader {
  let record: Record
  let path: String

  init(_ value: Value, _ path: String) throws(StateFileError) {
    guard case .record(let r) = value else {
      throw StateFileError("'\(path.isEmpty ? "the top level" : path)' must be an object")
    }
    record = r
    self.path = path
  }

  private func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  private func required(_ key: String) throws(StateFileError) -> Value {
    guard let v = record[key], !v.isNull else { throw StateFileError("'\(at(key))' is missing") }
    return v
  }

  private func wrong(_ key: String, _ type: String) -> StateFileError {
    StateFileError("'\(at(key))' must be \(type)")
  }

  func string(_ key: String) throws(StateFileError) -> String {
    guard let s = try required(key).stringValue else { throw wrong(key, "a string") }
    return s
  }

  func optionalString(_ key: String) throws(StateFileError) -> String? {
    record[key] == nil || record[key] == .null ? nil : try string(key)
  }

  func int(_ key: String) throws(StateFileError) -> Int {
    guard let i = try required(key).intValue, i >= 0 else {
      throw wrong(key, "a non-negative integer")
    }
    return i
  }

  func bool(_ key: String) throws(StateFileError) -> Bool {
    guard case .bool(let b) = try required(key) else { throw wrong(key, "true or false") }
    return b
  }

  func optionalBool(_ key: String) throws(StateFileError) -> Bool? {
    record[key] == nil || record[key] == .null ? nil : try bool(key)
  }

  func date(_ key: String) throws(StateFileError) -> Date {
    guard let d = ISODate.parse(try string(key)) else {
      throw wrong(key, "a UTC timestamp like 2024-05-01T09:00:00Z")
    }
    return Timestamp.truncate(d)
  }

  func recordField(_ key: String) throws(StateFileError) -> Record {
    try Reader(try required(key), at(key)).record
  }

  func optionalRecord(_ key: String) throws(StateFileError) -> Reader? {
    record[key] == nil || record[key] == .null ? nil : try Reader(record[key]!, at(key))
  }

  func optionalStrings(_ key: String) throws(StateFileError) -> [String]? {
    guard let v = record[key], !v.isNull else { return nil }
    guard let items = v.listValue else { throw wrong(key, "a list of strings") }
    return try items.map { item throws(StateFileError) in
      guard let s = item.stringValue else { throw wrong(key, "a list of strings") }
      return s
    }
  }

  func list(_ key: String) throws(StateFileError) -> [Reader] {
    guard let items = try required(key).listValue else { throw wrong(key, "a list") }
    return try items.enumerated().map { i, item throws(StateFileError) in
      try Reader(item, "\(at(key))[\(i)]")
    }
  }
}
