import AstroCore
import CMicroHTTPD
import Foundation
import OrgAPI

extension EmulatorServer {
  /// The last call of MHD for a request: the whole body is in. Turns it into an
  /// `APIRequest`, admits it, and answers now or after the injected latency.
  func handle(_ connection: OpaquePointer, _ context: RequestContext) -> MHD_Result {
    switch context.phase {
    case .waiting: return .YES
    case .ready(let reply): return send(reply, connection, context)
    case .receiving: break
    }
    let request: APIRequest
    switch apiRequest(context) {
    case .failure(let failure):
      return send(Replies.error(failure, requestId: engine.nextRequestId()), connection, context)
    case .success(let r): request = r
    }
    let admission = engine.admit(request, client: context.client)
    if case .execute(let call) = admission.action { context.requestId = call.requestId }
    if admission.latencyMs > 0 {
      context.wait()
      if suspend(connection, context) {
        let action = admission.action
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(admission.latencyMs)) {
          self.resume(context) { self.perform(action) }
        }
        return .YES
      }
    }
    return send(perform(admission.action), connection, context)
  }

  func perform(_ action: Admission.Action) -> EngineReply? {
    switch action {
    case .reply(let reply): return reply
    case .drop: return nil
    case .execute(let call): return engine.execute(call)
    }
  }

  /// Maps the HTTP request onto the API: `/v1alpha1/…` and `/_emulator/…` are served,
  /// anything else is 404; methods the API does not use are 405 on its paths.
  private func apiRequest(_ context: RequestContext) -> Result<APIRequest, APIFailure> {
    guard let path = Self.apiPath(context.url) else {
      return .failure(.notFound("\(context.url) is not served; the API is under /v1alpha1"))
    }
    guard let method = HTTPMethod(rawValue: context.method) else {
      if Operations.pathExists(path) || path.hasPrefix("/_emulator") {
        return .failure(
          APIFailure(
            status: 405, message: "Method not allowed: \(context.method) is not served on \(path)"))
      }
      return .failure(.notFound("no operation is served at \(path)"))
    }
    if context.tooLarge {
      return .failure(
        APIFailure(
          status: 413,
          message: "Payload too large: request bodies are limited to "
            + "\(Self.maxBodyBytes >> 20) MiB"))
    }
    return .success(
      APIRequest(
        method: method, path: path, query: context.query, headers: context.headers,
        body: context.body.isEmpty ? nil : context.body))
  }

  /// The path below the API base, percent-encoded again segment by segment (MHD hands
  /// the URL over decoded); nil for paths outside the API and the control endpoint.
  static func apiPath(_ url: String) -> String? {
    let prefix = "/v1alpha1"
    var rest: Substring
    if url == prefix || url.hasPrefix(prefix + "/") {
      rest = url.dropFirst(prefix.count)
    } else if url == "/_emulator" || url.hasPrefix("/_emulator/") {
      rest = Substring(url)
    } else {
      return nil
    }
    if rest.isEmpty { rest = "/" }
    // Ids, short names and the fixed words need no encoding; only rare paths take the
    // slow road of splitting and encoding.
    if rest.utf8.allSatisfy(isPlainPathByte) { return String(rest) }
    let segments = rest.split(separator: "/").map { PercentEncoding.encode(String($0)) }
    return "/" + segments.joined(separator: "/")
  }

  private static func isPlainPathByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
      return true
    default:
      return false
    }
  }

  /// Queues the reply on the connection; a nil reply drops the connection unanswered.
  private func send(_ reply: EngineReply?, _ connection: OpaquePointer, _ context: RequestContext)
    -> MHD_Result
  {
    guard let reply else { return .NO }
    context.status = reply.response.status
    let response: OpaquePointer?
    if let stream = reply.stream {
      response = shim_mhd_streaming_response(
        64 * 1024, MHDCallbacks.readStream, Unmanaged.passRetained(stream).toOpaque(),
        MHDCallbacks.releaseStream)
    } else {
      response = reply.response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(
          bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
      }
    }
    guard let response else { return .NO }
    for (name, value) in reply.response.headers {
      MHD_add_response_header(response, name, value)
    }
    let result = MHD_queue_response(connection, UInt32(reply.response.status), response)
    MHD_destroy_response(response)
    return result
  }
}
