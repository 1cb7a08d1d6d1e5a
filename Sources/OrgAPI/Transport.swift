import AstroCore

/// One HTTP request of the Organization API, relative to the base URL.
public struct APIRequest: Sendable {
  public var method: HTTPMethod
  /// The path below the base URL, already percent-encoded, e.g. `/organizations/o1/domains`.
  public var path: String
  /// Query items in order; a repeated parameter appears once per value.
  public var query: [(name: String, value: String)]
  /// Header names as sent; lookups are case-insensitive.
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]?

  public init(
    method: HTTPMethod, path: String, query: [(name: String, value: String)] = [],
    headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// The path with its query string, percent-encoded.
  public var target: String {
    guard !query.isEmpty else { return path }
    let q = query.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
    return path + "?" + q.joined(separator: "&")
  }
}

/// The answer to an `APIRequest`.
public struct APIResponse: Sendable {
  public var status: Int
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }
}

/// Why a request got no HTTP answer at all.
public struct TransportError: Error, Sendable {
  public enum Reason: Sendable, Equatable {
    case connectionFailed
    case timedOut
    case cancelled
    case tls
    case other
  }

  public var reason: Reason
  /// The host the request was for, named in every message.
  public var host: String
  public var detail: String

  public init(_ reason: Reason, host: String, detail: String) {
    self.reason = reason
    self.host = host
    self.detail = detail
  }
}

/// Something that carries API requests: URLSession to a real server, or the in-process
/// emulator. The client above it (retries, rate limits, dry run, trace) is the same for
/// both, so the sandbox exercises the exact code path of production.
public protocol Transport: Sendable {
  /// Sends one request and waits for its answer. `isCancelled` is polled so that Ctrl-C
  /// can abandon a request in flight; the transport then throws `.cancelled`.
  func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> APIResponse
  /// What the user is talking to, for prompts and traces: `sandbox` or a host name.
  var targetDescription: String { get }
}
