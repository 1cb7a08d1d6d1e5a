import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

/// The two ways into the emulator that the conformance suite runs against.
enum Target: String, CaseIterable, CustomTestStringConvertible {
  /// The in-process `Sandbox` transport.
  case sandbox
  /// A real `EmulatorServer` on 127.0.0.1, port 0, reached with OrgAPI's URLSession transport.
  case http

  var testDescription: String { rawValue }
}

/// A fresh emulator behind one target, with helpers to call it.
final class Harness: @unchecked Sendable {
  static let token = "test-token"

  let engine: EmulatorEngine
  let transport: any Transport
  let server: EmulatorServer?

  init(_ target: Target, options: EmulatorEngine.Options = EmulatorEngine.Options()) throws {
    engine = try EmulatorEngine(options: options)
    switch target {
    case .sandbox:
      server = nil
      transport = Sandbox(engine: engine)
    case .http:
      let server = EmulatorServer(engine: engine)
      try server.start()
      self.server = server
      transport = try HTTPTransport(
        configuration: HTTPTransport.Configuration(baseURL: server.baseURL, deadline: 30))
    }
  }

  deinit { server?.stop() }

  /// Sends a request; `token: nil` sends no `Authorization` header.
  func call(
    _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json body: String? = nil,
    token: String? = Harness.token, headers: [(String, String)] = []
  ) throws -> APIResponse {
    var allHeaders = headers.map { (name: $0.0, value: $0.1) }
    if let token { allHeaders.append((name: "Authorization", value: "Bearer \(token)")) }
    if body != nil { allHeaders.append((name: "Content-Type", value: "application/json")) }
    let request = APIRequest(
      method: method, path: path, query: query.map { (name: $0.0, value: $0.1) },
      headers: allHeaders, body: body.map { Array($0.utf8) })
    return try transport.send(request, isCancelled: { false })
  }

  /// Calls and parses a JSON answer, expecting `status`.
  @discardableResult
  func json(
    _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json body: String? = nil,
    token: String? = Harness.token, expect status: Int = 200,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> Value {
    let response = try call(method, path, query: query, json: body, token: token)
    #expect(response.status == status, "\(method.rawValue) \(path)", sourceLocation: sourceLocation)
    #expect(
      response.header("Content-Type")?.hasPrefix("application/json") == true,
      sourceLocation: sourceLocation)
    return try JSON.parse(String(decoding: response.body, as: UTF8.self))
  }

  /// Calls and checks the answer is the contract's `Error` with this status.
  @discardableResult
  func error(
    _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json body: String? = nil,
    token: String? = Harness.token, expect status: Int,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> String {
    let value = try json(
      method, path, query: query, json: body, token: token, expect: status,
      sourceLocation: sourceLocation)
    Conformance.expectError(value, status: status, sourceLocation: sourceLocation)
    return value.recordValue?["message"]?.stringValue ?? ""
  }
}

/// Checks against the contract's models.
enum Conformance {
  /// The value has exactly the model's keys that are present, every required key, and
  /// passes the shared schema check.
  static func expect(
    _ value: Value, is model: Model, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    guard case .record(let r) = value else {
      Issue.record("expected a \(model.name) object, got \(value.typeName)")
      return
    }
    let allowed = Set(model.fields.map(\.name))
    let extra = Set(r.keys).subtracting(allowed)
    #expect(extra.isEmpty, "keys outside \(model.name): \(extra)", sourceLocation: sourceLocation)
    let missing = model.requiredFields.map(\.name).filter { r[$0] == nil }
    #expect(missing.isEmpty, "required \(model.name) keys missing: \(missing)")
    let violations = Schema.object(model).violations(of: value)
    #expect(violations.isEmpty, "\(violations.map(\.sentence))", sourceLocation: sourceLocation)
    #expect(!r.values.contains(.null), "absent optionals must be omitted, not null")
  }

  static func expectError(
    _ value: Value, status: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    expect(value, is: Models.error, sourceLocation: sourceLocation)
    let r = value.recordValue ?? Record()
    #expect(Set(r.keys) == ["message", "requestId", "statusCode"], sourceLocation: sourceLocation)
    #expect(r["statusCode"] == .int(status), sourceLocation: sourceLocation)
    #expect(r["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(r["requestId"]?.stringValue?.count == 36, sourceLocation: sourceLocation)
  }

  /// 25 lowercase alphanumerics starting with 'c'.
  static func isCuid(_ id: String?) -> Bool {
    guard let id, id.count == 25, id.first == "c" else { return false }
    return id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
  }

  /// `YYYY-MM-DDTHH:MM:SSZ`.
  static func isTimestamp(_ text: String?) -> Bool {
    guard let text, text.count == 20 else { return false }
    let shape = Array("0000-00-00T00:00:00Z")
    return zip(text, shape).allSatisfy { c, s in s == "0" ? c.isNumber : c == s }
  }
}

extension Value {
  /// A field of a record value; nil for other values.
  subscript(_ key: String) -> Value? { recordValue?[key] }
}
