import AstroCore
import Foundation
import OrgAPI

/// Who sent a request, as the audit log records it.
public struct ClientInfo: Sendable {
  /// The client's numeric IP address.
  public var address: String

  public init(address: String) { self.address = address }

  /// The in-process sandbox, which has no socket; it reports loopback.
  public static let inProcess = ClientInfo(address: "127.0.0.1")
}

/// An answer from the engine. The audit-log download is produced as a stream so that the
/// HTTP server can send a million records without holding them in memory.
public struct EngineReply: Sendable {
  public var response: APIResponse
  /// When set, the body is this stream's output and `response.body` is empty.
  public var stream: AuditLogStream?

  public init(response: APIResponse, stream: AuditLogStream? = nil) {
    self.response = response
    self.stream = stream
  }

  /// The reply with any streamed body read to the end.
  public func collected() -> APIResponse {
    guard let stream else { return response }
    var whole = response
    whole.body = stream.readAll()
    return whole
  }
}

/// What the engine decided when a request arrived, before any work was done: the
/// transport first waits `latencyMs` (the injected latency), then acts.
public struct Admission: Sendable {
  public enum Action: Sendable {
    /// Answer at once with this reply (errors, faults, control endpoint).
    case reply(EngineReply)
    /// Close the connection without answering (the dropped-connection fault).
    case drop
    /// Run the operation with `EmulatorEngine.execute` after the wait.
    case execute(PendingCall)
  }

  public var latencyMs: Int
  public var action: Action
}

/// An admitted API call waiting to run; it carries everything the handler needs.
public struct PendingCall: Sendable {
  let operation: OrgAPI.Operation
  let params: [String: String]
  let request: APIRequest
  let client: ClientInfo
  let requestId: String
  /// A hash of the bearer token; the audit log's subject id is derived from it only when
  /// a mutating call is recorded, and the token itself is never kept.
  let tokenHash: UInt64
}

/// Why an operation failed: the status and message of an `Error` body.
struct APIFailure: Error, Sendable {
  var status: Int
  var message: String
  var headers: [(name: String, value: String)] = []

  static func invalid(_ detail: String) -> APIFailure {
    APIFailure(status: 400, message: "Invalid request: \(detail)")
  }

  static func notFound(_ detail: String) -> APIFailure {
    APIFailure(status: 404, message: "Not found: \(detail)")
  }
}

/// What a handler produced.
enum HandlerBody {
  case json(Value)
  case empty
  case auditLog(AuditLogStream, filename: String)
}

struct HandlerOutput {
  var body: HandlerBody
  /// The organization the call concerned, for the audit log.
  var organizationId: String?

  static func json(_ value: Value, org: String?) -> HandlerOutput {
    HandlerOutput(body: .json(value), organizationId: org)
  }
}

/// The inputs of one operation, validated.
struct EmulatorCall {
  let operation: OrgAPI.Operation
  let params: [String: String]
  let query: [String: [String]]
  let body: Value?
  let now: Date
  let gate: FaultGate

  func param(_ name: String) -> String { params[name] ?? "" }
  func queryValue(_ name: String) -> String? { query[name]?.first }

  /// The request body's field, when the body is an object.
  func field(_ name: String) -> Value? { body?.recordValue?[name] }
}

enum Replies {
  static func json(_ status: Int, _ value: Value, requestId: String) -> EngineReply {
    let body = Array(JSON.serialize(value).utf8)
    return EngineReply(
      response: APIResponse(
        status: status,
        headers: [("Content-Type", "application/json"), ("X-Request-Id", requestId)],
        body: body))
  }

  /// The contract's `Error` body; `statusCode` always repeats the HTTP status.
  static func error(_ failure: APIFailure, requestId: String) -> EngineReply {
    let value = Value.record(
      Record([
        ("message", .string(failure.message)), ("requestId", .string(requestId)),
        ("statusCode", .int(failure.status)),
      ]))
    var reply = json(failure.status, value, requestId: requestId)
    reply.response.headers += failure.headers
    return reply
  }

  static func noContent(requestId: String) -> EngineReply {
    EngineReply(response: APIResponse(status: 204, headers: [("X-Request-Id", requestId)]))
  }
}
