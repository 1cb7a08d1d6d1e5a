import AstroCore

/// How the end of a response body is known (RFC 9112, section 6.3).
enum BodyFraming: Equatable {
  /// No body at all: HEAD, 1xx, 204 and 304.
  case none
  case length(Int)
  case chunked
  /// The body runs until the server closes the connection, which can then not be reused.
  case untilClose

  /// The framing of a response to a request of `method`.
  init(head: ResponseHead, method: String) throws {
    if method == "HEAD" || head.status == 204 || head.status == 304 {
      self = .none
      return
    }
    if head.transferEncoding != nil {
      // Transfer-Encoding wins over any Content-Length; only a final `chunked` frames it.
      let encodings = ResponseHead.tokens(head.transferEncoding)
      self = encodings.last == "chunked" ? .chunked : .untilClose
      return
    }
    guard let field = head.contentLength else {
      self = .untilClose
      return
    }
    // The usual case, one plain number, needs no splitting.
    if let n = BodyFraming.decimal(field) {
      self = .length(n)
      return
    }
    let lengths = ResponseHead.tokens(field)
    guard let first = lengths.first, lengths.allSatisfy({ $0 == first }),
      let n = BodyFraming.decimal(first)
    else { throw MalformedResponse(why: "invalid Content-Length '\(field)'") }
    self = .length(n)
  }

  /// A non-negative decimal of at most 18 digits (no sign, no spaces), else nil.
  static func decimal(_ text: String) -> Int? {
    var n = 0
    var digits = 0
    for b in text.utf8 {
      guard b >= 48, b <= 57, digits < 18 else { return nil }
      n = n * 10 + Int(b - 48)
      digits += 1
    }
    return digits == 0 ? nil : n
  }
}

/// Reads one response body off its connection, in pieces, whatever its framing.
///
/// A body that ends early (the connection closed before the declared length or before
/// the last chunk) is a `.closed` failure: the answer is incomplete, never silently short.
final class HTTPBodyReader {
  private enum State {
    case length(remaining: Int)
    /// Inside a chunk with this many data bytes left; 0 means a size line comes next.
    case chunk(remaining: Int)
    case untilClose
    case done
  }

  let connection: HTTPConnection
  let framing: BodyFraming
  private let bounds: HTTPLimits
  private var state: State
  private var delivered = 0

  init(connection: HTTPConnection, framing: BodyFraming, bounds: HTTPLimits) {
    self.connection = connection
    self.framing = framing
    self.bounds = bounds
    switch framing {
    case .none, .length(0): state = .done
    case .length(let n): state = .length(remaining: n)
    case .chunked: state = .chunk(remaining: 0)
    case .untilClose: state = .untilClose
    }
  }

  /// Whether the whole body has been read, so the connection is at a message boundary.
  var isComplete: Bool {
    if case .done = state { return true }
    return false
  }

  /// The next piece of the body, at most `max` bytes; nil once it is complete.
  func next(max: Int, limits: WaitLimits) throws -> [UInt8]? {
    while true {
      switch state {
      case .done:
        return nil
      case .length(let remaining):
        let piece = try piece(min(remaining, max), limits: limits)
        state = remaining == piece.count ? .done : .length(remaining: remaining - piece.count)
        return piece
      case .chunk(0):
        try startChunk(limits: limits)
      case .chunk(let remaining):
        let piece = try piece(min(remaining, max), limits: limits)
        if piece.count == remaining { try endOfChunkData(limits: limits) }
        state = .chunk(remaining: remaining - piece.count)
        return piece
      case .untilClose:
        if connection.buffered == 0, try !connection.fill(limits: limits) {
          state = .done
          return nil
        }
        return taken(Swift.min(connection.buffered, max))
      }
    }
  }

  /// The rest of the body in one array; more than `limit` bytes is an error, found
  /// from `Content-Length` before anything is read when the server sent one.
  func readAll(limits: WaitLimits, limit: Int = APIResponse.maxBodySize) throws -> [UInt8] {
    if case .length(let n) = framing, n > limit {
      throw SocketFailure(.tooLarge, APIResponse.tooLargeDetail)
    }
    guard var out = try next(max: .max, limits: limits) else { return [] }
    if case .length(let n) = framing { out.reserveCapacity(Swift.min(n, 1 << 20)) }
    while let more = try next(max: .max, limits: limits) {
      out += more
      if out.count > limit { throw SocketFailure(.tooLarge, APIResponse.tooLargeDetail) }
    }
    return out
  }

  /// Up to `count` bytes, reading when nothing is buffered; a close here is a short body.
  private func piece(_ count: Int, limits: WaitLimits) throws -> [UInt8] {
    if connection.buffered == 0, try !connection.fill(limits: limits) {
      throw SocketFailure(.closed, shortBodyDetail)
    }
    return taken(Swift.min(count, connection.buffered))
  }

  private func taken(_ count: Int) -> [UInt8] {
    delivered += count
    return connection.take(count)
  }

  private var shortBodyDetail: String {
    if case .length(let n) = framing {
      return "the body ended after \(delivered) of \(n) bytes"
    }
    return "the body ended after \(delivered) bytes, before its last chunk"
  }

  // MARK: Chunks

  /// Reads a chunk-size line; a zero size ends the body after its trailer fields.
  private func startChunk(limits: WaitLimits) throws {
    let line = try readLine(limits: limits)
    let digits = line.prefix { $0 != 59 && $0 != 32 && $0 != 9 }
    guard !digits.isEmpty, digits.count <= 15,
      let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
    else {
      let shown = String(decoding: line.prefix(20), as: UTF8.self)
      throw MalformedResponse(why: "invalid chunk size '\(shown)'")
    }
    if size > 0 {
      state = .chunk(remaining: size)
      return
    }
    var trailerBytes = 0
    while true {
      let trailer = try readLine(limits: limits)
      if trailer.isEmpty { break }
      trailerBytes += trailer.count
      guard trailerBytes <= bounds.maxHeaderBytes else {
        throw MalformedResponse(why: "the trailer fields are too long")
      }
    }
    state = .done
  }

  /// The line break that must follow a chunk's data.
  private func endOfChunkData(limits: WaitLimits) throws {
    guard try readLine(limits: limits).isEmpty else {
      throw MalformedResponse(why: "a chunk is longer than its declared size")
    }
  }

  /// One line without its CRLF (or bare LF), at most `maxChunkLine` bytes long.
  private func readLine(limits: WaitLimits) throws -> [UInt8] {
    while true {
      let unread = connection.unread
      if let lf = unread.firstIndex(of: 10) {
        var line = Array(unread[..<lf])
        if line.last == 13 { line.removeLast() }
        connection.consume(lf + 1)
        return line
      }
      guard unread.count < bounds.maxChunkLine else {
        throw MalformedResponse(why: "a chunk header is longer than \(bounds.maxChunkLine) bytes")
      }
      guard try connection.fill(limits: limits) else {
        throw SocketFailure(.closed, shortBodyDetail)
      }
    }
  }
}
