import AstroCore

/// Idle keep-alive connections, per origin, shared by every thread of the process.
///
/// The most recently used connection is handed out first (it is the least likely to have
/// been closed by the server), and each is checked before reuse: one that has sat idle too
/// long, has unread bytes, or that the server has closed is dropped instead.
final class HTTPConnectionPool: @unchecked Sendable {
  /// How many idle connections are kept per origin; more are closed when handed back.
  let maxIdlePerOrigin: Int
  /// Connections idle for longer are not reused: servers close idle connections after a
  /// while, and one closed just as a request goes out would fail that request.
  let maxIdleSeconds: Double
  private let idle = Locked<[String: [HTTPConnection]]>([:])

  init(maxIdlePerOrigin: Int, maxIdleSeconds: Double = 30) {
    self.maxIdlePerOrigin = max(1, maxIdlePerOrigin)
    self.maxIdleSeconds = maxIdleSeconds
  }

  /// A live idle connection to `key`'s origin, or nil when there is none.
  func checkOut(_ key: String) -> HTTPConnection? {
    let now = monotonicNow()
    while let connection = idle.withLock({ $0[key]?.popLast() }) {
      // A dropped connection is closed here, outside the lock, by its deinit.
      if now - connection.idleSince <= maxIdleSeconds, connection.isReusable { return connection }
    }
    return nil
  }

  /// Takes back a connection whose last response was read to its end.
  func checkIn(_ connection: HTTPConnection, _ key: String) {
    connection.idleSince = monotonicNow()
    connection.exchanges += 1
    // One over the cap is closed when the caller lets go of it, outside the lock.
    idle.withLock { all in
      guard all[key, default: []].count < maxIdlePerOrigin else { return }
      all[key, default: []].append(connection)
    }
  }

  /// How many idle connections are kept for `key` right now.
  func idleCount(_ key: String) -> Int { idle.withLock { $0[key]?.count ?? 0 } }
}
