extension Models {
  public static let eventClient = Model(
    "EventClient", [Field("client_id", .text), Field("metadata", .freeform), Field("name", .text)])

  public static let eventConnection = Model(
    "EventConnection",
    [
      Field("id", .text), Field("metadata", .freeform), Field("name", .text),
      Field("strategy", .text, required: true),
    ])

  public static let eventOrganization = Model(
    "EventOrganization",
    [
      Field("display_name", .text), Field("id", .text), Field("metadata", .freeform),
      Field("name", .text),
    ])

  public static let eventRequest = Model(
    "EventRequest",
    [
      Field("body", .freeform), Field("geoip", .freeform), Field("hostname", .text),
      Field("ip", .text), Field("language", .text), Field("method", .text),
      Field("query", .freeform), Field("user_agent", .text),
    ])

  public static let eventUser = Model(
    "EventUser",
    [
      Field("app_metadata", .freeform), Field("created_at", .text), Field("email", .text),
      Field("email_verified", .boolean), Field("family_name", .text), Field("given_name", .text),
      Field("identities", .list(.freeform)), Field("last_password_reset", .text),
      Field("multifactor", .list(.text)), Field("name", .text), Field("nickname", .text),
      Field("phone_number", .text), Field("phone_verified", .boolean), Field("picture", .text),
      Field("updated_at", .text), Field("user_id", .text), Field("user_metadata", .freeform),
      Field("username", .text),
    ])

  public static let postLoginEvent = Model(
    "PostLoginEvent",
    [
      Field("client", .object(eventClient)),
      Field("connection", .object(eventConnection), required: true),
      Field("organization", .object(eventOrganization)),
      Field("request", .object(eventRequest)),
      Field("transaction", .freeform),
      Field("user", .object(eventUser), required: true),
    ])

  public static let validateSsoLoginRequest = Model(
    "ValidateSsoLoginRequest", [Field("event", .object(postLoginEvent), required: true)])

  public static let ssoLoginDeny = Model(
    "SsoLoginDeny",
    [
      Field("connections", .list(.text)), Field("message", .text, required: true),
      Field("reason", .text, required: true),
    ])

  public static let ssoLoginCallback = Model(
    "SsoLoginCallback",
    [
      Field("accessTokenClaims", .map(.text)), Field("deny", .object(ssoLoginDeny)),
      Field("idTokenClaims", .map(.text)), Field("userMetaData", .freeform),
    ])
}
