import AstroCore
import Foundation
import OrgAPI

/// The Organization API as an in-memory, thread-safe state machine: one engine behind
/// both the in-process `Sandbox` and the HTTP server of `astrosh serve`.
///
/// A request goes through two steps so that injected latency can be waited out by the
/// transport (polling for cancellation, or suspending the HTTP connection) before any work
/// is done: `admit` routes, authenticates and applies faults; `execute` runs the operation.
/// `respond` does both at once, ignoring latency.
public final class EmulatorEngine: Sendable {
  /// How an engine starts.
  public struct Options: Sendable {
    /// When set, the only bearer token accepted; otherwise any non-empty token is.
    public var token: String?
    /// A JSON file holding the whole state, loaded at start and rewritten atomically after
    /// every mutating call.
    public var stateFile: String?
    public var faults: FaultConfig
    /// Synthetic audit events for the demo organization, for load tests.
    public var syntheticAuditEvents: Int
    /// The wall clock; tests pin it.
    public var clock: @Sendable () -> Date

    public init(
      token: String? = nil, stateFile: String? = nil, faults: FaultConfig = .none,
      syntheticAuditEvents: Int = 0, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
      self.token = token
      self.stateFile = stateFile
      self.faults = faults
      self.syntheticAuditEvents = syntheticAuditEvents
      self.clock = clock
    }
  }

  let options: Options
  let gate: FaultGate
  private let state: Locked<EmulatorState>
  private let requestSerial: Locked<UInt64>
  private let store: StateFile?

  /// Starts from the state file when one is given and exists, otherwise from the demo seed.
  public init(options: Options = Options()) throws(StateFileError) {
    self.options = options
    gate = FaultGate(options.faults)
    store = options.stateFile.map(StateFile.init(path:))
    let now = options.clock()
    var initial = DemoSeed.state(now: now)
    if let store {
      let claimed = try store.claim()
      do throws(StateFileError) {
        if let loaded = try store.load() {
          initial = loaded
        }
        // A new file, or one written before states had names, gets its name saved now:
        // a journal bound to a name only held in memory would be refused on the next run.
        if initial.instanceId == nil {
          initial.instanceId = EmulatorState.newInstanceId()
          try store.save(initial)
        }
      } catch {
        // Nothing is left beside a file that could not be used.
        if claimed { store.release() }
        throw error
      }
    }
    if options.syntheticAuditEvents > 0 {
      initial.synthetic = SyntheticAudit(
        count: options.syntheticAuditEvents, organizationId: DemoSeed.organizationId,
        anchor: Timestamp.truncate(now))
    }
    requestSerial = Locked(initial.lastRequestSerial)
    state = Locked(initial)
  }

  // MARK: Requests

  /// Routes, authenticates and applies faults; no state changes yet.
  public func admit(_ request: APIRequest, client: ClientInfo = .inProcess) -> Admission {
    let requestId = nextRequestId()
    if request.path == "/_emulator" || request.path.hasPrefix("/_emulator/") {
      return Admission(latencyMs: 0, action: .reply(control(request, requestId: requestId)))
    }
    guard let (op, params) = Operations.route(method: request.method, path: request.path) else {
      let failure =
        Operations.pathExists(request.path)
        ? APIFailure(
          status: 405,
          message: "Method not allowed: \(request.method.rawValue) is not served on "
            + "\(request.path)")
        : APIFailure.notFound("no operation is served at \(request.path)")
      return Admission(latencyMs: 0, action: .reply(Replies.error(failure, requestId: requestId)))
    }
    var subject = Identifiers.hash("anonymous")
    if op.requiresAuth {
      switch authenticate(request) {
      case .success(let s): subject = s
      case .failure(let failure):
        return Admission(
          latencyMs: 0, action: .reply(Replies.error(failure, requestId: requestId)))
      }
    }
    let call = PendingCall(
      operation: op, params: params, request: request, client: client, requestId: requestId,
      tokenHash: subject)
    return applyFaults(to: call)
  }

  /// Runs an admitted call: validates its input, changes the state, records the audit
  /// event and saves the state file.
  public func execute(_ call: PendingCall) -> EngineReply {
    let op = call.operation
    let now = Timestamp.truncate(options.clock())
    let input = Result { () throws(APIFailure) -> EmulatorCall in
      EmulatorCall(
        operation: op, params: call.params, query: try RequestInput.query(call.request, for: op),
        body: try RequestInput.body(call.request, for: op), now: now, gate: gate)
    }
    let handler = Self.handlers[op.name]!
    let outcome = state.withLock { s -> Result<HandlerOutput, APIFailure> in
      let result = input.flatMap { call in Result { () throws(APIFailure) in try handler(&s, call) }
      }
      if op.isMutating { return record(call, result, at: now, in: &s) }
      return result
    }
    switch outcome {
    case .failure(let failure): return Replies.error(failure, requestId: call.requestId)
    case .success(let output): return reply(output, requestId: call.requestId)
    }
  }

  /// Admits and executes without waiting out latency; nil when the request is dropped.
  public func respond(_ request: APIRequest, client: ClientInfo = .inProcess) -> EngineReply? {
    let admission = admit(request, client: client)
    switch admission.action {
    case .reply(let reply): return reply
    case .drop: return nil
    case .execute(let call): return execute(call)
    }
  }

  // MARK: Control

  /// The current fault configuration.
  public var faults: FaultConfig { gate.config }

  /// Replaces the fault configuration and restarts its counters and buckets.
  public func setFaults(_ faults: FaultConfig) { gate.set(faults) }

  /// Restores the demo seed (keeping faults and options) and saves it. A kept state gets
  /// a new name: it is a new state, as if its file had been deleted.
  public func reset() throws(StateFileError) {
    var fresh = DemoSeed.state(now: options.clock())
    if store != nil { fresh.instanceId = EmulatorState.newInstanceId() }
    let saved = state.withLock { s in
      s = fresh
      return Result { () throws(StateFileError) in try store?.save(s) }
    }
    try saved.get()
  }

  /// Sets how many synthetic audit events the organization's log holds (0 removes them).
  public func setSyntheticAuditEvents(
    count: Int, organizationId: String = DemoSeed.organizationId
  ) {
    let anchor = Timestamp.truncate(options.clock())
    state.withLock { s in
      s.synthetic =
        count > 0
        ? SyntheticAudit(count: count, organizationId: organizationId, anchor: anchor) : nil
    }
  }

  /// A copy of the whole state, for tests and the state file.
  var snapshot: EmulatorState { state.current }

  /// The random name of the state kept in the state file (nil without one): the same
  /// across restarts on one file, and new when the file is made afresh or reset.
  public var instanceId: String? { state.current.instanceId }

  // MARK: Steps

  func nextRequestId() -> String {
    Identifiers.requestId(
      serial: requestSerial.withLock {
        $0 += 1
        return $0
      })
  }

  /// Checks the `Authorization: Bearer …` header and answers the token's hash.
  func authenticate(_ request: APIRequest) -> Result<UInt64, APIFailure> {
    guard let token = Self.bearerToken(request), !token.isEmpty else {
      return .failure(
        APIFailure(
          status: 401, message: "Unauthorized: send an 'Authorization: Bearer <token>' header"))
    }
    if let pinned = options.token, !pinned.utf8.elementsEqual(token.utf8) {
      return .failure(APIFailure(status: 401, message: "Unauthorized: the token is not valid"))
    }
    return .success(Identifiers.hash(token.utf8))
  }

  /// The token of an `Authorization: Bearer` header (scheme case-insensitive, spaces
  /// trimmed), read without allocating: this runs for every request.
  static func bearerToken(_ request: APIRequest) -> Substring? {
    let header = request.headers.first { h in
      h.name.utf8.count == 13
        && h.name.utf8.elementsEqual("authorization".utf8) { a, b in
          a | 0x20 == b
        }
    }
    guard let value = header?.value[...], value.utf8.count > 7 else { return nil }
    let scheme = value.utf8.prefix(7)
    guard scheme.elementsEqual("bearer ".utf8, by: { a, b in a | 0x20 == b }) else { return nil }
    return trimmed(value.dropFirst(7))
  }

  private static func trimmed(_ text: Substring) -> Substring {
    var t = text
    while t.first == " " { t.removeFirst() }
    while t.last == " " { t.removeLast() }
    return t
  }

  private func applyFaults(to call: PendingCall) -> Admission {
    let method = call.operation.method
    let (decision, latency) = gate.admit(method: method)
    switch decision {
    case .pass:
      return Admission(latencyMs: latency, action: .execute(call))
    case .drop:
      return Admission(latencyMs: latency, action: .drop)
    case .fail(let status):
      let failure = APIFailure(
        status: status,
        message: status == 503
          ? "Service unavailable: the emulator injected this failure"
          : "Internal server error: the emulator injected this failure")
      return Admission(
        latencyMs: latency, action: .reply(Replies.error(failure, requestId: call.requestId)))
    case .rateLimited(let retryAfter, let perSecond):
      let failure = APIFailure(
        status: 429,
        message: "Too many requests: \(method.rawValue) is limited to "
          + "\(JSON.formatDouble(perSecond)) requests per second; retry after \(retryAfter) s",
        headers: [("Retry-After", String(retryAfter))])
      return Admission(
        latencyMs: latency, action: .reply(Replies.error(failure, requestId: call.requestId)))
    }
  }

  /// Appends the audit event of a mutating call and saves the state; a failed save turns
  /// the answer into a 500, because the change would not survive a restart.
  private func record(
    _ call: PendingCall, _ result: Result<HandlerOutput, APIFailure>, at now: Date,
    in s: inout EmulatorState
  ) -> Result<HandlerOutput, APIFailure> {
    let status: Int
    switch result {
    case .success(let out): status = out.body.isEmpty ? 204 : 200
    case .failure(let f): status = f.status
    }
    let orgId =
      (try? result.get().organizationId)
      ?? call.params["organizationId"].flatMap { s.organizationIndex($0) }.map {
        s.organizations[$0].id
      }
    if let orgId {
      let body = call.request.body.flatMap { bytes in
        try? bytes.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
      }
      s.audit.append(
        AuditRecorder.event(
          subjectId: Identifiers.subject(hash: call.tokenHash), organizationId: orgId, time: now,
          sourceIp: call.client.address, userAgent: call.request.header("User-Agent"),
          method: call.operation.method.rawValue, path: call.request.path,
          requestBody: call.operation.body == nil ? nil : body, requestId: call.requestId,
          status: status))
    }
    s.lastRequestSerial = requestSerial.current
    do {
      try store?.save(s)
    } catch {
      return .failure(
        APIFailure(status: 500, message: "Internal server error: \(error.message)"))
    }
    return result
  }

  private func reply(_ output: HandlerOutput, requestId: String) -> EngineReply {
    switch output.body {
    case .json(let value): return Replies.json(200, value, requestId: requestId)
    case .empty: return Replies.noContent(requestId: requestId)
    case .auditLog(let stream, let filename):
      return EngineReply(
        response: APIResponse(
          status: 200,
          headers: [
            ("Content-Type", "application/gzip"),
            ("Content-Disposition", "attachment; filename=\"\(filename)\""),
            ("X-Request-Id", requestId),
          ]),
        stream: stream)
    }
  }
}

extension HandlerBody {
  var isEmpty: Bool {
    if case .empty = self { return true }
    return false
  }
}
