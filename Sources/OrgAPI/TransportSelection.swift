import AstroCore
import Foundation

/// Which HTTP client carries requests to a real server, from `ASTROSH_HTTP_CLIENT`.
public enum HTTPClientChoice: String, Sendable, CaseIterable {
  /// The built-in HTTP/1.1 client for `http://` base URLs, URLSession for `https://`.
  case automatic = "auto"
  /// URLSession for every URL: the escape hatch should the built-in client misbehave.
  case urlSession = "urlsession"

  /// Reads the variable's value; empty or missing means `auto`.
  public static func parse(_ text: String?) throws -> HTTPClientChoice {
    let value = text?.trimmingSpaces.lowercased() ?? ""
    if value.isEmpty { return .automatic }
    guard let choice = HTTPClientChoice(rawValue: value) else {
      throw ShellError.usage(
        "invalid_http_client", "ASTROSH_HTTP_CLIENT is '\(value)'", hint: "use auto or urlsession")
    }
    return choice
  }
}

extension HTTPTransport {
  /// The transport for a base URL: the built-in client for plain `http://` (unless
  /// URLSession is asked for), URLSession with TLS verification for `https://`.
  public static func make(_ configuration: Configuration, client: HTTPClientChoice) throws
    -> any Transport
  {
    if let port = URLComponents(string: configuration.baseURL)?.port, !(1...65535).contains(port) {
      throw ShellError.usage(
        "invalid_api_url",
        "the port in '\(configuration.baseURL)' is \(port); a port is 1 to 65535")
    }
    let plain = configuration.baseURL.lowercased().hasPrefix("http://")
    if plain, client == .automatic { return try PlainHTTPTransport(configuration: configuration) }
    return try HTTPTransport(configuration: configuration)
  }
}
