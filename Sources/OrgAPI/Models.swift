/// The models of the Organization API wire contract, key for key.
///
/// Keys are camelCase except inside the Auth0 post-login event, whose keys are snake_case.
public enum Models {
  public static let enforcedLogin = Schema.oneOf(["sso", "password", "google", "github"])
  public static let domainStatus = Schema.oneOf(["PENDING", "VERIFIED"])
  public static let strategy = Schema.oneOf(["samlp", "waad"])
  public static let supportPlan = Schema.oneOf([
    "INTERNAL", "POV", "TRIAL", "BASIC", "STANDARD", "PREMIUM", "BUSINESS_CRITICAL",
  ])

  public static let basicSubjectProfile = Model(
    "BasicSubjectProfile",
    [
      Field("apiTokenName", .text), Field("avatarUrl", .text), Field("fullName", .text),
      Field("id", .text, required: true), Field("subjectType", .oneOf(["USER", "SERVICEKEY"])),
      Field("username", .text),
    ])

  public static let entitlement = Model(
    "Entitlement",
    [
      Field("enabled", .boolean, required: true),
      Field(
        "requiredTier", .oneOf(["TRIAL", "BASIC", "STANDARD", "PREMIUM", "BUSINESS_CRITICAL"]),
        required: true),
    ])

  public static let managedDomain = Model(
    "ManagedDomain",
    [
      Field("createdAt", .dateTime, required: true),
      Field("enforcedLogins", .list(.text)),
      Field("id", .text, required: true),
      Field("name", .text, required: true),
      Field("organizationId", .text, required: true),
      Field("status", domainStatus, required: true),
      Field("updatedAt", .dateTime, required: true),
    ])

  public static let organization = Model(
    "Organization",
    [
      Field("authServiceId", .text, required: true),
      Field("billingEmail", .text),
      Field("createdAt", .dateTime, required: true),
      Field("createdBy", .text),
      Field("createdBySubject", .object(basicSubjectProfile)),
      Field("domains", .list(.text)),
      Field("entitlements", .map(.object(entitlement))),
      Field("id", .text, required: true),
      Field("isAzureManaged", .boolean),
      Field("isScimEnabled", .boolean, required: true),
      Field("managedDomains", .list(.object(managedDomain))),
      Field("metronomeId", .text),
      Field("metronomePlanId", .text),
      Field("name", .text, required: true),
      Field(
        "paymentMethod",
        .oneOf([
          "CREDIT_CARD", "INVOICE", "AWS_MARKETPLACE", "AZURE_MARKETPLACE", "GCP_MARKETPLACE",
        ])),
      Field("product", .oneOf(["HOSTED", "HYBRID"])),
      Field("salesforceId", .text),
      Field("shortName", .text, required: true),
      Field("status", .oneOf(["ACTIVE", "INACTIVE", "SUSPENDED"])),
      Field("stripeId", .text),
      Field("stripePaymentMethodId", .text),
      Field("supportPlan", supportPlan, required: true),
      Field("trialExpiresAt", .dateTime),
      Field("updatedAt", .dateTime, required: true),
      Field("updatedBy", .text),
      Field("updatedBySubject", .object(basicSubjectProfile)),
      Field("usesCustomMetronomePlan", .boolean),
    ])

  public static let createOrganizationRequest = Model(
    "CreateOrganizationRequest",
    [
      Field("metadata", .freeform),
      Field("name", .string(StringRule(maxLength: 50)), required: true),
    ])

  public static let updateOrganizationRequest = Model(
    "UpdateOrganizationRequest",
    [
      Field("billingEmail", .text, required: true),
      Field("isScimEnabled", .boolean, required: true),
      Field("name", .string(StringRule(maxLength: 50)), required: true),
    ])

  public static let createManagedDomainRequest = Model(
    "CreateManagedDomainRequest",
    [Field("enforcedLogins", .list(enforcedLogin)), Field("name", .text, required: true)])

  public static let updateManagedDomainRequest = Model(
    "UpdateManagedDomainRequest", [Field("enforcedLogins", .list(enforcedLogin), required: true)])

  public static let ssoConnectionConfig = Model(
    "SsoConnectionConfig",
    [
      Field("azureClientId", .text),
      Field("azureClientSecret", .text, secret: true),
      Field("azureDomainName", .text),
      Field("samlSignInUrl", .text),
      Field("samlSignOutUrl", .text),
      Field("samlSigningCert", .text, secret: true),
      Field("strategy", strategy, required: true),
    ])

  public static let workspaceRole = Model(
    "WorkspaceRole",
    [Field("workspaceId", .text, required: true), Field("workspaceRole", .text, required: true)])

  public static let jitPolicy = Model(
    "JitPolicy",
    [
      Field("defaultOrgRole", .text, required: true),
      Field("defaultWorkspaceRoles", .list(.object(workspaceRole))),
    ])

  public static let ssoConnectionManagedDomain = Model(
    "SsoConnectionManagedDomain",
    [Field("id", .text, required: true), Field("name", .text, required: true)])

  public static let ssoConnection = Model(
    "SsoConnection",
    [
      Field("auth0ConnectionId", .text, required: true),
      Field("auth0ConnectionName", .text, required: true),
      Field("configuration", .object(ssoConnectionConfig), required: true),
      Field("enabled", .boolean, required: true),
      Field("id", .text, required: true),
      Field("jitPolicy", .object(jitPolicy)),
      Field("managedDomains", .list(.object(managedDomain)), required: true),
      Field("organizationId", .text, required: true),
    ])

  public static let createSsoConnectionRequest = Model(
    "CreateSsoConnectionRequest",
    [
      Field("auth0ConnectionName", .string(StringRule(minLength: 3)), required: true),
      Field("configuration", .object(ssoConnectionConfig), required: true),
      Field("idpInitiatedLoginEnabled", .boolean),
      Field("jitPolicy", .object(jitPolicy)),
      Field(
        "managedDomains", .list(.object(ssoConnectionManagedDomain), minItems: 1), required: true),
    ])

  public static let updateSsoConnectionRequest = Model(
    "UpdateSsoConnectionRequest",
    [
      Field("configuration", .object(ssoConnectionConfig), required: true),
      Field("enabled", .boolean, required: true),
      Field("idpInitiatedLoginEnabled", .boolean, required: true),
      Field("jitPolicy", .object(jitPolicy)),
      Field(
        "managedDomains", .list(.object(ssoConnectionManagedDomain), minItems: 1), required: true),
    ])

  public static let ssoBypassKey = Model(
    "SsoBypassKey",
    [
      Field("bypassKey", .text, secret: true),
      Field("createdAt", .text),
      Field("deletedAt", .text),
      Field("orgShortName", .text),
      Field("organizationId", .text, required: true),
      Field("organizationShortName", .text),
      Field("updatedAt", .text),
    ])

  public static let error = Model(
    "Error",
    [
      Field("message", .text, required: true),
      Field("requestId", .text, required: true),
      Field("statusCode", .integer, required: true),
    ])
}
