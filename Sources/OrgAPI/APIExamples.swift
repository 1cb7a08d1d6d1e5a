import AstroCore

/// The examples `help` shows for each API builtin. They run in the test suite against a
/// fresh sandbox (the emulator's demo seed: organization `demo-org`, five domains of
/// which three are PENDING, one SAML connection), and where `result` is given the shown
/// result is checked exactly, so help never shows a broken call.
enum APIExamples {
  static func examples(for name: String) -> [Example] { table[name] ?? [] }

  static let org = "demo-org"
  static let verified1 = "cldemodom0000000000000001"
  static let pending1 = "cldemodom0000000000000003"
  static let connection = "cldemosso0000000000000001"

  static let table: [String: [Example]] = [
    "create_managed_domain": [
      Example(
        "Add a domain with flags; it starts PENDING",
        "create_managed_domain \(org) --name new.example.com --enforced-logins sso,password"
          + " | select name status enforcedLogins",
        result:
          #"{"name":"new.example.com","status":"PENDING","enforcedLogins":["sso","password"]}"#),
      Example(
        "Pass the body as a record",
        #"create_managed_domain \#(org) {name: "b.example.com"} | get status"#,
        result: #""PENDING""#),
    ],
    "create_organization": [
      Example(
        "Create an organization; its short name is derived from the name",
        #"create_organization --name "Acme Labs" | select name shortName isScimEnabled"#,
        result: #"{"name":"Acme Labs","shortName":"acmelabs","isScimEnabled":false}"#)
    ],
    "create_sso_connection": [
      Example(
        "Connect Entra ID over a verified domain; the client secret is never echoed",
        """
        create_sso_connection \(org) {
          auth0ConnectionName: "demo-entra",
          configuration: {strategy: "waad", azureClientId: "c1", azureClientSecret: "s3cret",
            azureDomainName: "verified-2.example.com"},
          managedDomains: [{id: "cldemodom0000000000000002", name: "verified-2.example.com"}],
        } | select auth0ConnectionName enabled configuration
        """,
        result: #"{"auth0ConnectionName":"demo-entra","enabled":false,"configuration":"#
          + #"{"strategy":"waad","azureClientId":"c1","azureDomainName":"verified-2.example.com"}}"#
      )
    ],
    "delete_managed_domain": [
      Example(
        "Delete one domain", "delete_managed_domain \(org) cldemodom0000000000000005",
        result: "null"),
      Example(
        "Delete every pending domain, one request per piped record",
        #"list_managed_domains \#(org) | where status == "PENDING" | delete_managed_domain | length"#,
        result: "3"),
    ],
    "delete_sso_bypass_key": [
      Example(
        "Create a key, then delete it through the pipeline",
        "upsert_sso_bypass_key \(org) | delete_sso_bypass_key", result: "null")
    ],
    "delete_sso_connection": [
      Example(
        "Delete a connection by id", "delete_sso_connection \(org) \(connection)", result: "null"),
      Example(
        "Delete every connection", "list_sso_connections \(org) | delete_sso_connection | length",
        result: "1"),
    ],
    "get_managed_domain": [
      Example(
        "Get a domain by id", "get_managed_domain \(org) \(verified1)",
        result: #"{"createdAt":"2024-05-01T09:00:00Z","enforcedLogins":["sso"],"#
          + #""id":"cldemodom0000000000000001","name":"verified-1.example.com","#
          + #""organizationId":"cldemoorg0000000000000001","status":"VERIFIED","#
          + #""updatedAt":"2024-05-01T09:00:00Z"}"#),
      Example(
        "Leave the organization out once a default is set",
        "use_organization \(org); get_managed_domain \(pending1) | get status",
        result: #""PENDING""#),
    ],
    "get_organization": [
      Example(
        "Get an organization by id or short name",
        "get_organization \(org) | select name shortName supportPlan",
        result: #"{"name":"Demo Organization","shortName":"demo-org","supportPlan":"STANDARD"}"#)
    ],
    "get_organization_audit_logs": [
      Example(
        "Count the events of the last week",
        "get_organization_audit_logs \(org) --earliest 7 | length",
        result: "2"),
      Example(
        "Filter the records as they stream in",
        #"get_organization_audit_logs \#(org) --earliest 90 | where method == "POST" | length"#,
        result: "3"),
    ],
    "get_sso_bypass_key": [
      Example(
        "Read the key of the organization a piped record names",
        "upsert_sso_bypass_key \(org) | get_sso_bypass_key | get organizationShortName",
        result: #""demo-org""#)
    ],
    "get_sso_connection": [
      Example(
        "Get a connection by id",
        "get_sso_connection \(org) \(connection) | select auth0ConnectionName enabled",
        result: #"{"auth0ConnectionName":"demo-org-saml","enabled":true}"#),
      Example(
        "The domains come back as full records",
        "get_sso_connection \(org) \(connection) | get managedDomains.0.name",
        result: #""verified-1.example.com""#),
    ],
    "list_managed_domains": [
      Example(
        "The names of the pending domains",
        #"list_managed_domains \#(org) | where status == "PENDING" | each { $it.name }"#,
        result: #"["pending-1.example.com","pending-2.example.com","pending-3.example.com"]"#),
      Example("Count the domains", "list_managed_domains \(org) | length", result: "5"),
    ],
    "list_organization_auth_ids": [
      Example(
        "Which organizations an email can log in to (no token needed)",
        "list_organization_auth_ids --email ada@verified-1.example.com",
        result: #"["org_demoorg000000001"]"#),
      Example(
        "A pending domain does not count",
        "list_organization_auth_ids --email ada@pending-1.example.com", result: "[]"),
    ],
    "list_organizations": [
      Example(
        "The short names of the organizations the token sees",
        "list_organizations | each { $it.shortName }", result: #"["demo-org"]"#),
      Example(
        "Search and sort", "list_organizations --search demo --sorts name:asc | length",
        result: "1"),
    ],
    "list_sso_connections": [
      Example(
        "The connection names", "list_sso_connections \(org) | each { $it.auth0ConnectionName }",
        result: #"["demo-org-saml"]"#)
    ],
    "update_managed_domain": [
      Example(
        "Replace the enforced logins",
        "update_managed_domain \(org) \(verified1) --enforced-logins sso,google"
          + " | get enforcedLogins",
        result: #"["sso","google"]"#)
    ],
    "update_organization": [
      Example(
        "Rename and turn SCIM on; all three fields are required",
        "update_organization \(org) --name \"Demo Org\" --billing-email billing@demo-org.example.com"
          + " --is-scim-enabled | select name isScimEnabled",
        result: #"{"name":"Demo Org","isScimEnabled":true}"#),
      Example(
        "The body as a record",
        #"update_organization \#(org) {name: "Demo", billingEmail: "b@demo-org.example.com", "#
          + #"isScimEnabled: false} | get name"#,
        result: #""Demo""#),
    ],
    "update_sso_connection": [
      Example(
        "Read, change one setting, write back: the piped connection fills the body",
        "get_sso_connection \(org) \(connection)"
          + " | update_sso_connection --idp-initiated-login-enabled | get enabled",
        result: "true"),
      Example(
        "The whole body as a record",
        """
        update_sso_connection \(org) \(connection) {
          configuration: {strategy: "samlp", samlSignInUrl: "https://idp.example.com/saml/sso"},
          enabled: false, idpInitiatedLoginEnabled: false,
          managedDomains: [{id: "\(verified1)", name: "verified-1.example.com"}],
        } | get enabled
        """,
        result: "false"),
    ],
    "upsert_sso_bypass_key": [
      Example(
        "Create or rotate the key; traces and dry runs never show it",
        "upsert_sso_bypass_key \(org) | get organizationShortName", result: #""demo-org""#)
    ],
    "validate_sso_login": [
      Example(
        "A user of a domain with an enabled SSO connection is let in, with claims",
        #"validate_sso_login {event: {connection: {strategy: "samlp"}, "#
          + #"user: {email: "ada@verified-1.example.com"}}} | get idTokenClaims.ssoConnection"#,
        result: #""demo-org-saml""#),
      Example(
        "Anyone else is denied, with a reason",
        #"validate_sso_login {event: {connection: {strategy: "samlp"}, "#
          + #"user: {email: "bob@elsewhere.example"}}} | get deny.reason"#,
        result: #""DOMAIN_NOT_MANAGED""#),
    ],
    "verify_managed_domain": [
      Example(
        "Verify one domain", "verify_managed_domain \(org) \(pending1) | get status",
        result: #""VERIFIED""#),
      Example(
        "Verify every pending domain, concurrently within the rate limits",
        #"list_managed_domains \#(org) | where status == "PENDING" | verify_managed_domain"#
          + " | each { $it.status }",
        result: #"["VERIFIED","VERIFIED","VERIFIED"]"#),
    ],
    "use_organization": [
      Example(
        "Set the default, then leave the organization out",
        "use_organization \(org); list_managed_domains | length", result: "5")
    ],
  ]
}
