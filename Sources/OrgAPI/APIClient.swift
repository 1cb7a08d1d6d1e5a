import AstroCore
import Foundation

/// The one API client of the process: every request of every builtin, function, `each`
/// and bulk pipeline goes through `perform`, so the rate limits, retries, dry run, trace
/// and redaction hold everywhere and nothing can go around them.
///
/// Thread-safe: bulk work calls it from many threads at once.
public final class APIClient: @unchecked Sendable {
  public struct Configuration: Sendable {
    public var transport: any Transport
    /// The bearer token; nil sends no `Authorization` header.
    public var token: String?
    public var rateLimits: RateLimits
    public var retry: RetryPolicy
    /// Send no mutating request; print it and return a description instead.
    public var dryRun: Bool
    /// Print every request and response line with its timing.
    public var trace: Bool
    /// The organization that organization-scoped builtins use when none is given.
    public var defaultOrganization: String?
    /// How many requests a builtin fed by a pipeline keeps in flight.
    public var bulkConcurrency: Int
    public var clock: APIClock
    /// After Ctrl-C, how long a change already sent may take to be answered before it is
    /// cancelled: its outcome is then known (and journaled) instead of left in doubt.
    public var interruptGrace: Double

    public init(
      transport: any Transport, token: String? = nil, rateLimits: RateLimits = .documented,
      retry: RetryPolicy = RetryPolicy(), dryRun: Bool = false, trace: Bool = false,
      defaultOrganization: String? = nil, bulkConcurrency: Int = 8, clock: APIClock = .system,
      interruptGrace: Double = 5
    ) {
      self.transport = transport
      self.token = token
      self.rateLimits = rateLimits
      self.retry = retry
      self.dryRun = dryRun
      self.trace = trace
      self.defaultOrganization = defaultOrganization
      self.bulkConcurrency = max(1, bulkConcurrency)
      self.clock = clock
      self.interruptGrace = interruptGrace
    }
  }

  public let configuration: Configuration
  public let limiter: RateLimiter
  /// Hides the token and every secret value this client has sent (an SSO secret, a
  /// bypass key), by key and by value, since a server may quote a request back in an error.
  public var redactor: Redactor { redactorBox.current }
  private let redactorBox: Locked<Redactor>
  /// The `Authorization` header's value, made once.
  private let authorization: String?
  private let organization: Locked<String?>
  private let serial = Locked(0)
  /// Placeholder ids and planned objects of a dry run (see `dryRunStandIn`).
  let dryRunState = Locked(DryRunState())
  private let bulkFailures = Locked(0)
  private let journalBox = Locked<Journal?>(nil)
  /// When Ctrl-C was first noticed by a change in flight, for its grace period.
  private let interruptSeen = Locked<Double?>(nil)
  /// Changes sent and not judged yet, by call number, as `operation METHOD path (name)`.
  /// After Ctrl-C, those still here, and those whose answers the interruption cut off,
  /// are changes the server may or may not have made, and the user is told so.
  private let unanswered = Locked<(sent: [Int: String], cutOff: [Int: String])>(([:], [:]))

  /// The changes cut off, or still unanswered, since the last call, in the order they were
  /// made (see `unanswered`).
  public func takeCutOffChanges() -> [String] {
    unanswered.withLock { state in
      defer { state = ([:], [:]) }
      return state.cutOff.merging(state.sent) { first, _ in first }.sorted { $0.key < $1.key }
        .map(\.value)
    }
  }

  /// How a change is named when it may or may not have been made.
  private func describeChange(_ p: Prepared) -> String {
    var what = "\(p.call.operation.name) \(p.request.method.rawValue) "
    what += redactor.redact(target: p.request.target)
    // Creates of one run share a path; the name tells them apart.
    let body = p.call.body?.recordValue
    if case .string(let name)? = body?["name"] ?? body?["auth0ConnectionName"] {
      what += " (\(name.escapingControls))"
    }
    return what
  }

  public init(_ configuration: Configuration) {
    self.configuration = configuration
    limiter = RateLimiter(limits: configuration.rateLimits, clock: configuration.clock)
    redactorBox = Locked(Redactor(secretValues: configuration.token.map { [$0] } ?? []))
    authorization = configuration.token.map(APICall.authorization)
    organization = Locked(configuration.defaultOrganization)
  }

  /// The default organization; `use_organization` changes it for the rest of the session.
  public var defaultOrganization: String? {
    get { organization.current }
    set { organization.withLock { $0 = newValue } }
  }

  /// Items that failed in bulk runs so far; the host exits with the partial-failure code
  /// when this is not zero at the end of a `--keep-going` run.
  public var failedItems: Int { bulkFailures.current }

  func recordBulk(_ summary: BulkSummary) {
    bulkFailures.withLock { $0 += summary.failures.count }
  }

  /// The journal every change is recorded in (`--journal`); nil records nothing.
  public var journal: Journal? {
    get { journalBox.current }
    set { journalBox.withLock { $0 = newValue } }
  }

  /// Sends one call (with rate limiting, retries and tracing) and decodes its answer.
  /// In a dry run a mutating call is only described, and the journal is not touched.
  /// With a journal, a change it records as done is not sent again (see `Journal`).
  public func perform(_ call: APICall, io: CallIO) throws -> PipelineData {
    if configuration.dryRun, call.operation.isMutating {
      return .value(try dryRunStandIn(call, call.request(token: configuration.token), io: io))
    }
    if let journal, call.operation.changesState {
      return try journaled(call, journal, io: io)
    }
    return try send(call, io: io)
  }

  /// Sends a call with retries. `goingOut` runs once, just before the first attempt is
  /// handed to the transport (after any rate-limit wait), so the journal marks a change
  /// as pending only when it really leaves.
  func send(_ call: APICall, io: CallIO, goingOut: (() throws -> Void)? = nil) throws
    -> PipelineData
  {
    let prepared = try prepare(call)
    try beforeAttempt(1, prepared, io: io, goingOut: goingOut)
    return try attempts(prepared, first: timed { exchange(prepared, io: io) }, io: io)
  }

  /// A call with its request made and its number for the trace.
  struct Prepared {
    var call: APICall
    var request: APIRequest
    var id: Int
  }

  private func prepare(_ call: APICall) throws -> Prepared {
    let request = call.request(authorization: authorization)
    if call.operation.requiresAuth, configuration.token == nil {
      throw ShellError(
        .usage, code: "missing_token", "\(call.operation.name) needs an API token",
        hint: "set ASTRO_API_TOKEN, or run with --sandbox to try the emulator")
    }
    let id = serial.withLock { n -> Int in
      n += 1
      return n
    }
    if let body = call.body { rememberSecrets(in: body) }
    return Prepared(call: call, request: request, id: id)
  }

  /// Adds the values of the body's secret fields to those the redactor hides.
  private func rememberSecrets(in body: Value) {
    var found: [String] = []
    func visit(_ value: Value) {
      switch value {
      case .record(let r):
        for (key, v) in r.pairs {
          if Operations.secretKeys.contains(key), case .string(let s) = v {
            found.append(s)
            // As it reads inside JSON text too: a certificate's line breaks become `\n`.
            let quoted = JSON.serialize(.string(s))
            found.append(String(quoted.dropFirst().dropLast()))
          } else {
            visit(v)
          }
        }
      case .list(let items): items.forEach(visit)
      default: break
      }
    }
    visit(body)
    guard !found.isEmpty else { return }
    redactorBox.withLock { redactor in
      let fresh = found.filter { $0.count >= 4 && !redactor.secretValues.contains($0) }
      redactor.secretValues += fresh
    }
  }

  /// What comes before every attempt: after Ctrl-C nothing new goes out, not even a retry;
  /// then the rate limit, and the trace.
  private func beforeAttempt(
    _ attempt: Int, _ p: Prepared, io: CallIO, goingOut: (() throws -> Void)?
  ) throws {
    if io.isCancelled() { throw ShellError.interrupted }
    try limiter.acquire(p.call.operation.method, isCancelled: io.isCancelled)
    try admitted(attempt, p, io: io, goingOut: goingOut)
  }

  /// What comes once the rate limit lets an attempt go.
  private func admitted(
    _ attempt: Int, _ p: Prepared, io: CallIO, goingOut: (() throws -> Void)?
  ) throws {
    if attempt == 1 {
      if io.isCancelled() { throw ShellError.interrupted }
      try goingOut?()
    }
    if p.call.operation.changesState {
      let what = describeChange(p)
      unanswered.withLock { $0.sent[p.id] = what }
    }
    traceRequest(p.id, p.request, attempt: attempt, io: io)
  }

  /// One attempt's outcome and how long it took.
  typealias Attempt = (outcome: Result<Answer, TransportError>, elapsed: Double)

  private func timed(_ body: () -> Result<Answer, TransportError>) -> Attempt {
    let started = configuration.clock.now()
    let outcome = body()
    return (outcome, configuration.clock.now() - started)
  }

  /// Judges an attempt's outcome and makes further attempts as the retry policy says,
  /// until an answer is decoded or an error is final.
  private func attempts(_ p: Prepared, from attempt: Int = 1, first: Attempt, io: CallIO) throws
    -> PipelineData
  {
    var attempt = attempt
    var current = first
    while true {
      switch try judge(p, current, attempt: attempt, io: io) {
      case .decoded(let data):
        return data
      case .retry(let delay, let because):
        current = try retry(p, after: delay, because: because, attempt: attempt, io: io)
        attempt += 1
      }
    }
  }

  /// What an attempt's outcome means.
  private enum Verdict {
    case decoded(PipelineData)
    /// Try again after `after` seconds; `because` is for the trace.
    case retry(after: Double, because: String)
  }

  /// Decodes a success, decides on a retry, or throws the final error.
  private func judge(_ p: Prepared, _ current: Attempt, attempt: Int, io: CallIO) throws
    -> Verdict
  {
    let call = p.call
    if call.operation.changesState { unanswered.withLock { $0.sent[p.id] = nil } }
    switch current.outcome {
    case .success(let answer) where (200..<300).contains(answer.status):
      traceResponse(p.id, answer, body: answer.wholeBody, elapsed: current.elapsed, io: io)
      return .decoded(try ResponseDecoder(call: call, redactor: redactor).decode(answer))
    case .success(let answer):
      let body = try answer.body(limit: 1 << 20)
      traceResponse(p.id, answer, body: body, elapsed: current.elapsed, io: io)
      let retryAfter = answer.header("Retry-After")
      let decision = configuration.retry.decide(
        .status(answer.status, retryAfter: retryAfter), attempt: attempt,
        method: call.operation.method)
      guard case .retry(let delay) = decision else {
        throw APIErrors.status(
          answer.status, body: body, headers: answer.headers, call: call, request: p.request,
          note: decision.note, redactor: redactor)
      }
      if answer.status == 429, retryAfter != nil {
        limiter.holdOff(call.operation.method, for: delay)
      }
      return .retry(after: delay, because: "\(answer.status)")
    case .failure(let error):
      if error.reason == .cancelled {
        if call.operation.changesState {
          let what = describeChange(p)
          unanswered.withLock { $0.cutOff[p.id] = what }
        }
        throw ShellError.interrupted
      }
      trace(p.id, "< \(redactor.redact(text: error.message)) after \(ms(current.elapsed))", io: io)
      let decision = configuration.retry.decide(
        .transport(error.reason), attempt: attempt, method: call.operation.method)
      guard case .retry(let delay) = decision else {
        throw APIErrors.network(error, call: call, note: decision.note, redactor: redactor)
      }
      return .retry(after: delay, because: "\(error.reason)")
    }
  }

  /// Waits out a retry's delay and makes the next attempt.
  private func retry(
    _ p: Prepared, after delay: Double, because: String, attempt: Int, io: CallIO
  ) throws -> Attempt {
    try wait(p.id, delay, attempt: attempt, because: because, io: io)
    try beforeAttempt(attempt + 1, p, io: io, goingOut: nil)
    return timed { exchange(p, io: io) }
  }

  private func exchange(_ p: Prepared, io: CallIO) -> Result<Answer, TransportError> {
    exchange(
      p.request, streaming: p.call.operation.response.isStreamed,
      isCancelled: inFlightCancelled(p.call, io))
  }

  // MARK: Many calls on one thread

  /// A call whose first attempt is on the wire, its answer not read yet.
  final class InFlight: @unchecked Sendable {
    fileprivate let prepared: Prepared
    fileprivate let io: CallIO
    fileprivate let started: Double
    fileprivate let transport: PlainHTTPTransport
    let pending: PlainHTTPTransport.Pending

    fileprivate init(
      prepared: Prepared, io: CallIO, started: Double, transport: PlainHTTPTransport,
      pending: PlainHTTPTransport.Pending
    ) {
      self.prepared = prepared
      self.io = io
      self.started = started
      self.transport = transport
      self.pending = pending
    }
  }

  /// Where a call stands after `begin` or `finish`.
  enum Step {
    case done(Result<PipelineData, Error>)
    /// The answer is on its way: wait for `pending`'s socket, then `finish`.
    case inFlight(InFlight)
    /// What is left may block (a retry's delay, a long rate-limit wait, a call that
    /// cannot be split): run it on a thread of its own.
    case later(@Sendable () throws -> PipelineData)
  }

  /// Whether `begin` can put this client's calls in flight without waiting: plain
  /// whole-body exchanges over the built-in HTTP client, with no dry run and no journal.
  var sendsWithoutWaiting: Bool {
    configuration.transport is PlainHTTPTransport && !configuration.dryRun && journal == nil
  }

  /// Starts a call and returns without waiting for its answer; `finish` then reads it.
  /// Calls that cannot be split (see `sendsWithoutWaiting`, and the audit-log download)
  /// are handed back whole, as `perform`, and so is a call the rate limit holds back for
  /// longer than a moment: waiting here would leave the answers of the calls beside it
  /// unread.
  func begin(_ call: APICall, io: CallIO) -> Step {
    guard sendsWithoutWaiting, !call.operation.response.isStreamed,
      let transport = configuration.transport as? PlainHTTPTransport
    else {
      return .later { [self] in try perform(call, io: io) }
    }
    do {
      let p = try prepare(call)
      if io.isCancelled() { throw ShellError.interrupted }
      let wait = limiter.reserve(call.operation.method)
      if wait > HTTPConnection.slice {
        return .later { [self] in
          try configuration.clock.pause(wait, isCancelled: io.isCancelled)
          try admitted(1, p, io: io, goingOut: nil)
          return try attempts(p, first: timed { exchange(p, io: io) }, io: io)
        }
      }
      if wait > 0 { try configuration.clock.pause(wait, isCancelled: io.isCancelled) }
      try admitted(1, p, io: io, goingOut: nil)
      let started = configuration.clock.now()
      do {
        let pending = try transport.begin(p.request, isCancelled: inFlightCancelled(call, io))
        return .inFlight(
          InFlight(prepared: p, io: io, started: started, transport: transport, pending: pending))
      } catch {
        return step(p, first: (.failure(transportError(error)), 0), io: io)
      }
    } catch {
      return .done(.failure(error))
    }
  }

  /// Reads the answer of a call from `begin` (its socket is readable, or the wait is
  /// over) and judges it; a retry is handed back as `.later`. `timedOut`: nothing came
  /// for the idle timeout, and the answer is not waited for any longer.
  func finish(_ flight: InFlight, timedOut: Bool = false) -> Step {
    let outcome: Result<Answer, TransportError>
    if timedOut {
      outcome = .failure(flight.transport.idleFailure(flight.pending))
    } else {
      do {
        outcome = .success(.whole(try flight.transport.complete(flight.pending)))
      } catch {
        outcome = .failure(transportError(error))
      }
    }
    let elapsed = configuration.clock.now() - flight.started
    return step(flight.prepared, first: (outcome, elapsed), io: flight.io)
  }

  /// The first attempt's verdict as a step: done, or the retries to run later.
  private func step(_ p: Prepared, first: Attempt, io: CallIO) -> Step {
    do {
      switch try judge(p, first, attempt: 1, io: io) {
      case .decoded(let data):
        return .done(.success(data))
      case .retry(let delay, let because):
        return .later { [self] in
          let next = try retry(p, after: delay, because: because, attempt: 1, io: io)
          return try attempts(p, from: 2, first: next, io: io)
        }
      }
    } catch {
      return .done(.failure(error))
    }
  }

  private func transportError(_ error: Error) -> TransportError {
    error as? TransportError
      ?? TransportError(
        .other, host: configuration.transport.targetDescription, detail: "\(error)")
  }

  private func exchange(
    _ request: APIRequest, streaming: Bool, isCancelled: @escaping @Sendable () -> Bool
  ) -> Result<Answer, TransportError> {
    do {
      let transport = configuration.transport
      if streaming {
        return .success(.streamed(try transport.open(request, isCancelled: isCancelled)))
      }
      return .success(.whole(try transport.send(request, isCancelled: isCancelled)))
    } catch {
      return .failure(transportError(error))
    }
  }

  /// What the transport polls while a request is in flight. A read is abandoned at
  /// once on Ctrl-C; a change gets `interruptGrace` seconds to be answered first.
  private func inFlightCancelled(_ call: APICall, _ io: CallIO) -> @Sendable () -> Bool {
    guard call.operation.isMutating, configuration.interruptGrace > 0 else { return io.isCancelled }
    return { [self] in
      guard io.isCancelled() else {
        interruptSeen.withLock { $0 = nil }
        return false
      }
      let now = configuration.clock.now()
      let first = interruptSeen.withLock { seen -> Double in
        if seen == nil { seen = now }
        return seen!
      }
      return now - first >= configuration.interruptGrace
    }
  }

  private func wait(_ id: Int, _ delay: Double, attempt: Int, because: String, io: CallIO) throws {
    let total = configuration.retry.maxAttempts
    trace(
      id, "retry \(attempt + 1)/\(total) in \(String(format: "%.2f", delay)) s after \(because)",
      io: io)
    try configuration.clock.pause(delay, isCancelled: io.isCancelled)
  }

  // MARK: Trace

  private func traceRequest(_ id: Int, _ request: APIRequest, attempt: Int, io: CallIO) {
    guard configuration.trace else { return }
    var line = "> \(request.method.rawValue) \(redactor.redact(target: request.target))"
    if let body = request.body { line += " " + redactor.redact(json: body) }
    trace(id, line, io: io)
    let headers = request.headers.map { h in
      let value = h.name.lowercased() == "authorization" ? Redactor.authorization(h.value) : h.value
      return "\(h.name): \(value)"
    }
    trace(id, "> " + headers.joined(separator: ", "), io: io)
  }

  private func traceResponse(
    _ id: Int, _ response: Answer, body: [UInt8]?, elapsed: Double, io: CallIO
  ) {
    guard configuration.trace else { return }
    var line = "< \(response.status) in \(ms(elapsed))"
    if let requestId = response.header("X-Request-Id") { line += " request \(requestId)" }
    if let body, !body.isEmpty {
      line += ", \(body.count) bytes"
      if !response.isBinary { line += " " + Snippet.of(body, redactor: redactor, limit: 2000) }
    }
    trace(id, line, io: io)
  }

  private func trace(_ id: Int, _ text: String, io: CallIO) {
    guard configuration.trace else { return }
    io.diagnostics("trace: #\(id) \(text)\n")
  }

  private func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

extension RetryPolicy.Decision {
  var note: String? {
    if case .giveUp(let note) = self { return note }
    return nil
  }
}

/// An HTTP answer: whole, or with its body still streaming in (the audit logs).
enum Answer {
  case whole(APIResponse)
  case streamed(StreamedResponse)

  var status: Int {
    switch self {
    case .whole(let r): return r.status
    case .streamed(let r): return r.status
    }
  }

  var headers: [(name: String, value: String)] {
    switch self {
    case .whole(let r): return r.headers
    case .streamed(let r): return r.headers
    }
  }

  func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  var wholeBody: [UInt8]? {
    if case .whole(let r) = self { return r.body }
    return nil
  }

  /// Whether the body is not text (gzip), so a trace shows only its size.
  var isBinary: Bool {
    let type = header("Content-Type")?.lowercased() ?? ""
    return type.contains("gzip") || type.contains("octet-stream")
  }

  /// The body, read to the end or to `limit` bytes.
  func body(limit: Int) throws -> [UInt8] {
    switch self {
    case .whole(let r): return r.body
    case .streamed(let r):
      defer { r.close() }
      return try r.readAll(limit: limit)
    }
  }
}

extension ResponseShape {
  /// Whether the answer is read as a stream rather than all at once.
  var isStreamed: Bool {
    if case .gzipNDJSON = self { return true }
    return false
  }
}
