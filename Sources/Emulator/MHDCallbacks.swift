import AstroCore
import CMicroHTTPD
import Foundation
import OrgAPI

/// The state of one HTTP request while MHD feeds it to us in several calls.
///
/// MHD serialises the calls for one connection, but a latency timer finishes the request
/// from another thread, so the reply is handed over under a lock.
final class RequestContext: @unchecked Sendable {
  let method: String
  let url: String
  var headers: [(name: String, value: String)] = []
  var query: [(name: String, value: String)] = []
  var body: [UInt8] = []
  var tooLarge = false
  var client = ClientInfo.inProcess
  let started = DispatchTime.now().uptimeNanoseconds
  var requestId = ""
  /// The status sent, for the log line; nil when the connection was dropped.
  var status: Int?
  private let handoff = Locked<Handoff>(.receiving)

  enum Handoff {
    case receiving
    case waiting
    /// Ready to send; nil drops the connection.
    case ready(EngineReply?)
  }

  init(method: String, url: String) {
    self.method = method
    self.url = url
  }

  func finish(_ reply: EngineReply?) { handoff.withLock { $0 = .ready(reply) } }
  func wait() { handoff.withLock { $0 = .waiting } }
  var phase: Handoff { handoff.current }
}

/// The C callbacks MHD calls. They live here, as static constants outside `main.swift`,
/// because closures in top-level code are inferred to be main-actor isolated and trap when
/// MHD calls them from its own threads.
enum MHDCallbacks {
  static let access: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadSize, contextSlot in
    guard let cls, let connection, let contextSlot, let uploadSize else { return .NO }
    let server = Unmanaged<EmulatorServer>.fromOpaque(cls).takeUnretainedValue()
    guard let raw = contextSlot.pointee else {
      let context = RequestContext(
        method: method.map { String(cString: $0) } ?? "", url: url.map { String(cString: $0) } ?? ""
      )
      readRequestLine(connection, into: context)
      contextSlot.pointee = Unmanaged.passRetained(context).toOpaque()
      return .YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
    if uploadSize.pointee > 0 {
      if context.body.count + uploadSize.pointee > EmulatorServer.maxBodyBytes {
        context.tooLarge = true
      } else if let uploadData {
        uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) {
          context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadSize.pointee))
        }
      }
      uploadSize.pointee = 0
      return .YES
    }
    return server.handle(connection, context)
  }

  static let completed: MHD_RequestCompletedCallback = { cls, _, contextSlot, _ in
    guard let cls, let contextSlot, let raw = contextSlot.pointee else { return }
    let server = Unmanaged<EmulatorServer>.fromOpaque(cls).takeUnretainedValue()
    let context = Unmanaged<RequestContext>.fromOpaque(raw).takeRetainedValue()
    contextSlot.pointee = nil
    server.completed(context)
  }

  static let readHeader: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
    context.headers.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
  }

  static let readQuery: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let context = Unmanaged<RequestContext>.fromOpaque(cls).takeUnretainedValue()
    context.query.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
  }

  /// Gzip blocks for a streamed audit-log body; 0 from the stream ends the body.
  static let readStream: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else { return shim_mhd_end_of_stream() }
    let stream = Unmanaged<AuditLogStream>.fromOpaque(cls).takeUnretainedValue()
    let n = stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
    return n == 0 ? shim_mhd_end_of_stream() : n
  }

  static let releaseStream: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<AuditLogStream>.fromOpaque(cls).release()
  }

  private static func readRequestLine(_ connection: OpaquePointer, into context: RequestContext) {
    let me = Unmanaged.passUnretained(context).toOpaque()
    MHD_get_connection_values(connection, .HEADER_KIND, readHeader, me)
    MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, readQuery, me)
    var address = [CChar](repeating: 0, count: 64)
    shim_mhd_client_ip(connection, &address, UInt32(address.count))
    let text = String(
      decoding: address.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if !text.isEmpty { context.client = ClientInfo(address: text) }
  }
}
