import AstroCore

/// A lean HTTP/1.1 client for plain `http://` base URLs: the emulator, loopback and
/// internal proxies. `https://` stays with `HTTPTransport` (URLSession), which verifies
/// certificates; this client speaks no TLS at all.
///
/// It exists for speed: URLSession on Linux runs every transfer of a session through one
/// dispatch queue and a timer per request, which caps a bulk run at about a thousand
/// requests a second whatever the concurrency. Here each calling thread does its own
/// exchange on a pooled keep-alive connection, in a few system calls.
///
/// It behaves as `HTTPTransport` does: an overall deadline and an idle timeout per request,
/// Ctrl-C noticed within 50 ms, redirects followed with `Authorization` dropped when they
/// leave the origin, and errors that name the host and the cause.
public final class PlainHTTPTransport: Transport, @unchecked Sendable {
  public let configuration: HTTPTransport.Configuration
  let endpoint: HTTPEndpoint
  let bounds: HTTPLimits
  let pool: HTTPConnectionPool
  /// Redirects followed for one request before giving up.
  static let maxRedirects = 10

  /// Fails with a usage error unless the base URL is an absolute `http://` URL.
  public convenience init(configuration: HTTPTransport.Configuration) throws {
    try self.init(configuration: configuration, bounds: HTTPLimits())
  }

  init(configuration: HTTPTransport.Configuration, bounds: HTTPLimits) throws {
    guard let endpoint = HTTPEndpoint(configuration.baseURL), endpoint.scheme == "http" else {
      throw ShellError.usage(
        "invalid_api_url", "'\(configuration.baseURL)' is not an http:// URL",
        hint: "the built-in client speaks plain HTTP; https:// URLs use URLSession")
    }
    self.configuration = configuration
    self.endpoint = endpoint
    self.bounds = bounds
    pool = HTTPConnectionPool(
      primary: endpoint, maxIdlePerOrigin: configuration.maxConnectionsPerHost)
  }

  public var targetDescription: String { endpoint.description }

  public func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> APIResponse
  {
    try complete(begin(request, isCancelled: isCancelled))
  }

  /// A request written to its connection whose answer is not read yet (see `begin`).
  final class Pending: @unchecked Sendable {
    let hop: Hop
    let sent: Sent
    let limits: WaitLimits

    init(hop: Hop, sent: Sent, limits: WaitLimits) {
      self.hop = hop
      self.sent = sent
      self.limits = limits
    }

    /// The socket to wait on for the answer.
    var descriptor: Int32 { sent.connection.fd }
  }

  /// The first half of `send`: writes the request and returns at once, so that one thread
  /// can have many requests in flight and read each answer when its socket has one
  /// (`BulkRunner`). `complete` reads the answer, following redirects.
  func begin(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> Pending
  {
    let limits = WaitLimits(
      deadline: monotonicNow() + configuration.deadline, idle: configuration.idleTimeout,
      isCancelled: isCancelled)
    let hop = firstHop(request)
    return Pending(hop: hop, sent: try write(hop, limits: limits), limits: limits)
  }

  /// The error of a `begin` whose answer did not start within the idle timeout; its
  /// connection is closed when `pending` is let go.
  func idleFailure(_ pending: Pending) -> TransportError {
    failure(SocketFailure(.idle, "idle"), pending.hop.endpoint)
  }

  /// The second half of `send`: reads the answer of a `begin`, waiting for it if needed.
  func complete(_ pending: Pending) throws -> APIResponse {
    let first = try answer(to: pending.sent, pending.hop, limits: pending.limits)
    let exchange = try follow(first, from: pending.hop, limits: pending.limits)
    let body: [UInt8]
    do {
      body = try exchange.body.readAll(limits: pending.limits)
    } catch {
      throw failure(error, exchange.endpoint)
    }
    finish(exchange)
    return APIResponse(status: exchange.head.status, rawHead: exchange.head.raw, body: body)
  }

  /// Returns once the headers are in; the deadline covers only that part, and the body
  /// is then bounded by the idle timeout, because an export may rightly take long.
  public func open(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> StreamedResponse
  {
    let limits = WaitLimits(
      deadline: monotonicNow() + configuration.deadline, idle: configuration.idleTimeout,
      isCancelled: isCancelled)
    let exchange = try perform(request, limits: limits)
    let stream = BodyStream(
      exchange, transport: self,
      limits: WaitLimits(
        deadline: .infinity, idle: configuration.idleTimeout, isCancelled: isCancelled))
    return StreamedResponse(
      status: exchange.head.status, headers: exchange.head.headers,
      onClose: { stream.abandon() }, pull: { try stream.next() })
  }

  // MARK: Exchanges

  /// One response whose head has been read, with its body still on the connection.
  struct Exchange {
    var endpoint: HTTPEndpoint
    var head: ResponseHead
    var body: HTTPBodyReader
  }

  /// One request as it goes out on one hop of a redirect chain.
  struct Hop {
    var endpoint: HTTPEndpoint
    var method: String
    /// The request target: path and query.
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
  }

  private func firstHop(_ request: APIRequest) -> Hop {
    Hop(
      endpoint: endpoint, method: request.method.rawValue,
      target: endpoint.basePath + request.target, headers: request.headers, body: request.body)
  }

  /// Sends the request and follows redirects until a final answer's head is in.
  func perform(_ request: APIRequest, limits: WaitLimits) throws -> Exchange {
    let hop = firstHop(request)
    return try follow(exchange(hop, limits: limits), from: hop, limits: limits)
  }

  /// Follows redirects from the answer to `hop` until a final answer's head is in.
  private func follow(_ first: Exchange, from hop: Hop, limits: WaitLimits) throws -> Exchange {
    var hop = hop
    var exchange = first
    var redirects = 0
    while let next = try redirect(from: hop, exchange) {
      redirects += 1
      guard redirects <= PlainHTTPTransport.maxRedirects else {
        throw TransportError(
          .other, host: hop.endpoint.description,
          detail: "more than \(PlainHTTPTransport.maxRedirects) redirects")
      }
      discard(exchange, limits: limits)
      // After Ctrl-C nothing more goes out, not even the next hop of a redirect.
      if limits.isCancelled() {
        throw TransportError(.cancelled, host: next.endpoint.description, detail: "cancelled")
      }
      hop = next
      exchange = try self.exchange(hop, limits: limits)
    }
    return exchange
  }

  /// A request that went out on a connection.
  struct Sent {
    var connection: HTTPConnection
    var reused: Bool
    var bytes: [UInt8]
  }

  /// Writes one request and reads its answer's head.
  private func exchange(_ hop: Hop, limits: WaitLimits) throws -> Exchange {
    try answer(to: write(hop, limits: limits), hop, limits: limits)
  }

  /// Writes one request on a pooled connection, or a fresh one when asked or needed.
  private func write(_ hop: Hop, fresh: Bool = false, bytes: [UInt8]? = nil, limits: WaitLimits)
    throws -> Sent
  {
    let bytes = try bytes ?? HTTPRequestWriter.bytes(hop)
    let (connection, reused) = try connection(to: hop.endpoint, fresh: fresh, limits: limits)
    do {
      try connection.write(bytes, limits: limits)
    } catch let error as SocketFailure where error.kind == .closed && reused {
      return try write(hop, fresh: true, bytes: bytes, limits: limits)
    } catch {
      throw failure(error, hop.endpoint)
    }
    return Sent(connection: connection, reused: reused, bytes: bytes)
  }

  /// Reads the head of the answer to a written request. A keep-alive connection that turns
  /// out to be closed before any byte of the answer arrived is retried once on a fresh
  /// connection: the server dropped it while idle and never saw this request.
  private func answer(to sent: Sent, _ hop: Hop, limits: WaitLimits) throws -> Exchange {
    let connection = sent.connection
    do {
      let head = try ResponseHeadReader.read(connection, limits: limits, bounds: bounds)
      let framing = try BodyFraming(head: head, method: hop.method)
      let body = HTTPBodyReader(connection: connection, framing: framing, bounds: bounds)
      return Exchange(endpoint: hop.endpoint, head: head, body: body)
    } catch let error as SocketFailure
      where error.kind == .closed && sent.reused && connection.received == 0
    {
      let again = try write(hop, fresh: true, bytes: sent.bytes, limits: limits)
      return try answer(to: again, hop, limits: limits)
    } catch {
      throw failure(error, hop.endpoint)
    }
  }

  /// A pooled connection (reused) or, when there is none or `fresh` is asked for, a new one.
  private func connection(to endpoint: HTTPEndpoint, fresh: Bool, limits: WaitLimits) throws
    -> (HTTPConnection, reused: Bool)
  {
    if !fresh, let pooled = pool.checkOut(endpoint) {
      pooled.startExchange()
      return (pooled, true)
    }
    do {
      let opened = try HTTPConnection.open(host: endpoint.host, port: endpoint.port, limits: limits)
      opened.startExchange()
      return (opened, false)
    } catch {
      throw failure(error, endpoint)
    }
  }

  /// Hands the connection back when its response was read to the end and may be followed
  /// by another; otherwise it is closed when the exchange is let go.
  func finish(_ exchange: Exchange) {
    guard exchange.head.keepAlive, exchange.body.isComplete,
      exchange.body.framing != .untilClose
    else { return }
    pool.checkIn(exchange.body.connection, exchange.endpoint)
  }

  /// Reads a redirect's small body so the connection can be reused; a large or slow one
  /// is not worth it and the connection is closed instead.
  private func discard(_ exchange: Exchange, limits: WaitLimits) {
    var left = 64 << 10
    while left > 0, let piece = try? exchange.body.next(max: left, limits: limits) {
      left -= piece.count
    }
    finish(exchange)
  }

  // MARK: Redirects

  /// The next hop when the answer is a redirect with a usable `Location`, else nil.
  private func redirect(from hop: Hop, _ exchange: Exchange) throws -> Hop? {
    let status = exchange.head.status
    guard [301, 302, 303, 307, 308].contains(status),
      let location = exchange.head.header("location")
    else { return nil }
    guard let target = RedirectTarget(location: location, from: hop.endpoint, target: hop.target)
    else {
      throw TransportError(
        .other, host: hop.endpoint.description, detail: "unusable redirect to '\(location)'")
    }
    guard target.endpoint.scheme == "http" else {
      throw TransportError(
        .other, host: hop.endpoint.description,
        detail: "redirected to \(target.endpoint.scheme)://\(target.endpoint.hostHeader), which "
          + "the plain HTTP client does not follow; use that address as the API URL")
    }
    // A browser would turn a redirected POST into a GET of the new address; for an API
    // change that GET's answer would pass for the change's result. Only 307 and 308,
    // which keep the method and body, are followed; the others are the final answer,
    // which the client reports as an error.
    guard status == 307 || status == 308 || hop.method == "GET" || hop.method == "HEAD" else {
      return nil
    }
    var next = hop
    next.endpoint = target.endpoint
    next.target = target.target
    if !target.endpoint.sameOrigin(hop.endpoint) {
      next.headers.removeAll { $0.name.lowercased() == "authorization" }
    }
    return next
  }

  // MARK: Errors

  /// A transport error naming the host and the cause.
  func failure(_ error: Error, _ endpoint: HTTPEndpoint) -> TransportError {
    let host = endpoint.description
    switch error {
    case let error as TransportError:
      return error
    case let error as MalformedResponse:
      return TransportError(
        .other, host: host, detail: "the answer is not valid HTTP: \(error.why)")
    case let error as SocketFailure:
      switch error.kind {
      case .connect: return TransportError(.connectionFailed, host: host, detail: error.detail)
      case .closed, .other: return TransportError(.connectionLost, host: host, detail: error.detail)
      case .cancelled: return TransportError(.cancelled, host: host, detail: "cancelled")
      case .tooLarge: return TransportError(.other, host: host, detail: error.detail)
      case .deadline:
        return TransportError(
          .timedOut, host: host,
          detail: "no complete answer within \(RetryPolicy.seconds(configuration.deadline))")
      case .idle:
        return TransportError(
          .timedOut, host: host,
          detail: "nothing received for \(RetryPolicy.seconds(configuration.idleTimeout))")
      }
    default:
      return TransportError(.other, host: host, detail: "\(error)")
    }
  }
}

/// The body of an opened response, pulled piece by piece by the consumer's thread.
final class BodyStream: @unchecked Sendable {
  private var exchange: PlainHTTPTransport.Exchange?
  private let transport: PlainHTTPTransport
  private let limits: WaitLimits
  static let pieceSize = 64 << 10

  init(_ exchange: PlainHTTPTransport.Exchange, transport: PlainHTTPTransport, limits: WaitLimits) {
    self.exchange = exchange
    self.transport = transport
    self.limits = limits
  }

  /// The next piece, nil at the end (the connection then goes back to the pool).
  func next() throws -> [UInt8]? {
    guard let current = exchange else { return nil }
    // Checked for every piece, not only while waiting: a fast download must stop too.
    if limits.isCancelled() {
      exchange = nil
      throw ShellError.interrupted
    }
    do {
      if let piece = try current.body.next(max: BodyStream.pieceSize, limits: limits) {
        return piece
      }
    } catch let error as SocketFailure where error.kind == .cancelled {
      exchange = nil
      throw ShellError.interrupted
    } catch {
      exchange = nil
      throw transport.failure(error, current.endpoint)
    }
    exchange = nil
    transport.finish(current)
    return nil
  }

  /// The consumer stopped early: the rest of the body is not read, so the connection
  /// is closed rather than reused.
  func abandon() { exchange = nil }
}
