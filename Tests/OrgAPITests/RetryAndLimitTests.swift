import AstroCore
import Foundation
import Testing

@testable import OrgAPI

@Suite struct RateLimiterTests {
  @Test func pacesEachMethodAtItsRate() {
    let clock = VirtualClock()
    let limiter = RateLimiter(limits: .documented, clock: clock.clock)
    let gets = (0..<4).map { _ in limiter.reserve(.get) }
    #expect(gets.map { ($0 * 1000).rounded() } == [0, 100, 200, 300])
    // POSTs have their own bucket at 5/s.
    let posts = (0..<3).map { _ in limiter.reserve(.post) }
    #expect(posts.map { ($0 * 1000).rounded() } == [0, 200, 400])
  }

  @Test func burstLetsSomeThroughAtOnce() {
    let clock = VirtualClock()
    let limits = RateLimits(get: 10, post: 5, delete: 5, burst: 3)
    let limiter = RateLimiter(limits: limits, clock: clock.clock)
    let waits = (0..<5).map { _ in limiter.reserve(.get) }
    #expect(waits.map { ($0 * 1000).rounded() } == [0, 0, 0, 100, 200])
  }

  @Test func acquireSleepsOnTheClock() throws {
    let clock = VirtualClock()
    let limiter = RateLimiter(limits: .documented, clock: clock.clock)
    for _ in 0..<11 { try limiter.acquire(.get) }
    #expect(abs(clock.elapsed - 1.0) < 1e-9)
  }

  @Test func holdOffDelaysEveryone() {
    let clock = VirtualClock()
    let limiter = RateLimiter(limits: .unlimited, clock: clock.clock)
    #expect(limiter.reserve(.post) == 0)
    limiter.holdOff(.post, for: 2)
    #expect(limiter.reserve(.post) == 2)
    #expect(limiter.reserve(.get) == 0)
  }

  @Test func isSharedSafelyByThreads() {
    let limiter = RateLimiter(limits: RateLimits(get: 1000, post: 5, delete: 5))
    let waits = Locked<[Double]>([])
    DispatchQueue.concurrentPerform(iterations: 200) { _ in
      let w = limiter.reserve(.get)
      waits.withLock { $0.append(w) }
    }
    // Every reservation got its own slot: the slots are 1 ms apart, none shared.
    let sorted = waits.current.sorted()
    #expect(sorted.count == 200)
    #expect(sorted.last! >= 0.195)
  }

  @Test(arguments: [
    ("get=10,post=5,delete=5", RateLimits.documented),
    ("off", RateLimits.unlimited),
    ("post=2", RateLimits(get: 10, post: 2, delete: 5)),
    ("all=20, burst=4", RateLimits(get: 20, post: 20, delete: 20, burst: 4)),
    ("get=off", RateLimits(get: nil, post: 5, delete: 5)),
  ])
  func parsesSpecs(spec: String, expected: RateLimits) throws {
    #expect(try RateLimits.parse(spec) == expected)
  }

  @Test(arguments: ["fast", "get=-1", "put=3", "burst=0", "get=1,get=2", "burst=2,burst=3"])
  func rejectsBadSpecs(spec: String) {
    #expect(throws: ShellError.self) { try RateLimits.parse(spec) }
  }
}

@Suite struct RetryPolicyTests {
  let policy = RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxBackoff: 8, random: { 0.5 })
  let now = Date(timeIntervalSince1970: 1_700_000_000)

  @Test(arguments: [408, 429, 502, 503, 504])
  func retriesTransientStatusesOnGet(status: Int) {
    #expect(
      policy.decide(.status(status, retryAfter: nil), attempt: 1, method: .get)
        != .giveUp(note: nil))
  }

  @Test(arguments: [400, 401, 403, 404, 409, 500])
  func doesNotRetryOtherStatuses(status: Int) {
    #expect(
      policy.decide(.status(status, retryAfter: nil), attempt: 1, method: .get)
        == .giveUp(note: nil))
  }

  @Test func backoffDoublesWithJitter() {
    // Equal jitter with random 0.5: three quarters of the full step.
    #expect(policy.backoff(attempt: 1) == 0.375)
    #expect(policy.backoff(attempt: 2) == 0.75)
    #expect(policy.backoff(attempt: 3) == 1.5)
    #expect(policy.backoff(attempt: 10) == 6)
  }

  @Test func honoursRetryAfterSeconds() {
    let d = policy.decide(.status(429, retryAfter: "3"), attempt: 1, method: .get, now: now)
    guard case .retry(let after) = d else { return #expect(Bool(false), "expected a retry") }
    #expect(after >= 3 && after < 3.4)
  }

  @Test func honoursRetryAfterDate() {
    let header = HTTPDate.format(now.addingTimeInterval(5))
    let d = policy.decide(.status(503, retryAfter: header), attempt: 1, method: .get, now: now)
    guard case .retry(let after) = d else { return #expect(Bool(false), "expected a retry") }
    #expect(after >= 5 && after < 5.6)
  }

  @Test func retryAfterPastTheCapSaysHowLong() {
    let d = policy.decide(.status(429, retryAfter: "120"), attempt: 1, method: .get, now: now)
    #expect(
      d
        == .giveUp(
          note: "the server asked to wait 120 s before retrying, longer than the 60 s this client "
            + "waits"))
  }

  @Test func givesUpAfterTheLastAttempt() {
    #expect(
      policy.decide(.status(503, retryAfter: nil), attempt: 4, method: .get)
        == .giveUp(note: "gave up after 4 attempts"))
  }

  @Test func postIsNotReplayedWhenTheServerMayHaveActed() {
    for failure: RetryPolicy.Failure in [
      .status(503, retryAfter: nil), .status(502, retryAfter: nil),
      .transport(.timedOut), .transport(.connectionLost),
    ] {
      guard case .giveUp(let note?) = policy.decide(failure, attempt: 1, method: .post) else {
        Issue.record("POST was retried after \(failure)")
        continue
      }
      #expect(note.contains("--retry-unsafe"))
    }
  }

  @Test func postIsReplayedWhenTheServerCannotHaveActed() {
    for failure: RetryPolicy.Failure in [
      .status(429, retryAfter: nil), .status(408, retryAfter: nil), .transport(.connectionFailed),
    ] {
      guard case .retry = policy.decide(failure, attempt: 1, method: .post) else {
        Issue.record("POST was not retried after \(failure)")
        continue
      }
    }
  }

  @Test func retryUnsafeReplaysPosts() {
    var p = policy
    p.retryUnsafe = true
    guard case .retry = p.decide(.status(503, retryAfter: nil), attempt: 1, method: .post) else {
      return #expect(Bool(false), "expected a retry")
    }
  }

  @Test(arguments: [
    ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
    ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777.0),
    ("Sun Nov  6 08:49:37 1994", 784_111_777.0),
  ])
  func parsesTheThreeHTTPDateForms(text: String, epoch: Double) {
    #expect(HTTPDate.parse(text)?.timeIntervalSince1970 == epoch)
  }

  @Test func unreadableRetryAfterIsIgnored() {
    #expect(RetryPolicy.parseRetryAfter("soon") == nil)
    #expect(RetryPolicy.parseRetryAfter(" 7 ") == 7)
  }
}
