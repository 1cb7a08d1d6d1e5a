import AstroCore
import Foundation

/// Where plain HTTP requests go: the origin (scheme, host, port) and the path prefix that
/// every request path is appended to.
///
/// A class, so that the several requests, hops and errors that refer to it share one copy
/// rather than retaining each of its strings on every request.
final class HTTPEndpoint: Sendable {
  let scheme: String
  /// The host without IPv6 brackets, as the resolver wants it.
  let host: String
  let port: Int
  /// The path prefix without a trailing slash, e.g. `/v1alpha1`; empty for the root.
  let basePath: String
  /// How errors and traces name the server: `host`, or `host:port` when the URL named the
  /// port.
  let description: String
  /// The `Host` header: the port only when it is not the scheme's default.
  let hostHeader: String
  /// The key under which idle connections to this origin are pooled.
  let poolKey: String

  /// Reads an absolute http(s) URL; nil when it is not one.
  convenience init?(_ text: String) {
    guard let parts = URLComponents(string: text) else { return nil }
    self.init(parts)
  }

  /// `keepPath: false` drops the path: a redirect's target already holds the whole path.
  init?(_ parts: URLComponents, keepPath: Bool = true) {
    guard let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
      var host = parts.host, !host.isEmpty
    else { return nil }
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.scheme = scheme
    self.host = host
    let standardPort = scheme == "https" ? 443 : 80
    port = parts.port ?? standardPort
    var path = keepPath ? parts.percentEncodedPath : ""
    while path.hasSuffix("/") { path.removeLast() }
    basePath = path
    // Worked out once: every request needs the Host header, every error the description.
    let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
    description = parts.port == nil ? host : "\(bracketed):\(port)"
    hostHeader = port == standardPort ? bracketed : "\(bracketed):\(port)"
    poolKey = "\(host.lowercased()):\(port)"
  }

  /// Scheme, host and port: what decides whether credentials may follow a redirect.
  func sameOrigin(_ other: HTTPEndpoint) -> Bool {
    scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
  }

  /// The absolute URL of a request target (path and query) on this origin.
  func url(_ target: String) -> String { "\(scheme)://\(hostHeader)\(target)" }
}

/// A redirect's destination: where to connect and what target to ask for there.
struct RedirectTarget {
  var endpoint: HTTPEndpoint
  /// The path and query to send in the request line.
  var target: String

  /// Resolves a `Location` value against the URL that was asked for; nil when it is not
  /// a usable http(s) URL.
  init?(location: String, from endpoint: HTTPEndpoint, target: String) {
    guard let base = URL(string: endpoint.url(target)),
      let resolved = URL(string: location.trimmingSpaces, relativeTo: base)?.absoluteURL,
      let parts = URLComponents(url: resolved, resolvingAgainstBaseURL: false),
      let next = HTTPEndpoint(parts, keepPath: false)
    else { return nil }
    var full = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
    if let query = parts.percentEncodedQuery { full += "?" + query }
    self.endpoint = next
    self.target = full
  }
}
