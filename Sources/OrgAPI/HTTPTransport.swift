import AstroCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The transport to a real server: URLSession (libcurl underneath on Linux), used
/// synchronously because the interpreter is synchronous and bulk work runs on threads.
///
/// Three Linux traps are handled here rather than left to URLSession: the overall
/// deadline is enforced by this class (`timeoutIntervalForResource` is ignored), the
/// per-connection cap is raised (it defaults to 6), and a session-level redirect hook
/// strips `Authorization` before a redirect to another origin (the per-task hook is never
/// called, and the header would otherwise follow).
public final class HTTPTransport: Transport, @unchecked Sendable {
  public struct Configuration: Sendable {
    /// The API base, e.g. `https://api.astronomer.io/v1alpha1`; paths are appended to it.
    public var baseURL: String
    /// The most a whole request may take, from sending to the last byte of the answer.
    public var deadline: Double
    /// The most the connection may stay silent.
    public var idleTimeout: Double
    public var maxConnectionsPerHost: Int

    public init(
      baseURL: String = HTTPTransport.defaultBaseURL, deadline: Double = 60,
      idleTimeout: Double = 30, maxConnectionsPerHost: Int = 32
    ) {
      self.baseURL = baseURL
      self.deadline = deadline
      self.idleTimeout = idleTimeout
      self.maxConnectionsPerHost = maxConnectionsPerHost
    }
  }

  public static let defaultBaseURL = "https://api.astronomer.io/v1alpha1"

  public let configuration: Configuration
  private let base: String
  /// `host` or `host:port`, named in every network error.
  public let hostDescription: String
  /// Made on the first request: setting up URLSession costs a few milliseconds of start-up
  /// that a script which never calls the API should not pay.
  private let sessionBox = Locked<URLSession?>(nil)
  private let tasks: SessionTasks

  /// Fails with a usage error when the base URL is not an absolute http(s) URL.
  public init(configuration: Configuration = Configuration()) throws {
    self.configuration = configuration
    var base = configuration.baseURL
    while base.hasSuffix("/") { base.removeLast() }
    guard let url = URL(string: base), let scheme = url.scheme?.lowercased(),
      scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty
    else {
      throw ShellError.usage(
        "invalid_api_url", "'\(configuration.baseURL)' is not an http or https URL",
        hint: "for example https://api.astronomer.io/v1alpha1")
    }
    self.base = base
    hostDescription = url.port.map { "\(host):\($0)" } ?? host
    tasks = SessionTasks()
  }

  deinit { sessionBox.current?.invalidateAndCancel() }

  private var session: URLSession {
    sessionBox.withLock { box in
      if let session = box { return session }
      let config = URLSessionConfiguration.ephemeral
      config.httpMaximumConnectionsPerHost = configuration.maxConnectionsPerHost
      config.timeoutIntervalForRequest = configuration.idleTimeout
      config.requestCachePolicy = .reloadIgnoringLocalCacheData
      config.urlCache = nil
      config.httpCookieStorage = nil
      config.httpShouldSetCookies = false
      let queue = OperationQueue()
      // Serial, so the chunks of one body arrive in order.
      queue.maxConcurrentOperationCount = 1
      let session = URLSession(configuration: config, delegate: tasks, delegateQueue: queue)
      box = session
      return session
    }
  }

  public var targetDescription: String { hostDescription }

  public func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> APIResponse
  {
    let (task, box) = try start(request, streaming: false)
    let deadline = Date().addingTimeInterval(configuration.deadline)
    try wait(task, box, isCancelled: isCancelled, deadline: deadline) { $0.finished }
    if let error = box.error { throw transportError(error) }
    guard let response = box.response else {
      throw TransportError(.other, host: hostDescription, detail: "no HTTP response")
    }
    return APIResponse(
      status: response.statusCode, headers: headers(of: response), body: box.takeAll())
  }

  /// Returns once the headers are in; the deadline covers only that part, and the body
  /// is then bounded by the idle timeout, because an export may rightly take long.
  public func open(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> StreamedResponse
  {
    let (task, box) = try start(request, streaming: true)
    let deadline = Date().addingTimeInterval(configuration.deadline)
    try wait(task, box, isCancelled: isCancelled, deadline: deadline) {
      $0.response != nil || $0.finished
    }
    if let error = box.error, box.response == nil { throw transportError(error) }
    guard let response = box.response else {
      throw TransportError(.other, host: hostDescription, detail: "no HTTP response")
    }
    return StreamedResponse(
      status: response.statusCode, headers: headers(of: response),
      onClose: { task.cancel() },
      pull: { [self] in
        let next = try box.nextChunk(isCancelled: isCancelled, task: task)
        if case .failure(let error) = next { throw transportError(error) }
        return try next.get()
      })
  }

  private func start(_ request: APIRequest, streaming: Bool) throws -> (
    URLSessionDataTask, TaskBox
  ) {
    guard let url = URL(string: base + request.target) else {
      throw TransportError(.other, host: hostDescription, detail: "invalid request path")
    }
    var urlRequest = URLRequest(url: url)
    urlRequest.httpMethod = request.method.rawValue
    urlRequest.timeoutInterval = configuration.idleTimeout
    for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
    if let body = request.body { urlRequest.httpBody = Data(body) }
    let task = session.dataTask(with: urlRequest)
    let box = TaskBox(streaming: streaming)
    tasks.register(box, for: task.taskIdentifier)
    task.resume()
    return (task, box)
  }

  /// Waits until `done` holds, polling for Ctrl-C and the deadline.
  private func wait(
    _ task: URLSessionTask, _ box: TaskBox, isCancelled: () -> Bool, deadline: Date,
    until done: (TaskBox) -> Bool
  ) throws {
    box.cond.lock()
    defer { box.cond.unlock() }
    while !done(box) {
      if isCancelled() {
        task.cancel()
        throw TransportError(.cancelled, host: hostDescription, detail: "cancelled")
      }
      if Date() >= deadline {
        task.cancel()
        throw TransportError(
          .timedOut, host: hostDescription,
          detail: "no complete answer within \(RetryPolicy.seconds(configuration.deadline))")
      }
      _ = box.cond.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
    }
  }

  private func headers(of response: HTTPURLResponse) -> [(name: String, value: String)] {
    response.allHeaderFields.compactMap { key, value in
      guard let name = key as? String else { return nil }
      return (name, "\(value)")
    }
  }

  /// Maps a URLSession error to a transport error naming the host and the cause.
  func transportError(_ error: Error) -> TransportError {
    if error is BodyTooLarge {
      return TransportError(.other, host: hostDescription, detail: APIResponse.tooLargeDetail)
    }
    let ns = error as NSError
    let detail = (ns.userInfo[NSLocalizedDescriptionKey] as? String) ?? ns.localizedDescription
    let reason: TransportError.Reason
    switch ns.code {
    case NSURLErrorCancelled: reason = .cancelled
    case NSURLErrorTimedOut: reason = .timedOut
    case NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed,
      NSURLErrorNotConnectedToInternet:
      reason = .connectionFailed
    case NSURLErrorNetworkConnectionLost, NSURLErrorBadServerResponse:
      reason = .connectionLost
    case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted,
      NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateHasUnknownRoot,
      NSURLErrorServerCertificateNotYetValid, NSURLErrorClientCertificateRejected:
      reason = .tls
    default:
      // libcurl's own failures arrive as code -1 with curl's text.
      let lower = detail.lowercased()
      if lower.contains("ssl") || lower.contains("certificate") {
        reason = .tls
      } else if ["transfer closed", "recv failure", "empty reply", "connection reset"].contains(
        where: lower.contains)
      {
        reason = .connectionLost
      } else if lower.contains("couldn't connect") || lower.contains("could not resolve") {
        reason = .connectionFailed
      } else {
        reason = .other
      }
    }
    var cause = TransportText.cause(detail)
    // curl's text repeats the host and adds a timing; say what it means instead.
    if reason == .connectionFailed, cause.lowercased().hasSuffix("couldn't connect to server") {
      cause = "the connection was refused or the host is unreachable"
    }
    return TransportError(reason, host: hostDescription, detail: cause)
  }
}

/// Short, lower-case causes for network errors.
enum TransportText {
  static func cause(_ detail: String) -> String {
    var text = detail.trimmingCharacters(in: .whitespacesAndNewlines)
    while text.hasSuffix(".") { text.removeLast() }
    guard let first = text.first else { return "unknown cause" }
    return first.lowercased() + text.dropFirst()
  }
}
