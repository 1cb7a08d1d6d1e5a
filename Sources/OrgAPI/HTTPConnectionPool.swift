import AstroCore
import Foundation

/// Idle keep-alive connections, per origin, shared by every thread of the process.
///
/// The most recently used connection is handed out first (it is the least likely to have
/// been closed by the server). One that has sat idle too long is dropped, and one idle for
/// a while is first checked for a close from the server. The API's own origin has a list
/// of its own, so the usual request needs no hashing.
final class HTTPConnectionPool: @unchecked Sendable {
  /// How many idle connections are kept per origin; more are closed when handed back.
  let maxIdlePerOrigin: Int
  /// Connections idle for longer are not reused: servers close idle connections after a
  /// while, and one closed just as a request goes out would fail that request.
  let maxIdleSeconds: Double
  /// Connections idle for at least this long are checked for a close before reuse. One
  /// used moments ago is not: the check costs a system call, and a connection closed
  /// meanwhile is caught anyway when its answer does not come (and the request is retried).
  static let checkAfterSeconds = 1.0
  private let primary: HTTPEndpoint
  private let lock = NSLock()
  private var primaryIdle: [HTTPConnection] = []
  private var otherIdle: [String: [HTTPConnection]] = [:]

  init(primary: HTTPEndpoint, maxIdlePerOrigin: Int, maxIdleSeconds: Double = 30) {
    self.primary = primary
    self.maxIdlePerOrigin = max(1, maxIdlePerOrigin)
    self.maxIdleSeconds = maxIdleSeconds
  }

  /// A live idle connection to the endpoint's origin, or nil when there is none.
  func checkOut(_ endpoint: HTTPEndpoint) -> HTTPConnection? {
    let now = monotonicNow()
    while let connection = pop(endpoint) {
      // A dropped connection is closed here, outside the lock, by its deinit.
      let idle = now - connection.idleSince
      if idle > maxIdleSeconds { continue }
      if idle < HTTPConnectionPool.checkAfterSeconds || connection.isReusable {
        return connection
      }
    }
    return nil
  }

  /// Takes back a connection whose last response was read to its end.
  func checkIn(_ connection: HTTPConnection, _ endpoint: HTTPEndpoint) {
    let now = monotonicNow()
    connection.idleSince = now
    connection.exchanges += 1
    lock.lock()
    // One over the cap is closed when the caller lets go of it, outside the lock.
    var expired: [HTTPConnection] = []
    if endpoint === primary {
      expired = HTTPConnectionPool.prune(&primaryIdle, before: now - maxIdleSeconds)
      if primaryIdle.count < maxIdlePerOrigin { primaryIdle.append(connection) }
    } else {
      var list = otherIdle.removeValue(forKey: endpoint.poolKey) ?? []
      expired = HTTPConnectionPool.prune(&list, before: now - maxIdleSeconds)
      if list.count < maxIdlePerOrigin { list.append(connection) }
      otherIdle[endpoint.poolKey] = list
    }
    lock.unlock()
    // Closed here, after the lock is released.
    expired.removeAll()
  }

  /// Takes out the connections idle since before `cutoff`. Handed back in order, the
  /// oldest are at the front; without this, ones at the bottom of a list that is never
  /// emptied would stay open (and, once the server closes them, half-closed) for good.
  private static func prune(_ list: inout [HTTPConnection], before cutoff: Double)
    -> [HTTPConnection]
  {
    guard let first = list.first, first.idleSince < cutoff else { return [] }
    let stale = list.prefix { $0.idleSince < cutoff }
    list.removeFirst(stale.count)
    return Array(stale)
  }

  /// How many idle connections are kept for the endpoint's origin right now.
  func idleCount(_ endpoint: HTTPEndpoint) -> Int {
    lock.lock()
    defer { lock.unlock() }
    return endpoint === primary ? primaryIdle.count : otherIdle[endpoint.poolKey]?.count ?? 0
  }

  private func pop(_ endpoint: HTTPEndpoint) -> HTTPConnection? {
    lock.lock()
    defer { lock.unlock() }
    if endpoint === primary { return primaryIdle.popLast() }
    return otherIdle[endpoint.poolKey]?.popLast()
  }
}
