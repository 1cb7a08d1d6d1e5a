import Foundation
import OrgAPI

/// The emulator in process: a `Transport` that answers from an `EmulatorEngine` instead of
/// the network, so `astrosh --sandbox` runs the exact client code of production.
///
/// Injected latency is waited out in short slices while `isCancelled` is polled, so Ctrl-C
/// abandons a slow request at once (the call then never runs); a dropped-connection fault
/// throws `TransportError.connectionLost`, as URLSession does when a server hangs up.
public final class Sandbox: Transport {
  public let engine: EmulatorEngine
  /// The token sent for requests that carry no `Authorization` header; nil sends none, so
  /// the engine answers 401 as the real API would.
  public let defaultToken: String?

  public var targetDescription: String { "sandbox" }

  /// The name of the kept state (see `EmulatorEngine.instanceId`), nil for a sandbox in
  /// memory; a journal is bound to it.
  public var stateInstanceId: String? { engine.instanceId }

  /// How often cancellation is checked while injected latency runs.
  static let pollInterval: TimeInterval = 0.005

  public init(engine: EmulatorEngine, defaultToken: String? = nil) {
    self.engine = engine
    self.defaultToken = defaultToken
  }

  /// A sandbox over a fresh engine: the demo seed, or the state kept in `stateFile`.
  public convenience init(
    stateFile: String? = nil, faults: FaultConfig = .none, defaultToken: String? = "sandbox"
  ) throws(StateFileError) {
    let engine = try EmulatorEngine(
      options: EmulatorEngine.Options(stateFile: stateFile, faults: faults))
    self.init(engine: engine, defaultToken: defaultToken)
  }

  public func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> APIResponse
  {
    try reply(to: request, isCancelled: isCancelled).collected()
  }

  /// Streams the audit-log download block by block, so a million records never sit in
  /// memory whole; other answers arrive as one chunk.
  public func open(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> StreamedResponse
  {
    let reply = try reply(to: request, isCancelled: isCancelled)
    let response = reply.response
    guard let stream = reply.stream else {
      var delivered = false
      return StreamedResponse(status: response.status, headers: response.headers) {
        if delivered || response.body.isEmpty { return nil }
        delivered = true
        return response.body
      }
    }
    return StreamedResponse(status: response.status, headers: response.headers) {
      if isCancelled() { throw self.cancelled() }
      var block = [UInt8](repeating: 0, count: 64 * 1024)
      let n = block.withUnsafeMutableBytes { stream.read(into: $0) }
      return n == 0 ? nil : Array(block[0..<n])
    }
  }

  private func reply(to request: APIRequest, isCancelled: @Sendable () -> Bool) throws
    -> EngineReply
  {
    var request = request
    if let defaultToken, request.header("Authorization") == nil {
      request.headers.append(("Authorization", "Bearer \(defaultToken)"))
    }
    if isCancelled() { throw cancelled() }
    let admission = engine.admit(request)
    try wait(milliseconds: admission.latencyMs, isCancelled: isCancelled)
    switch admission.action {
    case .reply(let reply):
      return reply
    case .drop:
      // The same reason URLSession reports when a server closes without answering.
      throw TransportError(
        .connectionLost, host: targetDescription,
        detail: "the emulator closed the connection without answering (an injected fault)")
    case .execute(let call):
      return engine.execute(call)
    }
  }

  private func wait(milliseconds: Int, isCancelled: @Sendable () -> Bool) throws {
    guard milliseconds > 0 else { return }
    let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
    while true {
      if isCancelled() { throw cancelled() }
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { return }
      Thread.sleep(forTimeInterval: min(left, Self.pollInterval))
    }
  }

  private func cancelled() -> TransportError {
    TransportError(.cancelled, host: targetDescription, detail: "the request was cancelled")
  }
}
