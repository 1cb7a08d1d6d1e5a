import AstroCore

/// The status line and headers of an HTTP/1.x response.
///
/// Only the fields that frame the message are turned into strings while parsing; the
/// rest stay as the bytes that came, split on demand (`headers`). A successful call never
/// asks, and building a dozen strings per response was a tenth of a bulk run's work.
struct ResponseHead {
  var status: Int
  /// The `x` of `HTTP/1.x`.
  var minorVersion: Int
  /// The head as received: status line, header lines and the blank line.
  var raw: [UInt8] = []
  /// The fields that frame the message, picked out while parsing so that no lookup runs
  /// over all the headers again; repeated fields are joined with commas (RFC 9110, 5.3).
  var contentLength: String?
  var transferEncoding: String?
  var connection: String?

  /// Every header field in order, split out of `raw`.
  var headers: [(name: String, value: String)] { ResponseHeadReader.fields(of: raw) }

  /// The first value of a header; `name` is given in lower case.
  func header(_ name: String) -> String? {
    headers.first { $0.name.equalsLowercased(name) }?.value
  }

  /// Notes a field if it frames the message. `name` is the field's bytes; its value is
  /// made a string only then.
  mutating func note(_ name: UnsafeBufferPointer<UInt8>, _ value: () -> String) {
    func join(_ old: String?) -> String {
      let v = value()
      return old.map { "\($0), \(v)" } ?? v
    }
    switch name.count {
    case 10 where name.equalsLowercased("connection"): connection = join(connection)
    case 14 where name.equalsLowercased("content-length"): contentLength = join(contentLength)
    case 17 where name.equalsLowercased("transfer-encoding"):
      transferEncoding = join(transferEncoding)
    default: break
    }
  }

  /// A list-valued field split into lower-cased tokens.
  static func tokens(_ value: String?) -> [String] {
    guard let value else { return [] }
    return value.split(separator: ",").map { String($0).trimmingSpaces.lowercased() }
  }

  /// Whether the server lets the connection carry another request: HTTP/1.1 unless it
  /// says `close`, HTTP/1.0 only when it says `keep-alive`.
  var keepAlive: Bool {
    guard connection != nil else { return minorVersion >= 1 }
    let tokens = ResponseHead.tokens(connection)
    if tokens.contains("close") { return false }
    return minorVersion >= 1 || tokens.contains("keep-alive")
  }
}

/// A response that is not valid HTTP; the server may still have acted on the request.
struct MalformedResponse: Error {
  var why: String
}

/// The sizes a server may not exceed, so that a broken or hostile peer cannot make the
/// client buffer without bound.
struct HTTPLimits: Sendable {
  var maxHeaderBytes = 64 << 10
  var maxHeaderCount = 256
  var maxChunkLine = 4 << 10
}

/// Reads response heads off a connection.
enum ResponseHeadReader {
  /// Reads the final response head, skipping interim 1xx answers such as 100 Continue.
  static func read(_ connection: HTTPConnection, limits: WaitLimits, bounds: HTTPLimits) throws
    -> ResponseHead
  {
    while true {
      let head = try readOne(connection, limits: limits, bounds: bounds)
      if head.status >= 200 { return head }
      if head.status == 101 { throw MalformedResponse(why: "the server switched protocols") }
    }
  }

  private static func readOne(
    _ connection: HTTPConnection, limits: WaitLimits, bounds: HTTPLimits
  ) throws -> ResponseHead {
    var scanned = 0
    while true {
      let unread = connection.unread
      if let end = headEnd(unread, from: scanned) {
        guard end <= bounds.maxHeaderBytes else { throw tooLong(bounds) }
        let head = try parse(UnsafeBufferPointer(rebasing: unread[..<end]), bounds: bounds)
        connection.consume(end)
        return head
      }
      guard unread.count < bounds.maxHeaderBytes else { throw tooLong(bounds) }
      scanned = max(0, unread.count - 3)
      guard try connection.fill(limits: limits, maxBuffered: bounds.maxHeaderBytes) else {
        throw SocketFailure(.closed, closedDetail(connection))
      }
    }
  }

  private static func tooLong(_ bounds: HTTPLimits) -> MalformedResponse {
    MalformedResponse(
      why: "the response headers are longer than \(bounds.maxHeaderBytes >> 10) KB")
  }

  private static func closedDetail(_ connection: HTTPConnection) -> String {
    connection.received == 0
      ? "the server closed the connection without answering"
      : "the server closed the connection in the middle of the response headers"
  }

  /// The offset just past the blank line that ends the head (CRLF or bare LF lines).
  static func headEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    var i = from
    while i < bytes.count {
      if bytes[i] == 10 {
        if i + 1 < bytes.count, bytes[i + 1] == 10 { return i + 2 }
        if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 { return i + 3 }
      }
      i += 1
    }
    return nil
  }

  /// Parses the status line and checks every header field, one line at a time.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, bounds: HTTPLimits) throws
    -> ResponseHead
  {
    var lines = LineScanner(bytes: bytes)
    guard let first = lines.next(), !first.isEmpty else {
      throw MalformedResponse(why: "the status line is missing")
    }
    var head = try statusLine(first)
    var count = 0
    while let line = lines.next(), !line.isEmpty {
      guard count < bounds.maxHeaderCount else {
        throw MalformedResponse(why: "more than \(bounds.maxHeaderCount) header fields")
      }
      count += 1
      let (name, value) = try split(line)
      head.note(UnsafeBufferPointer(rebasing: name)) {
        String(decoding: value, as: UTF8.self)
      }
    }
    head.raw = Array(bytes)
    return head
  }

  /// The header fields of a head that `parse` accepted.
  static func fields(of raw: [UInt8]) -> [(name: String, value: String)] {
    raw.withUnsafeBufferPointer { bytes in
      var lines = LineScanner(bytes: bytes)
      _ = lines.next()
      var out: [(name: String, value: String)] = []
      while let line = lines.next(), !line.isEmpty, let field = try? split(line) {
        out.append(
          (
            String(decoding: field.name, as: UTF8.self),
            String(decoding: field.value, as: UTF8.self)
          ))
      }
      return out
    }
  }

  /// The lines of a head, each without its CRLF or bare LF.
  struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
      guard position < bytes.count else { return nil }
      let start = position
      var end = start
      while end < bytes.count, bytes[end] != 10 { end += 1 }
      position = end + 1
      if end > start, bytes[end - 1] == 13 { end -= 1 }
      return bytes[start..<end]
    }
  }

  private static func statusLine(_ line: Slice<UnsafeBufferPointer<UInt8>>) throws
    -> ResponseHead
  {
    let b = UnsafeBufferPointer(rebasing: line)
    guard b.count >= 12, b[0] == 72, b[1] == 84, b[2] == 84, b[3] == 80, b[4] == 47,
      b[5] == 49, b[6] == 46, isDigit(b[7]), b[8] == 32, isDigit(b[9]), isDigit(b[10]),
      isDigit(b[11]), b.count == 12 || b[12] == 32
    else {
      let shown = String(decoding: b.prefix(40), as: UTF8.self)
      throw MalformedResponse(why: "not an HTTP/1.x status line: '\(shown)'")
    }
    let status = Int(b[9] - 48) * 100 + Int(b[10] - 48) * 10 + Int(b[11] - 48)
    return ResponseHead(status: status, minorVersion: Int(b[7] - 48))
  }

  /// A header line's name and value, the value without surrounding blanks.
  private static func split(_ line: Slice<UnsafeBufferPointer<UInt8>>) throws -> (
    name: Slice<UnsafeBufferPointer<UInt8>>, value: Slice<UnsafeBufferPointer<UInt8>>
  ) {
    var colon = line.startIndex
    while colon < line.endIndex, line[colon] != 58, line[colon] != 32, line[colon] != 9 {
      colon += 1
    }
    guard colon > line.startIndex, colon < line.endIndex, line[colon] == 58 else {
      // Folded continuation lines (obsolete) land here too: they start with a space.
      let shown = String(decoding: line.prefix(40), as: UTF8.self)
      throw MalformedResponse(why: "malformed header line '\(shown)'")
    }
    var from = colon + 1
    var to = line.endIndex
    while from < to, line[from] == 32 || line[from] == 9 { from += 1 }
    while to > from, line[to - 1] == 32 || line[to - 1] == 9 { to -= 1 }
    return (line[line.startIndex..<colon], line[from..<to])
  }

  private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
