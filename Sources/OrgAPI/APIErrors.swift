import AstroCore

/// Turns failed calls into language errors: `.apiClient` for 4xx, `.apiServer` for 5xx
/// and unreadable answers, `.network` when no answer came. Each carries a details record
/// (status, requestId, operation, …) that `catch {|e| … }` can read, and no secrets.
enum APIErrors {
  static func status(
    _ status: Int, body: [UInt8], headers: [(name: String, value: String)], call: APICall,
    request: APIRequest, note: String?, redactor: Redactor
  ) -> ShellError {
    let op = call.operation.name
    let parsed = APIErrorBody(body)
    var message = "\(op) failed with \(status) \(phrase(status))"
    if (300..<400).contains(status) {
      let location = headers.first { $0.name.lowercased() == "location" }?.value
      message += location.map { " to '\(redactor.redact(text: $0))'" } ?? ""
      message +=
        "; a change is not sent on to a redirect's address, but the server may "
        + "have made it before redirecting"
    } else if let serverMessage = parsed.message {
      message += ": " + redactor.redact(text: serverMessage)
    } else if body.isEmpty {
      message += " and an empty answer"
    } else {
      message +=
        "; the answer is not the API's error format: "
        + Snippet.of(body, redactor: redactor, limit: 200)
    }
    if let note { message += "; \(note)" }
    let requestId =
      parsed.requestId ?? headers.first { $0.name.lowercased() == "x-request-id" }?.value
    var details = Record([
      ("status", .int(status)), ("operation", .string(op)),
      ("method", .string(request.method.rawValue)),
      ("path", .string(redactor.redact(target: request.target))),
      ("requestId", requestId.map(Value.string) ?? .null),
    ])
    if let serverMessage = parsed.message {
      details["apiMessage"] = .string(redactor.redact(text: serverMessage))
    }
    if let retryAfter = headers.first(where: { $0.name.lowercased() == "retry-after" })?.value {
      details["retryAfter"] = .string(retryAfter)
    }
    return ShellError(
      status >= 500 || status < 400 ? .apiServer : .apiClient, code: code(status), message,
      hint: hint(status, call: call), details: details)
  }

  static func network(_ error: TransportError, call: APICall, note: String?, redactor: Redactor)
    -> ShellError
  {
    var message = redactor.redact(text: error.message)
    if let note { message += "; \(note)" }
    return ShellError(
      .network, code: "network_\(reasonCode(error.reason))", message,
      hint: error.reason == .tls
        ? "the server's certificate must be valid; astrosh never skips verification"
        : "check the network and the API URL (--api-url or ASTRO_API_URL)",
      details: Record([
        ("operation", .string(call.operation.name)), ("host", .string(error.host)),
        ("reason", .string(reasonCode(error.reason))),
      ]))
  }

  /// An answer that should have been JSON and is not.
  static func badResponse(_ call: APICall, why: String, body: [UInt8], redactor: Redactor)
    -> ShellError
  {
    let snippet = body.isEmpty ? "" : ": " + Snippet.of(body, redactor: redactor, limit: 200)
    return ShellError(
      .apiServer, code: "api_bad_response",
      "the answer to \(call.operation.name) is not valid JSON (\(why))\(snippet)",
      details: Record([("operation", .string(call.operation.name))]))
  }

  /// An answer that is JSON of the wrong shape.
  static func badResponse(
    _ call: APICall, shape: String, found: String, body: [UInt8], redactor: Redactor
  ) -> ShellError {
    let snippet = ": " + Snippet.of(body, redactor: redactor, limit: 200)
    return ShellError(
      .apiServer, code: "api_bad_response",
      "the answer to \(call.operation.name) should be \(shape), not \(found)\(snippet)",
      details: Record([("operation", .string(call.operation.name))]))
  }

  static func code(_ status: Int) -> String {
    switch status {
    case 400: return "api_bad_request"
    case 401: return "api_unauthorized"
    case 403: return "api_forbidden"
    case 404: return "api_not_found"
    case 405: return "api_method_not_allowed"
    case 408: return "api_request_timeout"
    case 409: return "api_conflict"
    case 422: return "api_unprocessable"
    case 429: return "api_rate_limited"
    case 500..<600: return "api_server_error"
    default: return "api_status_\(status)"
    }
  }

  static func phrase(_ status: Int) -> String {
    switch status {
    case 400: return "bad request"
    case 401: return "unauthorized"
    case 403: return "forbidden"
    case 404: return "not found"
    case 405: return "method not allowed"
    case 408: return "request timeout"
    case 409: return "conflict"
    case 422: return "unprocessable content"
    case 429: return "too many requests"
    case 500: return "internal server error"
    case 502: return "bad gateway"
    case 503: return "service unavailable"
    case 504: return "gateway timeout"
    case 301, 308: return "moved permanently"
    case 302, 303, 307: return "redirect"
    default: return "(an unexpected status)"
    }
  }

  private static func hint(_ status: Int, call: APICall) -> String? {
    switch status {
    case 401: return "set ASTRO_API_TOKEN to a valid API token"
    case 403: return "the token lacks the permission; organization changes need an owner"
    case 404: return notFoundHint(call)
    case 429: return "lower the client's rate with --rate-limit, e.g. post=2"
    case 500..<600: return "the server failed; try again later"
    case 300..<400:
      return "check the API URL (--api-url or ASTRO_API_URL): the API itself does not "
        + "redirect; then see whether the change was made before running it again"
    default: return nil
    }
  }

  private static func notFoundHint(_ call: APICall) -> String {
    switch call.operation.category {
    case "managed domains": return "list_managed_domains shows the domains and their ids"
    case "sso connections": return "list_sso_connections shows the connections and their ids"
    case "sso bypass key": return "upsert_sso_bypass_key creates the key"
    default: return "list_organizations shows the organizations the token can see"
    }
  }

  private static func reasonCode(_ reason: TransportError.Reason) -> String {
    switch reason {
    case .connectionFailed: return "connection_failed"
    case .connectionLost: return "connection_lost"
    case .timedOut: return "timed_out"
    case .cancelled: return "cancelled"
    case .tls: return "tls"
    case .other: return "failed"
    }
  }
}

/// The API's `Error` body, when the answer has that shape.
struct APIErrorBody {
  var message: String?
  var requestId: String?

  init(_ body: [UInt8]) {
    guard !body.isEmpty,
      let value = try? body.withUnsafeBufferPointer({ try JSON.parse(bytes: $0) }),
      case .record(let r) = value
    else { return }
    message = r["message"]?.stringValue
    requestId = r["requestId"]?.stringValue
  }
}

/// A short, single-line, redacted excerpt of a body for messages and traces.
enum Snippet {
  static func of(_ body: [UInt8], redactor: Redactor, limit: Int) -> String {
    let text = redactor.redact(json: body)
    var out = ""
    var lastWasSpace = false
    for ch in text {
      if ch.isWhitespace || ch.isNewline {
        if !lastWasSpace, !out.isEmpty { out.append(" ") }
        lastWasSpace = true
        continue
      }
      lastWasSpace = false
      // Control characters from a binary body would garble the terminal.
      if let ascii = ch.asciiValue, ascii < 0x20 || ascii == 0x7F {
        out.append("?")
      } else {
        out.append(ch)
      }
      if out.count >= limit {
        out += "…"
        break
      }
    }
    return "'\(out)'"
  }
}
