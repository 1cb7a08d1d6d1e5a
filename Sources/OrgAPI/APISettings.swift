import AstroCore

/// How the process's API client is set up, from the command line and the environment.
///
/// Explicit options win over the environment: `--api-url` over `ASTRO_API_URL`,
/// `--organization` over `ASTRO_ORGANIZATION_ID`. The token only ever comes from
/// `ASTRO_API_TOKEN`, so it never sits in shell history or a process listing.
public struct APISettings: Sendable {
  public var apiURL: String
  public var token: String?
  public var organization: String?
  public var trace: Bool
  public var dryRun: Bool
  public var rateLimits: RateLimits
  public var retryUnsafe: Bool
  /// The overall deadline of one request, in seconds.
  public var deadline: Double
  /// How long a request may go without receiving anything, in seconds.
  public var idleTimeout: Double = 30
  /// Which HTTP client to use, from `ASTROSH_HTTP_CLIENT`.
  public var httpClient: HTTPClientChoice = .automatic

  public init(
    apiURL: String = HTTPTransport.defaultBaseURL, token: String? = nil,
    organization: String? = nil, trace: Bool = false, dryRun: Bool = false,
    rateLimits: RateLimits = .documented, retryUnsafe: Bool = false, deadline: Double = 60
  ) {
    self.apiURL = apiURL
    self.token = token
    self.organization = organization
    self.trace = trace
    self.dryRun = dryRun
    self.rateLimits = rateLimits
    self.retryUnsafe = retryUnsafe
    self.deadline = deadline
  }

  /// Settings from the options (nil when not given) and the environment.
  /// Throws a usage error for an unreadable `--rate-limit`.
  public static func resolve(
    environment: [String: String], apiURL: String? = nil, organization: String? = nil,
    trace: Bool = false, dryRun: Bool = false, rateLimits: String? = nil,
    retryUnsafe: Bool = false, timeout: Double? = nil
  ) throws -> APISettings {
    func env(_ name: String) -> String? {
      guard let v = environment[name]?.trimmingSpaces, !v.isEmpty else { return nil }
      return v
    }
    var settings = APISettings(
      apiURL: apiURL ?? env("ASTRO_API_URL") ?? HTTPTransport.defaultBaseURL,
      token: env("ASTRO_API_TOKEN"), organization: organization ?? env("ASTRO_ORGANIZATION_ID"),
      trace: trace, dryRun: dryRun,
      rateLimits: try rateLimits.map(RateLimits.parse) ?? .documented, retryUnsafe: retryUnsafe)
    // A token pasted with a line break inside (or any control character) could never be
    // sent in a header; say so up front, without the token, instead of failing each
    // request with a hint about the network.
    if let token = settings.token,
      token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
    {
      throw ShellError.usage(
        "invalid_token", "ASTRO_API_TOKEN contains a line break or another control character",
        hint: "set it to the token alone, e.g. export ASTRO_API_TOKEN=\"$(cat token.txt)\"")
    }
    settings.httpClient = try HTTPClientChoice.parse(env("ASTROSH_HTTP_CLIENT"))
    if let timeout {
      // The whole request gets twice the silence allowed: time to connect, send and read.
      settings.idleTimeout = timeout
      settings.deadline = 2 * timeout
    }
    return settings
  }
}

extension APIClient {
  /// The client for a real server at `settings.apiURL`: URLSession for https, the built-in
  /// client for plain http. Throws a usage error when the URL is not an http(s) URL.
  public static func live(_ settings: APISettings) throws -> APIClient {
    let transport = try HTTPTransport.make(
      .init(
        baseURL: settings.apiURL, deadline: settings.deadline, idleTimeout: settings.idleTimeout),
      client: settings.httpClient)
    return APIClient(configuration(settings, transport: transport, token: settings.token))
  }

  /// The client over another transport, such as the in-process emulator (`Sandbox`).
  /// Without a token one is made up, since the sandbox accepts any.
  public static func over(_ transport: any Transport, _ settings: APISettings) -> APIClient {
    APIClient(configuration(settings, transport: transport, token: settings.token ?? "sandbox"))
  }

  private static func configuration(
    _ settings: APISettings, transport: any Transport, token: String?
  ) -> Configuration {
    Configuration(
      transport: transport, token: token, rateLimits: settings.rateLimits,
      retry: RetryPolicy(retryUnsafe: settings.retryUnsafe), dryRun: settings.dryRun,
      trace: settings.trace, defaultOrganization: settings.organization)
  }
}
