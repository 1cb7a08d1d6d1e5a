import AstroCore
import OrgAPI

/// Misbehaviour the emulator is told to show, so that retries, rate limiting and bulk error
/// handling can be tested against something real.
///
/// Set from `astrosh serve` flags, from `EmulatorEngine.setFaults`, or mid-run through the
/// control endpoint `POST /_emulator/faults`, whose JSON form is `json`:
///
///     {"rateLimits": {"POST": 5}, "failShare": 0.1, "failStatus": 503,
///      "failNth": [{"method": "POST", "nth": [3, 5], "status": 500}],
///      "latencyMs": {"*": 50, "GET": 10}, "dropShare": 0.02,
///      "dropNth": [{"method": "DELETE", "nth": [1]}],
///      "failVerify": ["*.fail.example.com"], "seed": 7}
///
/// Every key is optional; `{}` means no faults. Faults never apply to the control endpoint.
public struct FaultConfig: Sendable, Equatable {
  /// Requests per second allowed for each method, as a token bucket holding one second's
  /// worth (at least one request). Over the limit, the answer is 429 with `Retry-After`.
  public var rateLimits: [HTTPMethod: Double]
  /// The share (0...1) of requests answering `failStatus`, drawn from a seeded generator.
  public var failShare: Double
  /// The status of `failShare` failures: 500 or 503 (any 5xx is accepted).
  public var failStatus: Int
  /// Explicit requests that fail, such as "the 3rd and 5th POST".
  public var failNth: [NthRule]
  /// Milliseconds added before answering requests of every method.
  public var latencyAllMs: Int
  /// Milliseconds added per method; overrides `latencyAllMs` for that method.
  public var latencyMs: [HTTPMethod: Int]
  /// The share (0...1) of requests whose connection is closed without an answer.
  public var dropShare: Double
  /// Explicit requests whose connection is closed without an answer.
  public var dropNth: [NthRule]
  /// Domain-name patterns (`*` matches any run of characters) whose verification fails:
  /// the domain stays PENDING and verify answers 400.
  public var failVerify: [String]
  /// The seed of the generator behind `failShare` and `dropShare`.
  public var seed: UInt64

  public init(
    rateLimits: [HTTPMethod: Double] = [:], failShare: Double = 0, failStatus: Int = 503,
    failNth: [NthRule] = [], latencyAllMs: Int = 0, latencyMs: [HTTPMethod: Int] = [:],
    dropShare: Double = 0, dropNth: [NthRule] = [], failVerify: [String] = [], seed: UInt64 = 1
  ) {
    self.rateLimits = rateLimits
    self.failShare = failShare
    self.failStatus = failStatus
    self.failNth = failNth
    self.latencyAllMs = latencyAllMs
    self.latencyMs = latencyMs
    self.dropShare = dropShare
    self.dropNth = dropNth
    self.failVerify = failVerify
    self.seed = seed
  }

  /// No faults at all.
  public static let none = FaultConfig()

  /// The most latency that may be injected, ten minutes: more would only look like a hang.
  /// Flags and the control endpoint share it.
  public static let maxLatencyMs = 600_000

  /// The latency to add to a request of `method`.
  public func latency(for method: HTTPMethod) -> Int { latencyMs[method] ?? latencyAllMs }

  /// Whether verifying the domain `name` must fail.
  public func verificationFails(for name: String) -> Bool {
    failVerify.contains { Glob.matches(pattern: $0.lowercased(), name.lowercased()) }
  }
}

/// Requests picked by their ordinal among the requests of one method (or of all methods),
/// counted from 1 since the faults were last set.
public struct NthRule: Sendable, Equatable {
  /// The method counted; nil counts every request.
  public var method: HTTPMethod?
  public var ordinals: [Int]
  /// The status answered (for failures; drops have none).
  public var status: Int

  public init(method: HTTPMethod?, ordinals: [Int], status: Int = 500) {
    self.method = method
    self.ordinals = ordinals
    self.status = status
  }
}

/// Shell-style `*` patterns, for `failVerify`.
enum Glob {
  static func matches(pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8)
    let t = Array(text.utf8)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count, p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
  }
}
