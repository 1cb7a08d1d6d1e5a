import AstroCore
import Foundation
import OrgAPI

extension Handlers {
  /// The indexes of the organization and of the domain named by the path.
  static func domain(_ s: EmulatorState, _ call: EmulatorCall) throws(APIFailure) -> (Int, Int) {
    let o = try org(s, call)
    let id = call.param("domainId")
    guard let d = s.organizations[o].domainIndex(id) else {
      throw .notFound(
        "managed domain '\(id)' does not exist in organization '\(s.organizations[o].id)'")
    }
    return (o, d)
  }

  static func createDomain(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let o = try org(s, call)
    let name = call.field("name")?.stringValue ?? ""
    guard isDomainName(name) else {
      throw .invalid("field 'name' must be a domain name such as example.com, not '\(name)'")
    }
    if s.organizations[o].domains.contains(where: { $0.name.lowercased() == name.lowercased() }) {
      throw .invalid("managed domain '\(name)' already exists in this organization")
    }
    let domain = DomainEntity(
      id: try s.mintId(), name: name, organizationId: s.organizations[o].id, status: "PENDING",
      enforcedLogins: call.field("enforcedLogins")?.listValue?.compactMap(\.stringValue),
      createdAt: call.now, updatedAt: call.now)
    s.organizations[o].domains.append(domain)
    return .json(domain.wire, org: domain.organizationId)
  }

  /// A plausible DNS name: dot-separated labels of letters, digits and inner hyphens.
  static func isDomainName(_ name: String) -> Bool {
    let labels = name.split(separator: ".", omittingEmptySubsequences: false)
    guard labels.count >= 2, name.utf8.count <= 253 else { return false }
    return labels.allSatisfy { label in
      !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
  }

  static func getDomain(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, d) = try domain(s, call)
    return .json(s.organizations[o].domains[d].wire, org: s.organizations[o].id)
  }

  static func listDomains(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let org = s.organizations[try Handlers.org(s, call)]
    return .json(.list(org.domains.map(\.wire)), org: org.id)
  }

  static func updateDomain(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, d) = try domain(s, call)
    s.organizations[o].domains[d].enforcedLogins =
      call.field("enforcedLogins")?.listValue?.compactMap(\.stringValue) ?? []
    s.organizations[o].domains[d].updatedAt = call.now
    return .json(s.organizations[o].domains[d].wire, org: s.organizations[o].id)
  }

  /// Deleting a domain that an SSO connection uses is refused: the connection would be
  /// left pointing at nothing (and a connection needs at least one domain).
  static func deleteDomain(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, d) = try domain(s, call)
    let id = s.organizations[o].domains[d].id
    if let user = s.organizations[o].connections.first(where: { $0.domainIds.contains(id) }) {
      throw .invalid(
        "managed domain '\(s.organizations[o].domains[d].name)' is used by SSO connection "
          + "'\(user.id)'; update or delete the connection first")
    }
    s.organizations[o].domains.remove(at: d)
    return HandlerOutput(body: .empty, organizationId: s.organizations[o].id)
  }

  /// The emulator has no DNS: verification succeeds unless the `failVerify` fault names the
  /// domain, in which case it stays PENDING and the answer is 400.
  static func verifyDomain(_ s: inout EmulatorState, _ call: EmulatorCall)
    throws(APIFailure) -> HandlerOutput
  {
    let (o, d) = try domain(s, call)
    let domain = s.organizations[o].domains[d]
    if !domain.isVerified {
      if call.gate.config.verificationFails(for: domain.name) {
        throw .invalid(
          "DNS verification of managed domain '\(domain.name)' failed: no TXT record with the "
            + "verification code was found at _astronomer.\(domain.name); the domain stays "
            + "PENDING")
      }
      s.organizations[o].domains[d].status = "VERIFIED"
      s.organizations[o].domains[d].updatedAt = call.now
    }
    return .json(s.organizations[o].domains[d].wire, org: domain.organizationId)
  }
}
