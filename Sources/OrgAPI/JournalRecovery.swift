import AstroCore

/// Finds out, with read-only calls, whether a change the journal cannot vouch for has
/// already taken effect on the server, so a rerun does not send it a second time.
///
/// It is asked about a call whose request went out with no answer recorded (the run was
/// killed, or the connection broke), and about a create the server refused (the thing
/// may exist from an earlier run). Each kind of change has its own evidence:
/// - a create: an object with the same natural key (a domain's `name`, a connection's
///   `auth0ConnectionName`, an organization's `name`) whose fields agree with the body;
/// - a verification: the domain is VERIFIED;
/// - a delete: the object is gone (404).
/// Updates and the bypass-key upsert set the same state when repeated, so they are
/// simply sent again.
enum JournalRecovery {
  /// The call's result when the server shows it already done; nil when it must be sent.
  static func alreadyDone(_ call: APICall, client: APIClient, io: CallIO) throws -> Value? {
    let org = call.pathValues["organizationId"] ?? ""
    switch call.operation.name {
    case "create_managed_domain":
      return try existing(
        call, listing: "list_managed_domains", org, naturalKey: "name", client, io)
    case "create_sso_connection":
      return try existing(
        call, listing: "list_sso_connections", org, naturalKey: "auth0ConnectionName", client, io)
    case "create_organization":
      return try existing(call, listing: "list_organizations", nil, naturalKey: "name", client, io)
    case "verify_managed_domain":
      let domain = try fetch("get_managed_domain", call.pathValues, client, io)
      return domain?.recordValue?["status"]?.stringValue == "VERIFIED" ? domain : nil
    case "delete_managed_domain":
      return try gone("get_managed_domain", call.pathValues, client, io)
    case "delete_sso_connection":
      return try gone("get_sso_connection", call.pathValues, client, io)
    case "delete_sso_bypass_key":
      return try gone("get_sso_bypass_key", call.pathValues, client, io)
    default:
      return nil
    }
  }

  /// Whether a refused call is worth a look: a create answered 400 or 409 ("already
  /// exists"), or a delete answered 404 (already gone).
  static func mayAlreadyBeDone(_ call: APICall, _ error: ShellError) -> Bool {
    guard let status = error.details["status"]?.intValue else { return false }
    if call.operation.name.hasPrefix("create_") { return status == 400 || status == 409 }
    if call.operation.name.hasPrefix("delete_") { return status == 404 }
    return false
  }

  // MARK: Evidence

  private static func existing(
    _ call: APICall, listing: String, _ org: String?, naturalKey: String, _ client: APIClient,
    _ io: CallIO
  ) throws -> Value? {
    guard let body = call.body?.recordValue, let wanted = body[naturalKey]?.stringValue else {
      return nil
    }
    let path = org.map { ["organizationId": $0] } ?? [:]
    guard let list = try fetch(listing, path, client, io)?.listValue else { return nil }
    let match = list.first { item in
      item.recordValue?[naturalKey]?.stringValue?.lowercased() == wanted.lowercased()
    }
    guard let match, agrees(.record(body), with: match) else { return nil }
    return match
  }

  private static func gone(
    _ getter: String, _ path: [String: String], _ client: APIClient, _ io: CallIO
  ) throws -> Value? {
    try fetch(getter, path, client, io) == nil ? .null : nil
  }

  /// A read of one operation; nil when the server answers 404.
  private static func fetch(
    _ name: String, _ path: [String: String], _ client: APIClient, _ io: CallIO
  ) throws -> Value? {
    guard let op = Operations.named(name) else { return nil }
    let values = path.filter { key, _ in op.pathParams.contains { $0.name == key } }
    do {
      return try client.perform(APICall(operation: op, pathValues: values), io: io).collect()
    } catch let error as ShellError where error.details["status"]?.intValue == 404 {
      return nil
    }
  }

  /// Whether every field the body sets has the same value in the existing object. A
  /// field the server does not echo (or a secret it masks) cannot disagree; lists are
  /// compared without regard to order, and records field by field.
  static func agrees(_ wanted: Value, with found: Value) -> Bool {
    switch (wanted, found) {
    case (.record(let w), .record(let f)):
      return w.pairs.allSatisfy { key, value in
        guard !Operations.secretKeys.contains(key), let other = f[key] else { return true }
        return agrees(value, with: other)
      }
    case (.list(let w), .list(let f)):
      guard w.count == f.count else { return false }
      var left = f
      for item in w {
        guard let i = left.firstIndex(where: { agrees(item, with: $0) }) else { return false }
        left.remove(at: i)
      }
      return true
    case (.null, _), (_, .null):
      return true
    default:
      return wanted == found
    }
  }
}
