import AstroCore

/// Requests per second allowed per HTTP method; nil means no limit.
public struct RateLimits: Sendable, Equatable {
  public var get: Double?
  public var post: Double?
  public var delete: Double?
  /// How many requests may go back to back before pacing starts. One means evenly spaced,
  /// which keeps a server-side bucket of the same rate from ever running dry.
  public var burst: Int

  public init(get: Double?, post: Double?, delete: Double?, burst: Int = 1) {
    self.get = get
    self.post = post
    self.delete = delete
    self.burst = max(1, burst)
  }

  /// The documented per-token limits of the Organization API.
  public static let documented = RateLimits(get: 10, post: 5, delete: 5)
  public static let unlimited = RateLimits(get: nil, post: nil, delete: nil)

  public func rate(for method: HTTPMethod) -> Double? {
    switch method {
    case .get: return get
    case .post: return post
    case .delete: return delete
    }
  }

  /// Reads `get=10,post=5,delete=5`, `all=20`, `burst=3` or `off`; methods left out keep
  /// the documented limit, and `off` (or 0) lifts a limit.
  public static func parse(_ spec: String) throws -> RateLimits {
    var limits = RateLimits.documented
    let trimmed = spec.trimmingCharacters(in: .whitespaces).lowercased()
    if ["off", "none", "unlimited"].contains(trimmed) { return .unlimited }
    var named: Set<String> = []
    for part in trimmed.split(separator: ",") {
      let pair = part.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard pair.count == 2 else { throw invalid(spec, "'\(part)' is not NAME=RATE") }
      // `get=1,get=2` is a typo either way; which one was meant cannot be told.
      guard named.insert(pair[0]).inserted else {
        throw invalid(spec, "'\(pair[0])' is given twice")
      }
      if pair[0] == "burst" {
        guard let n = Int(pair[1]), n >= 1 else { throw invalid(spec, "burst must be 1 or more") }
        limits.burst = n
        continue
      }
      let rate: Double?
      if ["off", "none", "0"].contains(pair[1]) {
        rate = nil
      } else if let r = Double(pair[1]), r > 0, r.isFinite {
        rate = r
      } else {
        throw invalid(spec, "'\(pair[1])' is not a positive number, or 'off' (or 0) for none")
      }
      switch pair[0] {
      case "get": limits.get = rate
      case "post": limits.post = rate
      case "delete": limits.delete = rate
      case "all", "*":
        limits.get = rate
        limits.post = rate
        limits.delete = rate
      default: throw invalid(spec, "unknown method '\(pair[0])'; use get, post, delete or all")
      }
    }
    return limits
  }

  private static func invalid(_ spec: String, _ why: String) -> ShellError {
    ShellError.usage(
      "invalid_rate_limit", "invalid rate limit '\(spec)': \(why)",
      hint: "for example get=10,post=5,delete=5 or off")
  }
}

/// Client-side token buckets, one per method, shared by every thread of the process.
///
/// Each bucket keeps the theoretical arrival time of the next request (the GCRA form of a
/// token bucket): a caller reserves the next slot under the lock, then sleeps outside it,
/// so concurrent callers queue up in order without holding the lock while they wait.
public final class RateLimiter: @unchecked Sendable {
  public let limits: RateLimits
  private let clock: APIClock
  /// One bucket per method, in the order of `slot(_:)`; nil until first used.
  private let buckets = Locked<[Bucket?]>([nil, nil, nil])

  private struct Bucket {
    /// When the next request is due under the rate.
    var next: Double
    /// No request before this time: the server asked us to back off.
    var holdUntil: Double
  }

  public init(limits: RateLimits, clock: APIClock = .system) {
    self.limits = limits
    self.clock = clock
  }

  /// Waits until a request of this method may go; throws when cancelled while waiting.
  public func acquire(_ method: HTTPMethod, isCancelled: () -> Bool = { false }) throws {
    let wait = reserve(method)
    if wait > 0 { try clock.pause(wait, isCancelled: isCancelled) }
  }

  /// Books the next slot and returns how long the caller must wait for it.
  public func reserve(_ method: HTTPMethod) -> Double {
    let rate = limits.rate(for: method)
    let now = clock.now()
    let slot = Self.slot(method)
    return buckets.withLock { all in
      var b = all[slot] ?? Bucket(next: now, holdUntil: now)
      defer { all[slot] = b }
      let earliest = max(now, b.holdUntil)
      guard let rate else { return earliest - now }
      let interval = 1 / rate
      let tolerance = Double(limits.burst - 1) * interval
      let due = max(b.next, earliest)
      b.next = due + interval
      return max(earliest, due - tolerance) - now
    }
  }

  /// Keeps every caller of this method waiting at least `seconds` from now, after the
  /// server answered 429 with a Retry-After.
  public func holdOff(_ method: HTTPMethod, for seconds: Double) {
    let now = clock.now()
    let slot = Self.slot(method)
    buckets.withLock { all in
      var b = all[slot] ?? Bucket(next: now, holdUntil: now)
      b.holdUntil = max(b.holdUntil, now + seconds)
      all[slot] = b
    }
  }

  private static func slot(_ method: HTTPMethod) -> Int {
    switch method {
    case .get: return 0
    case .post: return 1
    case .delete: return 2
    }
  }
}
