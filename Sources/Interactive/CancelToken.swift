import AstroCore

/// Tells a running command that the user pressed Ctrl-C. Thread-safe: the shell cancels
/// it from the initial thread while the command polls it from its worker thread.
///
/// A command that waits on something it cannot poll (an HTTP request in flight) registers
/// a handler with `onCancel` to abort that wait.
public final class CancelToken: Sendable {
  private struct State {
    var cancelled = false
    var nextID = 0
    var handlers: [Int: @Sendable () -> Void] = [:]
  }

  private let state = Locked(State())

  public init() {}

  /// True once `cancel()` was called.
  public var isCancelled: Bool { state.withLock { $0.cancelled } }

  /// Cancels and runs every registered handler once, on the calling thread.
  public func cancel() {
    let handlers = state.withLock { state -> [@Sendable () -> Void] in
      guard !state.cancelled else { return [] }
      state.cancelled = true
      defer { state.handlers.removeAll() }
      return state.handlers.sorted { $0.key < $1.key }.map(\.value)
    }
    for handler in handlers { handler() }
  }

  /// Runs `handler` when the token is cancelled, or at once if it already is. Returns an
  /// id for `removeHandler`, or nil when the handler already ran.
  @discardableResult
  public func onCancel(_ handler: @escaping @Sendable () -> Void) -> Int? {
    let id = state.withLock { state -> Int? in
      guard !state.cancelled else { return nil }
      state.nextID += 1
      state.handlers[state.nextID] = handler
      return state.nextID
    }
    if id == nil { handler() }
    return id
  }

  /// Forgets a handler that is no longer needed (the request finished).
  public func removeHandler(_ id: Int) {
    state.withLock { _ = $0.handlers.removeValue(forKey: id) }
  }
}
