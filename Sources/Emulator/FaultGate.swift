import AstroCore
import Foundation
import OrgAPI

/// What the fault gate decided for one request.
enum FaultDecision: Equatable {
  case pass
  /// Over the method's rate limit: 429 with `Retry-After` seconds.
  case rateLimited(retryAfter: Int, perSecond: Double)
  case fail(status: Int)
  case drop
}

/// The running side of `FaultConfig`: token buckets, per-method request counters and the
/// seeded generator. Setting a new configuration restarts all three, so "the 3rd POST"
/// counts from the moment the faults were set.
final class FaultGate: Sendable {
  private struct Bucket {
    var tokens: Double
    var updated: UInt64
  }

  private struct GateState {
    var config: FaultConfig
    var buckets: [HTTPMethod: Bucket] = [:]
    var counts: [HTTPMethod: Int] = [:]
    var total = 0
    var random: UInt64
    /// No faults at all: the common case skips every step below.
    let idle: Bool

    init(_ config: FaultConfig) {
      self.config = config
      random = config.seed
      idle = config == .none
    }

    /// The next draw in [0, 1), SplitMix64 stepping.
    mutating func draw() -> Double {
      random &+= 0x9E37_79B9_7F4A_7C15
      return Double(Identifiers.mix(random) >> 11) / Double(1 << 53)
    }
  }

  private let state: Locked<GateState>

  init(_ config: FaultConfig) { state = Locked(GateState(config)) }

  var config: FaultConfig { state.withLock { $0.config } }

  func set(_ config: FaultConfig) { state.withLock { $0 = GateState(config) } }

  /// Decides the fate of one API request and the latency to add before answering. `now`
  /// is a monotonic clock in nanoseconds.
  func admit(method: HTTPMethod, now: UInt64 = DispatchTime.now().uptimeNanoseconds)
    -> (decision: FaultDecision, latencyMs: Int)
  {
    state.withLock { s in
      if s.idle { return (.pass, 0) }
      return (Self.decide(&s, method: method, now: now), s.config.latency(for: method))
    }
  }

  /// The decision alone, for tests that replay the seeded sequence.
  func decide(method: HTTPMethod, now: UInt64 = DispatchTime.now().uptimeNanoseconds)
    -> FaultDecision
  {
    admit(method: method, now: now).decision
  }

  private static func decide(_ s: inout GateState, method: HTTPMethod, now: UInt64)
    -> FaultDecision
  {
    if let limit = s.config.rateLimits[method],
      let wait = take(&s.buckets, method, limit: limit, now: now)
    {
      return .rateLimited(retryAfter: wait, perSecond: limit)
    }
    s.total += 1
    s.counts[method, default: 0] += 1
    let ordinal = s.counts[method, default: 0]
    let total = s.total
    func picked(_ rule: NthRule) -> Bool {
      rule.ordinals.contains(rule.method == nil ? total : rule.method == method ? ordinal : -1)
    }
    if s.config.dropNth.contains(where: picked) { return .drop }
    if let rule = s.config.failNth.first(where: picked) { return .fail(status: rule.status) }
    if s.config.dropShare > 0, s.draw() < s.config.dropShare { return .drop }
    if s.config.failShare > 0, s.draw() < s.config.failShare {
      return .fail(status: s.config.failStatus)
    }
    return .pass
  }

  /// Takes a token from the method's bucket; returns nil on success, or the whole seconds
  /// until a token will be there.
  private static func take(
    _ buckets: inout [HTTPMethod: Bucket], _ method: HTTPMethod, limit: Double, now: UInt64
  ) -> Int? {
    let capacity = max(1, limit)
    var bucket = buckets[method] ?? Bucket(tokens: capacity, updated: now)
    let elapsed = Double(now &- bucket.updated) / 1e9
    bucket.tokens = min(capacity, bucket.tokens + elapsed * limit)
    bucket.updated = now
    defer { buckets[method] = bucket }
    if bucket.tokens >= 1 {
      bucket.tokens -= 1
      return nil
    }
    return max(1, Int(((1 - bucket.tokens) / limit).rounded(.up)))
  }
}
