import AstroCore

/// Turns a successful answer into language values with the wire's keys, leniently:
/// unknown keys stay, unknown enum values pass, missing optionals are simply absent.
struct ResponseDecoder {
  let call: APICall
  let redactor: Redactor

  func decode(_ answer: Answer) throws -> PipelineData {
    switch call.operation.response {
    case .empty:
      return .value(.null)
    case .object, .array:
      if answer.status == 204 { return .value(.null) }
      let body = try answer.body(limit: Int.max)
      guard !body.isEmpty else {
        throw APIErrors.badResponse(call, why: "the answer is empty", body: [], redactor: redactor)
      }
      let value: Value
      do {
        value = try body.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
      } catch let error as JSON.SyntaxError {
        throw APIErrors.badResponse(call, why: error.description, body: body, redactor: redactor)
      }
      // The shape, not the fields: a list where one object was due (or the reverse) is a
      // broken server or proxy, and a script would go on with nonsense.
      switch (call.operation.response, value) {
      case (.object, .record), (.array, .list): return .value(value)
      case (.object, _):
        throw APIErrors.badResponse(
          call, shape: "an object", found: value.typeName, body: body, redactor: redactor)
      default:
        throw APIErrors.badResponse(
          call, shape: "a list", found: value.typeName, body: body, redactor: redactor)
      }
    case .gzipNDJSON:
      if call.raw { return .value(.binary(try answer.body(limit: Int.max))) }
      guard case .streamed(let response) = answer else {
        return .stream(AuditLogReader(chunks: oneChunk(try answer.body(limit: Int.max))).stream)
      }
      return .stream(AuditLogReader(response: response).stream)
    }
  }

  private func oneChunk(_ bytes: [UInt8]) -> () throws -> [UInt8]? {
    var done = false
    return {
      if done { return nil }
      done = true
      return bytes
    }
  }
}

/// Reads the audit log as records, one per NDJSON line, while it downloads: gzip is
/// inflated chunk by chunk and lines are parsed as they complete, so memory stays flat
/// however long the log. A body that is already plain NDJSON (a proxy may have removed
/// the gzip layer) is read as it is.
final class AuditLogReader: @unchecked Sendable {
  private let pull: () throws -> [UInt8]?
  private let response: StreamedResponse?
  private var inflater: GzipDecompressor?
  private var sniffed = false
  private var ended = false
  private var buffer: [UInt8] = []
  private var start = 0
  private var lineNumber = 0

  init(response: StreamedResponse) {
    self.response = response
    pull = { try response.next() }
  }

  init(chunks: @escaping () throws -> [UInt8]?) {
    response = nil
    pull = chunks
  }

  /// Stops the download when the consumer lets go early (`first 10`).
  deinit { if !ended { response?.close() } }

  var stream: ValueStream { ValueStream { [self] in try next() } }

  func next() throws -> Value? {
    while true {
      if let line = takeLine() {
        lineNumber += 1
        if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
        return try parse(line)
      }
      if ended { return nil }
      try fill()
    }
  }

  private func takeLine() -> ArraySlice<UInt8>? {
    if let nl = buffer[start...].firstIndex(of: 10) {
      let line = buffer[start..<nl]
      start = nl + 1
      return line
    }
    guard ended, start < buffer.count else { return nil }
    let line = buffer[start...]
    start = buffer.count
    return line
  }

  private func fill() throws {
    if start > 0 {
      buffer.removeFirst(start)
      start = 0
    }
    let chunk: [UInt8]?
    do {
      chunk = try pull()
    } catch let error as TransportError {
      throw broken("the download broke off: \(error.message)", code: "network_connection_lost")
    }
    guard let chunk else {
      ended = true
      if let inflater { buffer += try inflate { try inflater.finish() } }
      return
    }
    if !sniffed {
      sniffed = true
      if chunk.count >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B { inflater = GzipDecompressor() }
    }
    if let inflater {
      buffer += try inflate { try inflater.feed(chunk) }
    } else {
      buffer += chunk
    }
  }

  private func inflate(_ body: () throws -> [UInt8]) throws -> [UInt8] {
    do {
      return try body()
    } catch let error as Gzip.Failure {
      throw broken("the audit log is unreadable: \(error.message)", code: "api_bad_response")
    }
  }

  private func parse(_ line: ArraySlice<UInt8>) throws -> Value {
    do {
      return try line.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
    } catch let error as JSON.SyntaxError {
      let text = Snippet.of(Array(line), redactor: Redactor(), limit: 120)
      throw broken(
        "audit log line \(lineNumber) is not JSON (\(error.description)): \(text)",
        code: "api_bad_response")
    }
  }

  private func broken(_ message: String, code: String) -> ShellError {
    ended = true
    return ShellError(
      code.hasPrefix("network") ? .network : .apiServer, code: code, message,
      details: Record([("operation", .string("get_organization_audit_logs"))]))
  }
}
