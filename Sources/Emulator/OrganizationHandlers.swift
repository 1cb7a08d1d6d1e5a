import AstroCore
import Foundation
import OrgAPI

/// One operation's behaviour: read the validated call, change the state, answer.
typealias Handler =
  @Sendable (inout EmulatorState, EmulatorCall) throws(APIFailure) -> HandlerOutput

extension EmulatorEngine {
  /// The handler of each of the 21 operations, by operation name.
  static let handlers: [String: Handler] = [
    "create_organization": Handlers.createOrganization,
    "get_organization": Handlers.getOrganization,
    "list_organizations": Handlers.listOrganizations,
    "update_organization": Handlers.updateOrganization,
    "get_organization_audit_logs": Handlers.auditLogs,
    "create_managed_domain": Handlers.createDomain,
    "get_managed_domain": Handlers.getDomain,
    "list_managed_domains": Handlers.listDomains,
    "update_managed_domain": Handlers.updateDomain,
    "delete_managed_domain": Handlers.deleteDomain,
    "verify_managed_domain": Handlers.verifyDomain,
    "create_sso_connection": Handlers.createConnection,
    "get_sso_connection": Handlers.getConnection,
    "list_sso_connections": Handlers.listConnections,
    "update_sso_connection": Handlers.updateConnection,
    "delete_sso_connection": Handlers.deleteConnection,
    "upsert_sso_bypass_key": Handlers.upsertBypassKey,
    "get_sso_bypass_key": Handlers.getBypassKey,
    "delete_sso_bypass_key": Handlers.deleteBypassKey,
    "list_organization_auth_ids": Handlers.listAuthIds,
    "validate_sso_login": Handlers.validateLogin,
  ]
}

/// The operations' behaviour, one static function each.
enum Handlers {
  /// How long a new organization's trial lasts.
  static let trialLength: TimeInterval = 14 * 86_400

  /// The index of the organization named by the `organizationId` path parameter.
  static func org(_ s: EmulatorState, _ call: EmulatorCall) throws(APIFailure) -> Int {
    let key = call.param("organizationId")
    guard let index = s.organizationIndex(key) else {
      throw .notFound("organization '\(key)' does not exist")
    }
    return index
  }

  static func createOrganization(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let name = call.field("name")?.stringValue ?? ""
    let serial = try s.mintSerial()
    let org = OrganizationEntity(
      id: Identifiers.cuid(serial: serial), name: name, shortName: uniqueShortName(name, in: s),
      authServiceId: Identifiers.auth0(prefix: "org_", serial: serial), billingEmail: nil,
      isScimEnabled: false, supportPlan: "TRIAL", product: "HOSTED", status: "ACTIVE",
      createdAt: call.now, updatedAt: call.now,
      trialExpiresAt: call.now.addingTimeInterval(trialLength),
      metadata: call.field("metadata")?.recordValue)
    s.organizations.append(org)
    return .json(org.wire(), org: org.id)
  }

  /// A slug of the name (lower case, only letters, digits and hyphens), made unique with a
  /// numeric suffix.
  static func uniqueShortName(_ name: String, in s: EmulatorState) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
    var slug = String(name.lowercased().filter { allowed.contains($0) })
    if slug.isEmpty { slug = "org" }
    var candidate = slug
    var n = 2
    while s.organizations.contains(where: { $0.shortName == candidate || $0.id == candidate }) {
      candidate = "\(slug)-\(n)"
      n += 1
    }
    return candidate
  }

  static func getOrganization(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let org = s.organizations[try Handlers.org(s, call)]
    let lookUpOnly = call.queryValue("isLookUpOnly").flatMap(RequestInput.bool) ?? false
    return .json(org.wire(lookUpOnly: lookUpOnly), org: org.id)
  }

  static func listOrganizations(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    var orgs = s.organizations
    if let search = call.queryValue("search")?.lowercased(), !search.isEmpty {
      orgs = orgs.filter {
        $0.name.lowercased().contains(search) || $0.shortName.contains(search) || $0.id == search
      }
    }
    if let plan = call.queryValue("supportPlan") { orgs = orgs.filter { $0.supportPlan == plan } }
    if let product = call.queryValue("product") { orgs = orgs.filter { $0.product == product } }
    if let trial = call.queryValue("trialStatus"), trial != "all" {
      orgs = orgs.filter { trialStatus($0, now: call.now) == trial }
    }
    for sort in (call.query["sorts"] ?? []).reversed() {
      let parts = sort.split(separator: ":")
      let key = String(parts[0])
      let descending = parts[1] == "desc"
      // Sorting by the last key first, stably, leaves the first key the primary order.
      orgs = stableSorted(orgs) { a, b in
        let (x, y) = (sortKey(a, key), sortKey(b, key))
        return descending ? x > y : x < y
      }
    }
    return .json(.list(orgs.map { $0.wire() }), org: nil)
  }

  static func trialStatus(_ org: OrganizationEntity, now: Date) -> String {
    guard org.supportPlan == "TRIAL", let expiry = org.trialExpiresAt else { return "none" }
    return expiry > now ? "active" : "expired"
  }

  private static func sortKey(_ org: OrganizationEntity, _ key: String) -> String {
    switch key {
    case "authServiceId": return org.authServiceId
    case "createdAt": return Timestamp.format(org.createdAt)
    case "id": return org.id
    case "name": return org.name.lowercased()
    case "product": return org.product ?? ""
    case "shortName": return org.shortName
    case "supportPlan": return org.supportPlan
    default: return Timestamp.format(org.updatedAt)
    }
  }

  private static func stableSorted<T>(_ items: [T], by less: (T, T) -> Bool) -> [T] {
    items.enumerated().sorted { a, b in
      less(a.element, b.element) || (!less(b.element, a.element) && a.offset < b.offset)
    }.map(\.element)
  }

  static func updateOrganization(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let i = try Handlers.org(s, call)
    s.organizations[i].name = call.field("name")?.stringValue ?? s.organizations[i].name
    s.organizations[i].billingEmail = call.field("billingEmail")?.stringValue
    s.organizations[i].isScimEnabled = call.field("isScimEnabled") == .bool(true)
    s.organizations[i].updatedAt = call.now
    return .json(s.organizations[i].wire(), org: s.organizations[i].id)
  }

  static func auditLogs(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let org = s.organizations[try Handlers.org(s, call)]
    let days = call.queryValue("earliest").flatMap { Int($0) } ?? 1
    let since = call.now.addingTimeInterval(-Double(days) * 86_400)
    let stream = AuditLogStream(
      events: s.audit.filter { $0.organizationId == org.id },
      synthetic: s.synthetic.flatMap { $0.organizationId == org.id ? $0 : nil }, since: since)
    // The name the Astro CLI gives the same download.
    let day = Timestamp.format(call.now).prefix(10).replacingOccurrences(of: "-", with: "")
    let stem = org.name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    let filename = "\(stem)-logs-\(days)-day\(days == 1 ? "" : "s")-\(day).ndjson.gz"
    return HandlerOutput(body: .auditLog(stream, filename: filename), organizationId: org.id)
  }
}
