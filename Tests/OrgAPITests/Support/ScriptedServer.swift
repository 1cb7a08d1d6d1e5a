import AstroCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One request as the scripted server read it off the socket.
struct RecordedRequest: Sendable {
  var method: String
  var target: String
  var headers: [(name: String, value: String)]
  var body: [UInt8]

  func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }
}

/// What the scripted server does with one request.
struct ScriptedReply: Sendable {
  var status = 200
  var headers: [(name: String, value: String)] = []
  var body: [UInt8] = []
  /// Seconds to wait before answering.
  var delay: Double = 0
  /// Send the headers for the whole body but only this many body bytes, then close.
  var truncateBodyTo: Int?
  /// Close the connection abruptly (RST) without answering.
  var reset = false
  /// Send exactly these bytes, then close.
  var raw: [UInt8]?

  static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = [])
    -> ScriptedReply
  {
    ScriptedReply(
      status: status, headers: [("Content-Type", "application/json")] + headers,
      body: Array(text.utf8))
  }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 with a free port, scripted per test, for the
/// cases the emulator cannot produce on demand: exact Retry-After values, redirects, slow
/// answers, broken bodies and reset connections.
final class ScriptedServer: @unchecked Sendable {
  let port: UInt16
  private let listener: Int32
  private let handler: @Sendable (RecordedRequest) -> ScriptedReply
  private let state = Locked<(requests: [RecordedRequest], fds: Set<Int32>, stopped: Bool)>(
    ([], [], false))

  init(handler: @escaping @Sendable (RecordedRequest) -> ScriptedReply) throws {
    self.handler = handler
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.listener = listener
    var one: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) }
    }
    port = UInt16(bigEndian: addr.sin_port)
    let thread = Thread { [self] in acceptLoop() }
    thread.start()
  }

  deinit { stop() }

  var url: String { "http://127.0.0.1:\(port)" }
  var requests: [RecordedRequest] { state.withLock { $0.requests } }

  /// Stops listening and cuts open connections. Descriptors are shut down here but
  /// closed only by the threads that own them, so a number is never reused under them.
  func stop() {
    state.withLock { s in
      if s.stopped { return }
      s.stopped = true
      shutdown(listener, Int32(SHUT_RDWR))
      for fd in s.fds { shutdown(fd, Int32(SHUT_RDWR)) }
    }
  }

  private func acceptLoop() {
    defer { close(listener) }
    while true {
      let fd = accept(listener, nil, nil)
      if fd < 0 { return }
      let stopped = state.withLock { s -> Bool in
        if !s.stopped { s.fds.insert(fd) }
        return s.stopped
      }
      if stopped {
        close(fd)
        return
      }
      Thread { [self] in serve(fd) }.start()
    }
  }

  private func serve(_ fd: Int32) {
    var reader = SocketReader(fd: fd)
    defer {
      state.withLock { s in
        s.fds.remove(fd)
        close(fd)
      }
    }
    while let request = reader.readRequest() {
      state.withLock { $0.requests.append(request) }
      let reply = handler(request)
      if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
      if reply.reset {
        var lin = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, socklen_t(MemoryLayout<linger>.size))
        return
      }
      if let raw = reply.raw {
        writeAll(fd, raw)
        return
      }
      var head = "HTTP/1.1 \(reply.status) \(reason(reply.status))\r\n"
      for (n, v) in reply.headers { head += "\(n): \(v)\r\n" }
      head += "Content-Length: \(reply.body.count)\r\n\r\n"
      let body = reply.truncateBodyTo.map { Array(reply.body.prefix($0)) } ?? reply.body
      writeAll(fd, Array(head.utf8) + body)
      if reply.truncateBodyTo != nil { return }
    }
  }

  private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes {
        send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if n <= 0 { return }
      offset += n
    }
  }

  private func reason(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 204: return "No Content"
    case 302: return "Found"
    case 307: return "Temporary Redirect"
    case 400: return "Bad Request"
    case 404: return "Not Found"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 503: return "Service Unavailable"
    default: return "Status"
    }
  }
}

/// Reads HTTP/1.1 requests (headers plus a Content-Length body) off a socket.
private struct SocketReader {
  let fd: Int32
  var buffer: [UInt8] = []

  mutating func readRequest() -> RecordedRequest? {
    guard let headEnd = readUntilBlankLine() else { return nil }
    let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
    buffer.removeFirst(headEnd + 4)
    var lines = head.components(separatedBy: "\r\n")
    let first = lines.removeFirst().split(separator: " ")
    guard first.count >= 2 else { return nil }
    let headers = lines.compactMap { line -> (name: String, value: String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (
        String(line[..<colon]),
        line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      )
    }
    let length =
      headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
    while buffer.count < length {
      guard fill() else { return nil }
    }
    let body = Array(buffer.prefix(length))
    buffer.removeFirst(length)
    return RecordedRequest(
      method: String(first[0]), target: String(first[1]), headers: headers, body: body)
  }

  private mutating func readUntilBlankLine() -> Int? {
    let marker: [UInt8] = [13, 10, 13, 10]
    while true {
      if buffer.count >= 4 {
        for i in 0...(buffer.count - 4) where buffer[i..<(i + 4)].elementsEqual(marker) {
          return i
        }
      }
      guard fill() else { return nil }
    }
  }

  private mutating func fill() -> Bool {
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    guard n > 0 else { return false }
    buffer.append(contentsOf: chunk[0..<n])
    return true
  }
}
