import Foundation

/// A small typed registry through which layers hand services to builtins without the
/// language depending on them (the API client is registered by the executable).
public final class Services: @unchecked Sendable {
  private let lock = NSLock()
  private var table: [ObjectIdentifier: Any] = [:]

  public init() {}

  public func register<T>(_ service: T, as type: T.Type = T.self) {
    lock.lock()
    defer { lock.unlock() }
    table[ObjectIdentifier(type)] = service
  }

  public func get<T>(_ type: T.Type) -> T? {
    lock.lock()
    defer { lock.unlock() }
    return table[ObjectIdentifier(type)] as? T
  }
}

/// A thread-safe box; `NSLock` rather than `Mutex` because the latter trips ThreadSanitizer
/// on Linux (see docs/development.md).
public final class Locked<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: T

  public init(_ value: T) { self.value = value }

  public func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }

  public var current: T { withLock { $0 } }
}
