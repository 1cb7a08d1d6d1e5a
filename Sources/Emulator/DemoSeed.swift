import AstroCore
import Foundation

/// The demo organization a fresh emulator starts with, so that every README and `help`
/// example works at once. Its ids are fixed; ids minted later never collide with them
/// because minted ids carry the `emu0` fingerprint.
public enum DemoSeed {
  public static let organizationId = "cldemoorg0000000000000001"
  public static let organizationShortName = "demo-org"
  public static let organizationName = "Demo Organization"
  public static let authServiceId = "org_demoorg000000001"
  public static let billingEmail = "billing@demo-org.example.com"

  /// The VERIFIED managed domains, by name.
  public static let verifiedDomains = [
    (id: "cldemodom0000000000000001", name: "verified-1.example.com"),
    (id: "cldemodom0000000000000002", name: "verified-2.example.com"),
  ]

  /// The PENDING managed domains, by name.
  public static let pendingDomains = [
    (id: "cldemodom0000000000000003", name: "pending-1.example.com"),
    (id: "cldemodom0000000000000004", name: "pending-2.example.com"),
    (id: "cldemodom0000000000000005", name: "pending-3.example.com"),
  ]

  /// The one SSO connection (SAML, enabled), over the first verified domain.
  public static let ssoConnectionId = "cldemosso0000000000000001"
  public static let ssoConnectionName = "demo-org-saml"
  public static let auth0ConnectionId = "con_demosaml00000001"

  /// When the seeded objects were created.
  public static let createdAt = "2024-05-01T09:00:00Z"

  private static let created = Date(timeIntervalSince1970: 1_714_554_000)

  /// The seeded state. The few audit events are placed relative to `now` (2 hours, 3 days
  /// and 40 days back) so that the `earliest` filter has something to show.
  static func state(now: Date) -> EmulatorState {
    var org = OrganizationEntity(
      id: organizationId, name: organizationName, shortName: organizationShortName,
      authServiceId: authServiceId, billingEmail: billingEmail, isScimEnabled: false,
      supportPlan: "STANDARD", product: "HOSTED", status: "ACTIVE", createdAt: created,
      updatedAt: created, trialExpiresAt: nil, metadata: nil)
    let verified = verifiedDomains.map { domain($0.id, $0.name, "VERIFIED") }
    let pending = pendingDomains.map { domain($0.id, $0.name, "PENDING") }
    org.domains = verified + pending
    org.connections = [
      ConnectionEntity(
        id: ssoConnectionId, organizationId: organizationId, auth0ConnectionId: auth0ConnectionId,
        auth0ConnectionName: ssoConnectionName,
        configuration: Record([
          ("samlSignInUrl", .string("https://idp.example.com/saml/sso")),
          ("samlSignOutUrl", .string("https://idp.example.com/saml/slo")),
          ("strategy", .string("samlp")),
        ]),
        enabled: true, idpInitiatedLoginEnabled: false,
        jitPolicy: Record([("defaultOrgRole", .string("ORGANIZATION_MEMBER"))]),
        domainIds: [verifiedDomains[0].id])
    ]
    var state = EmulatorState()
    state.organizations = [org]
    state.audit = auditEvents(now: Timestamp.truncate(now))
    return state
  }

  private static func domain(_ id: String, _ name: String, _ status: String) -> DomainEntity {
    DomainEntity(
      id: id, name: name, organizationId: organizationId, status: status,
      enforcedLogins: status == "VERIFIED" ? ["sso"] : nil, createdAt: created, updatedAt: created
    )
  }

  private static func auditEvents(now: Date) -> [AuditEvent] {
    let hour: TimeInterval = 3600
    let entries: [(TimeInterval, String, String, Value?)] = [
      (
        40 * 24 * hour, "POST", "/organizations/\(organizationId)/domains",
        .record(Record([("name", .string(pendingDomains[2].name))]))
      ),
      (
        3 * 24 * hour, "POST",
        "/organizations/\(organizationId)/domains/\(verifiedDomains[1].id)/verify", nil
      ),
      (
        2 * hour, "POST", "/organizations/\(organizationShortName)",
        .record(
          Record([
            ("billingEmail", .string(billingEmail)), ("isScimEnabled", .bool(false)),
            ("name", .string(organizationName)),
          ]))
      ),
    ]
    return entries.enumerated().map { i, entry in
      AuditRecorder.event(
        subjectId: Identifiers.subject(forToken: "demo"), organizationId: organizationId,
        time: now.addingTimeInterval(-entry.0), sourceIp: "127.0.0.1", userAgent: "astrosh",
        method: entry.1, path: entry.2, requestBody: entry.3,
        requestId: Identifiers.requestId(serial: UInt64((1 << 48) + i)), status: 200)
    }
  }
}
