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
    r["createdAt"] = .string(Timestamp.format(createdAt))
    if let enforcedLogins { r["enforcedLogins"] = .list(enforcedLogins.map(Value.string)) }
    r["id"] = .string(id)
    r["name"] = .string(name)
    r["organizationId"] = .string(organizationId)
    r["status"] = .string(status)
    r["updatedAt"] = .string(Timestamp.format(updatedAt))
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
    r["auth0ConnectionId"] = .string(auth0ConnectionId)
    r["auth0ConnectionName"] = .string(auth0ConnectionName)
    r["configuration"] = .record(config)
    r["enabled"] = .bool(enabled)
    r["id"] = .string(id)
    if let jitPolicy { r["jitPolicy"] = .record(jitPolicy) }
    let expanded = domainIds.compactMap { id in domains.first { $0.id == id }?.wire }
    r["managedDomains"] = .list(expanded)
    r["organizationId"] = .string(organizationId)
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
    r["authServiceId"] = .string(authServiceId)
    if let billingEmail { r["billingEmail"] = .string(billingEmail) }
    r["createdAt"] = .string(Timestamp.format(createdAt))
    r["id"] = .string(id)
    r["isScimEnabled"] = .bool(isScimEnabled)
    if !lookUpOnly { r["managedDomains"] = .list(domains.map(\.wire)) }
    r["name"] = .string(name)
    if let product { r["product"] = .string(product) }
    r["shortName"] = .string(shortName)
    r["status"] = .string(status)
    r["supportPlan"] = .string(supportPlan)
    if let trialExpiresAt { r["trialExpiresAt"] = .string(Timestamp.format(trialExpiresAt)) }
    r["updatedAt"] = .string(Timestamp.format(updatedAt))
    return .record(r)
  }

  /// The `SsoBypassKey` model, when there is a key.
  func bypassKeyWire() -> Value? {
    guard let bypassKey else { return nil }
    var r = Record()
    r["bypassKey"] = .string(bypassKey.key)
    r["createdAt"] = .string(Timestamp.format(bypassKey.createdAt))
    r["orgShortName"] = .string(shortName)
    r["organizationId"] = .string(id)
    r["organizationShortName"] = .string(shortName)
    r["updatedAt"] = .string(Timestamp.format(bypassKey.updatedAt))
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

  mutating func mintSerial() -> UInt64 {
    defer { nextSerial += 1 }
    return nextSerial
  }

  mutating func mintId() -> String { Identifiers.cuid(serial: mintSerial()) }

  /// The organization named by a path parameter: its id or its short name.
  func organizationIndex(_ idOrShortName: String) -> Int? {
    organizations.firstIndex { $0.id == idOrShortName }
      ?? organizations.firstIndex { $0.shortName == idOrShortName }
  }
}
