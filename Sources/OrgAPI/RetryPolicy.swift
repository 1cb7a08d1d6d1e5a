import Foundation

/// When and how long to wait before sending a request again.
///
/// Retried: 429, 408, 502, 503, 504 and transport failures. A POST is replayed only when
/// the server cannot have acted on it (429, 408, a refused connection) unless the user
/// opted in, because creates are not idempotent and a replay could make a duplicate.
public struct RetryPolicy: Sendable {
  /// Attempts in all, the first one included.
  public var maxAttempts: Int
  /// The first backoff; each retry doubles it up to `maxBackoff`.
  public var baseDelay: Double
  public var maxBackoff: Double
  /// The longest Retry-After honoured; a longer one fails the call and says how long the
  /// server asked to wait.
  public var maxRetryAfter: Double
  /// Replay POSTs after a server error or a timeout too.
  public var retryUnsafe: Bool
  /// A number in 0..<1 for jitter; injectable so tests are deterministic.
  public var random: @Sendable () -> Double

  public init(
    maxAttempts: Int = 5, baseDelay: Double = 0.5, maxBackoff: Double = 8,
    maxRetryAfter: Double = 60, retryUnsafe: Bool = false,
    random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
  ) {
    self.maxAttempts = max(1, maxAttempts)
    self.baseDelay = baseDelay
    self.maxBackoff = maxBackoff
    self.maxRetryAfter = maxRetryAfter
    self.retryUnsafe = retryUnsafe
    self.random = random
  }

  public static let retryableStatuses: Set<Int> = [408, 429, 502, 503, 504]

  /// What went wrong with one attempt.
  public enum Failure: Sendable {
    case status(Int, retryAfter: String?)
    case transport(TransportError.Reason)
  }

  public enum Decision: Sendable, Equatable {
    case retry(after: Double)
    /// Do not retry; `note` explains why when it is not obvious (appended to the error).
    case giveUp(note: String?)
  }

  /// Decides about `failure` on attempt number `attempt` (1 for the first try).
  public func decide(
    _ failure: Failure, attempt: Int, method: HTTPMethod, now: Date = Date()
  ) -> Decision {
    guard isRetryable(failure) else { return .giveUp(note: nil) }
    if method == .post, !retryUnsafe, !serverDidNotAct(failure) {
      return .giveUp(
        note: "not retried: the server may have acted on this POST (pass --retry-unsafe to "
          + "replay it)")
    }
    if case .status(_, let header?) = failure,
      let asked = RetryPolicy.parseRetryAfter(header, now: now)
    {
      if asked > maxRetryAfter {
        return .giveUp(
          note: "the server asked to wait \(RetryPolicy.seconds(asked)) before retrying, "
            + "longer than the \(RetryPolicy.seconds(maxRetryAfter)) this client waits")
      }
      guard attempt < maxAttempts else { return .giveUp(note: exhausted) }
      // A little jitter on top spreads out threads that were all told the same time.
      return .retry(after: asked + random() * min(1, asked * 0.1 + 0.05))
    }
    guard attempt < maxAttempts else { return .giveUp(note: exhausted) }
    return .retry(after: backoff(attempt: attempt))
  }

  /// Exponential backoff with "equal jitter": half fixed, half random.
  public func backoff(attempt: Int) -> Double {
    let full = min(maxBackoff, baseDelay * pow(2, Double(max(0, attempt - 1))))
    return full / 2 + random() * full / 2
  }

  private var exhausted: String { "gave up after \(maxAttempts) attempts" }

  private func isRetryable(_ failure: Failure) -> Bool {
    switch failure {
    case .status(let code, _): return RetryPolicy.retryableStatuses.contains(code)
    case .transport(let reason):
      return [.connectionFailed, .connectionLost, .timedOut].contains(reason)
    }
  }

  /// Answers that prove the request was not processed: rate limited, the server timed
  /// out reading it, or no connection was ever made.
  private func serverDidNotAct(_ failure: Failure) -> Bool {
    switch failure {
    case .status(let code, _): return code == 429 || code == 408
    case .transport(let reason): return reason == .connectionFailed
    }
  }

  /// Reads a Retry-After value: delta-seconds or an HTTP date. Nil when unreadable.
  public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
    let text = value.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(text), seconds.isFinite { return max(0, seconds) }
    guard let date = HTTPDate.parse(text) else { return nil }
    return max(0, date.timeIntervalSince(now))
  }

  static func seconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
  }
}

/// HTTP dates (RFC 9110): the IMF-fixdate form and the two obsolete forms.
public enum HTTPDate {
  private static let formats = [
    "EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy",
  ]

  public static func parse(_ text: String) -> Date? {
    for format in formats {
      let f = DateFormatter()
      f.locale = Locale(identifier: "en_US_POSIX")
      f.timeZone = TimeZone(identifier: "GMT")
      f.dateFormat = format
      if let d = f.date(from: text) { return d }
    }
    return nil
  }

  public static func format(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "GMT")
    f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return f.string(from: date)
  }
}
