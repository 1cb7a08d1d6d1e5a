import AstroCore
import Foundation

/// A managed domain as the emulator keeps it.
struct DomainEntity: Sendable, Equatable {
  var id: String
  var name: String
  var organizationId: String
  /// `PENDING` or `VERIFIED`.
  var status: String
  var enforcedLogins: [String]?
  var createdAt: Date
  var updatedAt: Date

  var isVerified: Bool { status == "VERIFIED" }

  /// The `ManagedDomain` model.
  var wire: Value {
    var r = Record()
    r.reserveCapacity(16)
    r.appendUnchecked("createdAt", .string(Timestamp.format(createdAt)))
    if let enforcedLogins {
      r.appendUnchecked("enforcedLogins", .list(enforcedLogins.map(Value.string)))
    }
    r.appendUnchecked("id", .string(id))
    r.appendUnchecked("name", .string(name))
    r.appendUnchecked("organizationId", .string(organizationId))
    r.appendUnchecked("status", .string(status))
    r.appendUnchecked("updatedAt", .string(Timestamp.format(updatedAt)))
    return .record(r)
  }
}

/// An SSO connection; it refers to its domains by id, expanded only in responses.
struct ConnectionEntity: Sendable, Equatable {
  var id: String
  var organizationId: String
  var auth0ConnectionId: String
  var auth0ConnectionName: String
  var configuration: Record
  var enabled: Bool
  var idpInitiatedLoginEnabled: Bool?
  var jitPolicy: Record?
  var domainIds: [String]

  /// The `SsoConnection` model. `azureClientSecret` is write-only and never echoed; the
  /// SAML signing certificate is public material and is echoed like the rest.
  func wire(domains: [DomainEntity]) -> Value {
    var config = configuration
    config["azureClientSecret"] = nil
    var r = Record()
    r.reserveCapacity(16)
    r.appendUnchecked("auth0ConnectionId", .string(auth0ConnectionId))
    r.appendUnchecked("auth0ConnectionName", .string(auth0ConnectionName))
    r.appendUnchecked("configuration", .record(config))
    r.appendUnchecked("enabled", .bool(enabled))
    r.appendUnchecked("id", .string(id))
    if let jitPolicy { r.appendUnchecked("jitPolicy", .record(jitPolicy)) }
    let expanded = domainIds.compactMap { id in domains.first { $0.id == id }?.wire }
    r.appendUnchecked("managedDomains", .list(expanded))
    r.appendUnchecked("organizationId", .string(organizationId))
    return .record(r)
  }
}

/// The organization's SSO bypass key, present between an upsert and a delete.
struct BypassKeyEntity: Sendable, Equatable {
  var key: String
  var createdAt: Date
  var updatedAt: Date
}

/// An organization and everything that belongs to it.
struct OrganizationEntity: Sendable, Equatable {
  var id: String
  var name: String
  var shortName: String
  var authServiceId: String
  var billingEmail: String?
  var isScimEnabled: Bool
  var supportPlan: String
  var product: String?
  var status: String
  var createdAt: Date
  var updatedAt: Date
  var trialExpiresAt: Date?
  var metadata: Record?
  var domains: [DomainEntity] = []
  var connections: [ConnectionEntity] = []
  var bypassKey: BypassKeyEntity?

  func domainIndex(_ id: String) -> Int? { domains.firstIndex { $0.id == id } }
  func connectionIndex(_ id: String) -> Int? { connections.firstIndex { $0.id == id } }

  /// The `Organization` model; `lookUpOnly` leaves out the managed domains.
  func wire(lookUpOnly: Bool = false) -> Value {
    var r = Record()
    r.reserveCapacity(16)
    r.appendUnchecked("authServiceId", .string(authServiceId))
    if let billingEmail { r.appendUnchecked("billingEmail", .string(billingEmail)) }
    r.appendUnchecked("createdAt", .string(Timestamp.format(createdAt)))
    r.appendUnchecked("id", .string(id))
    r.appendUnchecked("isScimEnabled", .bool(isScimEnabled))
    if !lookUpOnly { r.appendUnchecked("managedDomains", .list(domains.map(\.wire))) }
    r.appendUnchecked("name", .string(name))
    if let product { r.appendUnchecked("product", .string(product)) }
    r.appendUnchecked("shortName", .string(shortName))
    r.appendUnchecked("status", .string(status))
    r.appendUnchecked("supportPlan", .string(supportPlan))
    if let trialExpiresAt {
      r.appendUnchecked("trialExpiresAt", .string(Timestamp.format(trialExpiresAt)))
    }
    r.appendUnchecked("updatedAt", .string(Timestamp.format(updatedAt)))
    return .record(r)
  }

  /// The `SsoBypassKey` model, when there is a key.
  func bypassKeyWire() -> Value? {
    guard let bypassKey else { return nil }
    var r = Record()
    r.reserveCapacity(16)
    r.appendUnchecked("bypassKey", .string(bypassKey.key))
    r.appendUnchecked("createdAt", .string(Timestamp.format(bypassKey.createdAt)))
    r.appendUnchecked("orgShortName", .string(shortName))
    r.appendUnchecked("organizationId", .string(id))
    r.appendUnchecked("organizationShortName", .string(shortName))
    r.appendUnchecked("updatedAt", .string(Timestamp.format(bypassKey.updatedAt)))
    return .record(r)
  }
}

/// One audit-log record: the NDJSON object as written, and its time for the `earliest` filter.
struct AuditEvent: Sendable, Equatable {
  var time: Date
  var organizationId: String
  var record: Record
}

/// Synthetic audit events for load tests: generated on the fly when the log is read, so a
/// million of them cost no memory. They are spread evenly over the 23 hours before
/// `anchor`, which keeps them all inside the default `earliest=1` window.
struct SyntheticAudit: Sendable, Equatable {
  var count: Int
  var organizationId: String
  var anchor: Date

  static let span: TimeInterval = 23 * 3600
}

/// The whole state of the emulator: what a state file holds.
struct EmulatorState: Sendable, Equatable {
  var organizations: [OrganizationEntity] = []
  var audit: [AuditEvent] = []
  var synthetic: SyntheticAudit?
  /// The serial number of the next minted id; persisted so ids stay unique across restarts.
  var nextSerial: UInt64 = 1
  /// The last request serial used when the state was saved, so that request ids (which
  /// the audit log keeps) do not repeat after a restart.
  var lastRequestSerial: UInt64 = 0
  /// A random name for this state, made when it is first saved and kept by every save
  /// after. A journal kept against the sandbox is bound to it, so a state file deleted and
  /// made afresh at the same path is another target, and its old journal is refused.
  var instanceId: String?

  /// 128 random bits in hex.
  static func newInstanceId() -> String {
    var rng = SystemRandomNumberGenerator()
    return [rng.next(), rng.next()].map { (word: UInt64) in
      let hex = String(word, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }.joined()
  }

  /// The next serial; past the last one ids can be made from, the create fails (507)
  /// rather than mint an id that repeats, or save a state the loader refuses.
  mutating func mintSerial() throws(APIFailure) -> UInt64 {
    guard nextSerial <= Identifiers.maxSerial else {
      throw APIFailure(
        status: 507,
        message: "Insufficient storage: this emulator has made all the ids it can "
          + "(\(Identifiers.maxSerial)); reset it or start from a new state file")
    }
    defer { nextSerial += 1 }
    return nextSerial
  }

  mutating func mintId() throws(APIFailure) -> String {
    Identifiers.cuid(serial: try mintSerial())
  }

  /// The organization named by a path parameter: its id or its short name.
  func organizationIndex(_ idOrShortName: String) -> Int? {
    organizations.firstIndex { $0.id == idOrShortName }
      ?? organizations.firstIndex { $0.shortName == idOrShortName }
  }
}
