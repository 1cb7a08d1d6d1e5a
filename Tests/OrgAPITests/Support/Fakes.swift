import AstroCore
import Foundation

@testable import OrgAPI

/// A transport that records every request and answers from a script.
final class RecordingTransport: Transport, @unchecked Sendable {
  private let log = Locked<[APIRequest]>([])
  private let respond: @Sendable (APIRequest, Int) throws -> APIResponse

  /// `respond` gets the request and its 0-based number.
  init(_ respond: @escaping @Sendable (APIRequest, Int) throws -> APIResponse) {
    self.respond = respond
  }

  /// Answers every request with the same status and JSON text.
  convenience init(status: Int = 200, json: String = "{}") {
    self.init { _, _ in
      APIResponse(
        status: status, headers: [("Content-Type", "application/json")], body: Array(json.utf8))
    }
  }

  var requests: [APIRequest] { log.current }
  var targetDescription: String { "fake" }

  func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
    -> APIResponse
  {
    let n = log.withLock { l -> Int in
      l.append(request)
      return l.count - 1
    }
    return try respond(request, n)
  }
}

/// A call context that keeps stderr for inspection and has no evaluator behind it.
final class TestContext: CallContext, @unchecked Sendable {
  let services = Services()
  private let errors = Locked("")
  let cancelled = Locked(false)

  init(client: APIClient? = nil) {
    if let client { services.register(client) }
  }

  var stderr: String { errors.current }

  func call(_ callable: any Callable, _ arguments: [Value], input: Value?) throws -> Value {
    throw ShellError.runtime("unsupported", "no evaluator in this test")
  }
  func checkCancelled() throws { if isCancelled { throw ShellError.interrupted } }
  var isCancelled: Bool { cancelled.current }
  func write(_ text: String) {}
  func writeError(_ text: String) { errors.withLock { $0 += text } }
  func environment(_ name: String) -> String? { nil }
}

/// Helpers shared by the client and builtin tests.
enum Fixture {
  static let token = "tok-SECRET-1234567890"

  static func client(
    _ transport: any Transport, dryRun: Bool = false, trace: Bool = false,
    org: String? = "o1", limits: RateLimits = .unlimited, retry: RetryPolicy? = nil,
    clock: VirtualClock = VirtualClock()
  ) -> APIClient {
    APIClient(
      .init(
        transport: transport, token: token, rateLimits: limits,
        retry: retry ?? RetryPolicy(random: { 0.5 }), dryRun: dryRun, trace: trace,
        defaultOrganization: org, clock: clock.clock))
  }

  static func op(_ name: String) -> OrgAPI.Operation { Operations.named(name)! }

  /// Runs the builtin of `name` with the given arguments and collects its result.
  @discardableResult
  static func run(
    _ name: String, _ positional: [Value] = [], flags: [String: Value] = [:],
    input: PipelineData = .empty, in ctx: TestContext
  ) throws -> Value {
    let builtin = APIBuiltins.builtin(for: op(name))
    return try builtin.run(CallArgs(positional: positional, flags: flags, input: input), ctx)
      .collect()
  }

  static func json(_ text: String) -> Value { try! JSON.parse(text) }

  static func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }
}
