import AstroCore

/// The 21 operations of the Organization API, as the contract gives them.
public enum Operations {
  private static let org = (name: "organizationId", description: "organization id or short name")
  private static let domain = (name: "domainId", description: "managed domain id")
  private static let connection = (name: "connectionId", description: "SSO connection id")

  public static let all: [Operation] = [
    Operation(
      name: "create_managed_domain", method: .post, path: "/organizations/{organizationId}/domains",
      pathParams: [org], query: [], body: Models.createManagedDomainRequest,
      response: .object(Models.managedDomain),
      summary: "Create a managed domain; it starts PENDING until verified",
      category: "managed domains", requiresAuth: true, examples: []),
    Operation(
      name: "create_organization", method: .post, path: "/organizations",
      pathParams: [], query: [], body: Models.createOrganizationRequest,
      response: .object(Models.organization), summary: "Create an organization",
      category: "organizations", requiresAuth: true, examples: []),
    Operation(
      name: "create_sso_connection", method: .post,
      path: "/organizations/{organizationId}/sso-connections",
      pathParams: [org], query: [], body: Models.createSsoConnectionRequest,
      response: .object(Models.ssoConnection),
      summary: "Create an SSO connection for managed domains of the organization",
      category: "sso connections", requiresAuth: true, examples: []),
    Operation(
      name: "delete_managed_domain", method: .delete,
      path: "/organizations/{organizationId}/domains/{domainId}",
      pathParams: [org, domain], query: [], body: nil, response: .empty,
      summary: "Delete a managed domain", category: "managed domains", requiresAuth: true,
      examples: []),
    Operation(
      name: "delete_sso_bypass_key", method: .delete,
      path: "/organizations/{organizationId}/sso-bypass-key",
      pathParams: [org], query: [], body: nil, response: .empty,
      summary: "Delete the organization's SSO bypass key", category: "sso bypass key",
      requiresAuth: true, examples: []),
    Operation(
      name: "delete_sso_connection", method: .delete,
      path: "/organizations/{organizationId}/sso-connections/{connectionId}",
      pathParams: [org, connection], query: [], body: nil, response: .empty,
      summary: "Delete an SSO connection", category: "sso connections", requiresAuth: true,
      examples: []),
    Operation(
      name: "get_managed_domain", method: .get,
      path: "/organizations/{organizationId}/domains/{domainId}",
      pathParams: [org, domain], query: [], body: nil, response: .object(Models.managedDomain),
      summary: "Get a managed domain", category: "managed domains", requiresAuth: true,
      examples: []),
    Operation(
      name: "get_organization", method: .get, path: "/organizations/{organizationId}",
      pathParams: [org],
      query: [
        QueryParam(
          "isLookUpOnly", .boolean, "only look up the organization's metadata when true")
      ],
      body: nil, response: .object(Models.organization), summary: "Get an organization",
      category: "organizations", requiresAuth: true, examples: []),
    Operation(
      name: "get_organization_audit_logs", method: .get,
      path: "/organizations/{organizationId}/audit-logs",
      pathParams: [org],
      query: [
        QueryParam(
          "earliest", .integer, default: "1",
          "how many days back the logs start, 1 to 90")
      ],
      body: nil, response: .gzipNDJSON,
      summary: "Get the organization's audit logs (gzip-compressed NDJSON)",
      category: "audit logs", requiresAuth: true, examples: []),
    Operation(
      name: "get_sso_bypass_key", method: .get,
      path: "/organizations/{organizationId}/sso-bypass-key",
      pathParams: [org], query: [], body: nil, response: .object(Models.ssoBypassKey),
      summary: "Get the organization's SSO bypass key", category: "sso bypass key",
      requiresAuth: true, examples: []),
    Operation(
      name: "get_sso_connection", method: .get,
      path: "/organizations/{organizationId}/sso-connections/{connectionId}",
      pathParams: [org, connection], query: [], body: nil,
      response: .object(Models.ssoConnection), summary: "Get an SSO connection",
      category: "sso connections", requiresAuth: true, examples: []),
    Operation(
      name: "list_managed_domains", method: .get, path: "/organizations/{organizationId}/domains",
      pathParams: [org], query: [], body: nil, response: .array(.object(Models.managedDomain)),
      summary: "List the organization's managed domains", category: "managed domains",
      requiresAuth: true, examples: []),
    Operation(
      name: "list_organization_auth_ids", method: .get, path: "/organizationAuthIds",
      pathParams: [],
      query: [
        QueryParam(
          "email", .text, required: true, "the user email to find organization auth ids for")
      ],
      body: nil, response: .array(.text),
      summary: "List the auth ids of the organizations an email can log in to (no token needed)",
      category: "auth ids", requiresAuth: false, examples: []),
    Operation(
      name: "list_organizations", method: .get, path: "/organizations",
      pathParams: [],
      query: [
        QueryParam("search", .text, "text to search for"),
        QueryParam(
          "trialStatus", .oneOf(["active", "all", "expired", "none"]), "filter by trial status"),
        QueryParam("supportPlan", Models.supportPlan, "filter by support plan"),
        QueryParam("product", .oneOf(["HOSTED", "HYBRID"]), "filter by product"),
        QueryParam(
          "sorts", .text, repeated: true,
          "sort keys as field:asc or field:desc (authServiceId, createdAt, id, name, product, "
            + "shortName, supportPlan, updatedAt)"),
      ],
      body: nil, response: .array(.object(Models.organization)),
      summary: "List the organizations the token can see", category: "organizations",
      requiresAuth: true, examples: []),
    Operation(
      name: "list_sso_connections", method: .get,
      path: "/organizations/{organizationId}/sso-connections",
      pathParams: [org], query: [], body: nil, response: .array(.object(Models.ssoConnection)),
      summary: "List the organization's SSO connections", category: "sso connections",
      requiresAuth: true, examples: []),
    Operation(
      name: "update_managed_domain", method: .post,
      path: "/organizations/{organizationId}/domains/{domainId}",
      pathParams: [org, domain], query: [], body: Models.updateManagedDomainRequest,
      response: .object(Models.managedDomain),
      summary: "Replace a managed domain's enforced logins", category: "managed domains",
      requiresAuth: true, examples: []),
    Operation(
      name: "update_organization", method: .post, path: "/organizations/{organizationId}",
      pathParams: [org], query: [], body: Models.updateOrganizationRequest,
      response: .object(Models.organization),
      summary: "Replace an organization's name, billing email and SCIM setting",
      category: "organizations", requiresAuth: true, examples: []),
    Operation(
      name: "update_sso_connection", method: .post,
      path: "/organizations/{organizationId}/sso-connections/{connectionId}",
      pathParams: [org, connection], query: [], body: Models.updateSsoConnectionRequest,
      response: .object(Models.ssoConnection), summary: "Replace an SSO connection's settings",
      category: "sso connections", requiresAuth: true, examples: []),
    Operation(
      name: "upsert_sso_bypass_key", method: .post,
      path: "/organizations/{organizationId}/sso-bypass-key",
      pathParams: [org], query: [], body: nil, response: .object(Models.ssoBypassKey),
      summary: "Create or rotate the organization's SSO bypass key", category: "sso bypass key",
      requiresAuth: true, examples: []),
    Operation(
      name: "validate_sso_login", method: .post, path: "/auth/post-login-callback",
      pathParams: [], query: [], body: Models.validateSsoLoginRequest,
      response: .object(Models.ssoLoginCallback),
      summary: "Validate an SSO login (the Auth0 post-login callback)", category: "sso login",
      requiresAuth: true, examples: []),
    Operation(
      name: "verify_managed_domain", method: .post,
      path: "/organizations/{organizationId}/domains/{domainId}/verify",
      pathParams: [org, domain], query: [], body: nil, response: .object(Models.managedDomain),
      summary: "Check a managed domain's DNS record; it becomes VERIFIED on success",
      category: "managed domains", requiresAuth: true, examples: []),
  ]

  private static let byName: [String: Operation] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.name, $0) })

  public static func named(_ name: String) -> Operation? { byName[name] }

  /// The operation serving a method and path (below the base URL), with its path parameters.
  public static func route(method: HTTPMethod, path: String) -> (Operation, [String: String])? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true).map {
      PercentEncoding.decode(String($0))
    }
    for op in all where op.method == method {
      if let params = op.match(segments: parts) { return (op, params) }
    }
    return nil
  }

  /// Whether some operation serves this path with another method (for 405 answers).
  public static func pathExists(_ path: String) -> Bool {
    let parts = path.split(separator: "/").map { PercentEncoding.decode(String($0)) }
    return all.contains { $0.match(segments: parts) != nil }
  }

  /// Every key whose value is a secret, in any model: masked in tables, redacted in traces.
  public static let secretKeys: Set<String> = ["bypassKey", "azureClientSecret", "samlSigningCert"]
}
