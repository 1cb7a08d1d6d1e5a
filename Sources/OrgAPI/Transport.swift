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
  /// The most a whole (not streamed) answer may hold. None of the API's lists is
  /// paginated, but even a very large organization's list of domains or connections is
  /// a few megabytes; a body beyond this is a broken server or proxy, and reading it
  /// into memory (where its parsed values take ten times as much again) could take the
  /// machine down. The audit logs stream and have no limit.
  public static let maxBodySize = 64 << 20

  /// The text of the error for an answer over `maxBodySize`.
  static var tooLargeDetail: String {
    "the answer is larger than \(maxBodySize >> 20) MB, far more than any answer of this "
      + "API; it was not read to the end"
  }

  public var status: Int
  public var body: [UInt8]
  private var fields: HeaderFields

  public var headers: [(name: String, value: String)] {
    get { fields.list }
    set { fields = .list(newValue) }
  }

  public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.body = body
    fields = .list(headers)
  }

  /// An answer whose header fields are split out of `rawHead` only if someone asks.
  init(status: Int, rawHead: [UInt8], body: [UInt8]) {
    self.status = status
    self.body = body
    fields = .rawHead(rawHead)
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }
}

/// The header fields of an answer: a list, or the bytes of an HTTP head as received
/// (split on demand; see `ResponseHead`).
private enum HeaderFields: Sendable {
  case list([(name: String, value: String)])
  case rawHead([UInt8])

  var list: [(name: String, value: String)] {
    switch self {
    case .list(let fields): return fields
    case .rawHead(let bytes): return ResponseHeadReader.fields(of: bytes)
    }
  }
}

/// Why a request got no HTTP answer at all.
public struct TransportError: Error, Sendable {
  public enum Reason: Sendable, Equatable {
    /// No connection was made (refused, unknown host): the server saw nothing.
    case connectionFailed
    /// The connection broke after the request was sent: the server may have acted.
    case connectionLost
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

  /// A one-line message naming the host and the cause.
  public var message: String {
    switch reason {
    case .connectionFailed: return "cannot connect to \(host): \(detail)"
    case .connectionLost: return "the connection to \(host) was lost: \(detail)"
    case .timedOut: return "\(host) did not answer in time: \(detail)"
    case .cancelled: return "the request to \(host) was cancelled"
    case .tls: return "secure connection to \(host) failed: \(detail)"
    case .other: return "request to \(host) failed: \(detail)"
    }
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
  /// Sends one request and returns as soon as the status and headers are in, with the
  /// body still arriving; for large downloads (the audit logs) that should not be held
  /// in memory whole.
  func open(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> StreamedResponse
  /// What the user is talking to, for prompts and traces: `sandbox` or a host name.
  var targetDescription: String { get }
}

extension Transport {
  /// Transports that have the whole body at once stream it as a single chunk.
  public func open(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> StreamedResponse
  {
    let response = try send(request, isCancelled: isCancelled)
    var delivered = false
    return StreamedResponse(status: response.status, headers: response.headers) {
      if delivered || response.body.isEmpty { return nil }
      delivered = true
      return response.body
    }
  }
}

/// A response whose body is read chunk by chunk.
public final class StreamedResponse: @unchecked Sendable {
  public let status: Int
  public let headers: [(name: String, value: String)]
  private let pull: () throws -> [UInt8]?
  private let onClose: () -> Void

  /// `pull` returns the next chunk, nil at the end, or throws when the body broke off.
  public init(
    status: Int, headers: [(name: String, value: String)],
    onClose: @escaping () -> Void = {}, pull: @escaping () throws -> [UInt8]?
  ) {
    self.status = status
    self.headers = headers
    self.pull = pull
    self.onClose = onClose
  }

  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// The next chunk of the body, or nil once it is complete.
  public func next() throws -> [UInt8]? { try pull() }

  /// Reads the rest of the body into memory (for small answers such as errors).
  public func readAll(limit: Int = 16 << 20) throws -> [UInt8] {
    var out: [UInt8] = []
    while let chunk = try next() {
      out += chunk
      if out.count >= limit { break }
    }
    return out
  }

  /// Stops the transfer early; the consumer no longer wants the rest.
  public func close() { onClose() }
}
