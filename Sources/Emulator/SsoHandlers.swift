import AstroCore
import Foundation
import OrgAPI

extension Handlers {
  static func connection(_ s: EmulatorState, _ call: EmulatorCall) throws(APIFailure) -> (
    Int, Int
  ) {
    let o = try org(s, call)
    let id = call.param("connectionId")
    guard let c = s.organizations[o].connectionIndex(id) else {
      throw .notFound(
        "SSO connection '\(id)' does not exist in organization '\(s.organizations[o].id)'")
    }
    return (o, c)
  }

  /// Checks the `managedDomains` of a create or update and returns their ids. Each must be
  /// a VERIFIED domain of this organization, named as it is, and not used by another
  /// connection (one connection per domain, as Astronomer's UI documents).
  static func connectionDomains(
    _ call: EmulatorCall, _ org: OrganizationEntity, except connectionId: String?
  ) throws(APIFailure) -> [String] {
    var ids: [String] = []
    for item in call.field("managedDomains")?.listValue ?? [] {
      let id = item.recordValue?["id"]?.stringValue ?? ""
      let name = item.recordValue?["name"]?.stringValue ?? ""
      guard let domain = org.domains.first(where: { $0.id == id }) else {
        throw .invalid("managed domain '\(id)' does not belong to organization '\(org.id)'")
      }
      guard domain.name.lowercased() == name.lowercased() else {
        throw .invalid("managed domain '\(id)' is named '\(domain.name)', not '\(name)'")
      }
      guard domain.isVerified else {
        throw .invalid(
          "managed domain '\(domain.name)' is PENDING; verify it before using it for SSO")
      }
      if let other = org.connections.first(where: {
        $0.id != connectionId && $0.domainIds.contains(id)
      }) {
        throw .invalid(
          "managed domain '\(domain.name)' is already used by SSO connection '\(other.id)'")
      }
      if !ids.contains(id) { ids.append(id) }
    }
    return ids
  }

  static func createConnection(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let o = try org(s, call)
    let name = call.field("auth0ConnectionName")?.stringValue ?? ""
    let taken = s.organizations.contains { org in
      org.connections.contains { $0.auth0ConnectionName == name }
    }
    if taken { throw .invalid("an SSO connection named '\(name)' already exists") }
    let domainIds = try connectionDomains(call, s.organizations[o], except: nil)
    let serial = try s.mintSerial()
    let connection = ConnectionEntity(
      id: Identifiers.cuid(serial: serial), organizationId: s.organizations[o].id,
      auth0ConnectionId: Identifiers.auth0(prefix: "con_", serial: serial),
      auth0ConnectionName: name,
      configuration: call.field("configuration")?.recordValue ?? Record(),
      enabled: false,
      idpInitiatedLoginEnabled: call.field("idpInitiatedLoginEnabled").flatMap(boolValue),
      jitPolicy: call.field("jitPolicy")?.recordValue, domainIds: domainIds)
    s.organizations[o].connections.append(connection)
    return .json(
      connection.wire(domains: s.organizations[o].domains), org: connection.organizationId)
  }

  static func getConnection(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, c) = try connection(s, call)
    let org = s.organizations[o]
    return .json(org.connections[c].wire(domains: org.domains), org: org.id)
  }

  static func listConnections(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let org = s.organizations[try Handlers.org(s, call)]
    return .json(.list(org.connections.map { $0.wire(domains: org.domains) }), org: org.id)
  }

  static func updateConnection(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, c) = try connection(s, call)
    let id = s.organizations[o].connections[c].id
    let domainIds = try connectionDomains(call, s.organizations[o], except: id)
    var updated = s.organizations[o].connections[c]
    updated.configuration = call.field("configuration")?.recordValue ?? Record()
    updated.enabled = call.field("enabled").flatMap(boolValue) ?? false
    updated.idpInitiatedLoginEnabled = call.field("idpInitiatedLoginEnabled").flatMap(boolValue)
    updated.jitPolicy = call.field("jitPolicy")?.recordValue
    updated.domainIds = domainIds
    s.organizations[o].connections[c] = updated
    return .json(updated.wire(domains: s.organizations[o].domains), org: updated.organizationId)
  }

  static func deleteConnection(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, c) = try connection(s, call)
    s.organizations[o].connections.remove(at: c)
    return HandlerOutput(body: .empty, organizationId: s.organizations[o].id)
  }

  /// Creates the key, or rotates it (a new secret, the same `createdAt`).
  static func upsertBypassKey(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let o = try org(s, call)
    let key = Identifiers.bypassKey(serial: try s.mintSerial())
    let created = s.organizations[o].bypassKey?.createdAt ?? call.now
    s.organizations[o].bypassKey = BypassKeyEntity(
      key: key, createdAt: created, updatedAt: call.now)
    return .json(s.organizations[o].bypassKeyWire()!, org: s.organizations[o].id)
  }

  static func getBypassKey(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let org = s.organizations[try Handlers.org(s, call)]
    guard let wire = org.bypassKeyWire() else {
      throw .notFound("organization '\(org.id)' has no SSO bypass key")
    }
    return .json(wire, org: org.id)
  }

  static func deleteBypassKey(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let o = try org(s, call)
    guard s.organizations[o].bypassKey != nil else {
      throw .notFound("organization '\(s.organizations[o].id)' has no SSO bypass key")
    }
    s.organizations[o].bypassKey = nil
    return HandlerOutput(body: .empty, organizationId: s.organizations[o].id)
  }

  /// The `authServiceId` of every organization owning a VERIFIED managed domain that
  /// matches the email's domain.
  static func listAuthIds(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let domain = RequestInput.emailDomain(call.queryValue("email") ?? "") ?? ""
    let ids = s.organizations.filter { org in
      org.domains.contains { $0.isVerified && $0.name.lowercased() == domain }
    }.map(\.authServiceId)
    return .json(.list(ids.map(Value.string)), org: nil)
  }

  /// The Auth0 post-login callback: allow (with claims) a user whose email domain is a
  /// VERIFIED managed domain covered by an enabled SSO connection; deny anyone else, with
  /// reason `EMAIL_MISSING`, `DOMAIN_NOT_MANAGED`, `NO_SSO_CONNECTION` or
  /// `SSO_CONNECTION_DISABLED`.
  static func validateLogin(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let user = call.field("event")?.recordValue?["user"]?.recordValue
    let email = user?["email"]?.stringValue ?? ""
    guard let domain = RequestInput.emailDomain(email) else {
      return .json(
        deny("EMAIL_MISSING", "the login event carries no valid user email", []), org: nil)
    }
    for org in s.organizations {
      guard
        let managed = org.domains.first(where: {
          $0.isVerified && $0.name.lowercased() == domain
        })
      else { continue }
      let covering = org.connections.filter { $0.domainIds.contains(managed.id) }
      if covering.isEmpty {
        return .json(
          deny("NO_SSO_CONNECTION", "no SSO connection covers the domain '\(domain)'", []),
          org: org.id)
      }
      guard let connection = covering.first(where: \.enabled) else {
        return .json(
          deny(
            "SSO_CONNECTION_DISABLED",
            "no enabled SSO connection covers the domain '\(domain)'",
            covering.map(\.auth0ConnectionName)), org: org.id)
      }
      return .json(allow(org, connection, email: email), org: org.id)
    }
    return .json(
      deny("DOMAIN_NOT_MANAGED", "'\(domain)' is not a managed domain of any organization", []),
      org: nil)
  }

  private static func allow(
    _ org: OrganizationEntity, _ connection: ConnectionEntity, email: String
  ) -> Value {
    let access = Record([
      ("organizationId", .string(org.id)), ("authServiceId", .string(org.authServiceId)),
    ])
    let id = Record([
      ("organizationShortName", .string(org.shortName)),
      ("ssoConnection", .string(connection.auth0ConnectionName)), ("email", .string(email)),
    ])
    return .record(
      Record([("accessTokenClaims", .record(access)), ("idTokenClaims", .record(id))]))
  }

  private static func deny(_ reason: String, _ message: String, _ connections: [String]) -> Value {
    var d = Record()
    if !connections.isEmpty { d["connections"] = .list(connections.map(Value.string)) }
    d["message"] = .string(message)
    d["reason"] = .string(reason)
    return .record(Record([("deny", .record(d))]))
  }

  private static func boolValue(_ v: Value) -> Bool? {
    if case .bool(let b) = v { return b }
    return nil
  }
}
