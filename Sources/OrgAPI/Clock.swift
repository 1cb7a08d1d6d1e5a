import AstroCore
import Foundation

/// Time as the client sees it: a monotonic reading and a way to wait.
///
/// Tests substitute a virtual clock so that rate limits and backoff are checked without
/// real waiting.
public struct APIClock: Sendable {
  /// Seconds on a monotonic scale.
  public var now: @Sendable () -> Double
  /// Blocks the calling thread for about this many seconds.
  public var sleep: @Sendable (Double) -> Void

  public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) -> Void) {
    self.now = now
    self.sleep = sleep
  }

  /// The real clock.
  public static let system = APIClock(
    now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
    sleep: { seconds in if seconds > 0 { Thread.sleep(forTimeInterval: seconds) } })

  /// Waits `seconds`, in short slices so that Ctrl-C is noticed promptly.
  public func pause(_ seconds: Double, isCancelled: () -> Bool) throws {
    let end = now() + seconds
    while true {
      if isCancelled() { throw ShellError.interrupted }
      let left = end - now()
      if left <= 0 { return }
      sleep(min(left, 0.05))
    }
  }
}

/// A clock that only moves when someone sleeps on it, for tests of timing logic.
public final class VirtualClock: @unchecked Sendable {
  private let time = Locked(0.0)
  /// Every sleep requested, in order.
  public let sleeps = Locked<[Double]>([])

  public init() {}

  public var clock: APIClock {
    APIClock(
      now: { [time] in time.current },
      sleep: { [time, sleeps] seconds in
        sleeps.withLock { $0.append(seconds) }
        time.withLock { $0 += max(0, seconds) }
      })
  }

  public var elapsed: Double { time.current }
}
