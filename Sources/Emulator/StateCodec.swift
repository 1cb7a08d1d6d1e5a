import AstroCore
import Foundation
import OrgAPI

/// The JSON form of `EmulatorState`, for state files. Domains are stored in their wire
/// form; connections refer to their domains by id; audit events are the NDJSON records.
///
/// A file is edited by hand now and then, so reading one checks what the engine relies
/// on: enum values within the contract's, no id used twice, and a `nextSerial` past every
/// minted id and within what ids can be made from. A wrong `nextSerial` is refused rather
/// than moved on quietly, since it shows the file was edited or pieced together; the
/// error says which value would do.
enum StateCodec {
  static func encode(_ state: EmulatorState) -> Value {
    var r = Record()
    r["format"] = .string(StateFile.format)
    r["version"] = .int(StateFile.version)
    r["nextSerial"] = .int(Int(state.nextSerial))
    r["lastRequestSerial"] = .int(Int(state.lastRequestSerial))
    if let instanceId = state.instanceId { r["instanceId"] = .string(instanceId) }
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
    let nextSerial = try top.int("nextSerial")
    // One past the last serial is a state that has made every id it can: it loads, and
    // its next create fails (see `mintSerial`).
    guard UInt64(nextSerial) <= Identifiers.maxSerial + 1 else {
      throw StateFileError(
        "'nextSerial' is \(nextSerial), past \(Identifiers.maxSerial), the last serial ids "
          + "can be made from")
    }
    state.nextSerial = UInt64(max(1, nextSerial))
    if top.record["lastRequestSerial"] != nil {
      state.lastRequestSerial = UInt64(try top.int("lastRequestSerial"))
    }
    if let instanceId = try top.optionalString("instanceId") {
      guard !instanceId.isEmpty else { throw StateFileError("'instanceId' must not be empty") }
      state.instanceId = instanceId
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
    try checkIds(state)
    return state
  }

  /// Every id names one object, and `nextSerial` lies past the serial of every id minted
  /// from one: otherwise the next create would mint an id that exists already.
  private static func checkIds(_ state: EmulatorState) throws(StateFileError) {
    var seen: [String: String] = [:]
    var highest: (serial: UInt64, path: String)?
    func note(_ id: String, _ path: String) throws(StateFileError) {
      if let first = seen[id] {
        throw StateFileError("'\(path)' is '\(id)', the id of '\(first)' already")
      }
      seen[id] = path
      if let serial = Identifiers.serial(ofCuid: id), serial >= highest?.serial ?? 0 {
        highest = (serial, path)
      }
    }
    for (o, org) in state.organizations.enumerated() {
      try note(org.id, "organizations[\(o)].id")
      for (d, domain) in org.domains.enumerated() {
        try note(domain.id, "organizations[\(o)].domains[\(d)].id")
      }
      for (c, connection) in org.connections.enumerated() {
        try note(connection.id, "organizations[\(o)].connections[\(c)].id")
      }
    }
    if let highest, state.nextSerial <= highest.serial {
      throw StateFileError(
        "'nextSerial' is \(state.nextSerial), but '\(highest.path)' was made from serial "
          + "\(highest.serial); set nextSerial to \(highest.serial + 1) or more")
    }
  }

  private static func decodeOrganization(_ r: Reader) throws(StateFileError)
    -> OrganizationEntity
  {
    var org = OrganizationEntity(
      id: try r.string("id"), name: try r.string("name"), shortName: try r.string("shortName"),
      authServiceId: try r.string("authServiceId"),
      billingEmail: try r.optionalString("billingEmail"),
      isScimEnabled: try r.bool("isScimEnabled"),
      supportPlan: try r.oneOf("supportPlan", Models.supportPlan),
      product: try r.optionalOneOf("product", organizationField("product")),
      status: try r.oneOf("status", organizationField("status")),
      createdAt: try r.date("createdAt"), updatedAt: try r.date("updatedAt"),
      trialExpiresAt: try r.optionalString("trialExpiresAt").map { _ throws(StateFileError) in
        try r.date("trialExpiresAt")
      }, metadata: try r.optionalRecord("metadata")?.record)
    org.domains = try r.list("domains").map { d throws(StateFileError) in
      DomainEntity(
        id: try d.string("id"), name: try d.string("name"),
        organizationId: try d.string("organizationId"),
        status: try d.oneOf("status", Models.domainStatus),
        enforcedLogins: try d.optionalStrings("enforcedLogins", Models.enforcedLogin),
        createdAt: try d.date("createdAt"), updatedAt: try d.date("updatedAt"))
    }
    org.connections = try r.list("connections").map { c throws(StateFileError) in
      ConnectionEntity(
        id: try c.string("id"), organizationId: try c.string("organizationId"),
        auth0ConnectionId: try c.string("auth0ConnectionId"),
        auth0ConnectionName: try c.string("auth0ConnectionName"),
        configuration: try c.configuration(), enabled: try c.bool("enabled"),
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

  /// The schema of an `Organization` field the contract types as an enum.
  private static func organizationField(_ name: String) -> Schema {
    Models.organization.field(name)?.schema ?? .text
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

  /// A string that must be one of the schema's values, when the schema lists them.
  func oneOf(_ key: String, _ schema: Schema) throws(StateFileError) -> String {
    let value = try string(key)
    if case .string(let rule) = schema, let values = rule.values, !values.contains(value) {
      throw wrong(key, "one of \(values.joined(separator: ", ")), not '\(value)'")
    }
    return value
  }

  func optionalOneOf(_ key: String, _ schema: Schema) throws(StateFileError) -> String? {
    record[key] == nil || record[key] == .null ? nil : try oneOf(key, schema)
  }

  /// A connection's `configuration`, whose `strategy` the engine branches on.
  func configuration() throws(StateFileError) -> Record {
    let configuration = try Reader(try required("configuration"), at("configuration"))
    _ = try configuration.oneOf("strategy", Models.strategy)
    return configuration.record
  }

  func optionalRecord(_ key: String) throws(StateFileError) -> Reader? {
    record[key] == nil || record[key] == .null ? nil : try Reader(record[key]!, at(key))
  }

  /// A list of strings, each one of the schema's values when `of` lists them.
  func optionalStrings(_ key: String, _ of: Schema = .text) throws(StateFileError) -> [String]? {
    guard let v = record[key], !v.isNull else { return nil }
    guard let items = v.listValue else { throw wrong(key, "a list of strings") }
    let values: [String]? = if case .string(let rule) = of { rule.values } else { nil }
    return try items.map { item throws(StateFileError) in
      guard let s = item.stringValue else { throw wrong(key, "a list of strings") }
      if let values, !values.contains(s) {
        throw StateFileError(
          "'\(at(key))' may hold only \(values.joined(separator: ", ")), not '\(s)'")
      }
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
