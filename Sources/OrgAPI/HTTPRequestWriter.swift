import AstroCore

/// Serialises one HTTP/1.1 request: request line, headers and body, in one buffer so it
/// goes out in a single write.
enum HTTPRequestWriter {
  static func bytes(_ hop: PlainHTTPTransport.Hop) throws -> [UInt8] {
    guard !hop.target.isEmpty, hop.target.withUTF8Bytes({ isClean($0, allowSpace: false) })
    else {
      throw TransportError(
        .other, host: hop.endpoint.description,
        detail: "the request path contains a space or a control character")
    }
    var out: [UInt8] = []
    out.reserveCapacity(256 + (hop.body?.count ?? 0))
    out.appendUTF8(of: hop.method)
    out.append(32)
    out.appendUTF8(of: hop.target)
    out.append(contentsOf: versionAndHost)
    out.appendUTF8(of: hop.endpoint.hostHeader)
    out.append(contentsOf: crlf)
    for header in hop.headers {
      // Each name and value is looked at through one buffer: this runs for every request.
      let clean = header.name.withUTF8Bytes { name in
        header.value.withUTF8Bytes { value -> Bool in
          guard !isManaged(name) else { return true }
          guard !name.isEmpty, isClean(name, allowSpace: false), isClean(value, allowSpace: true)
          else { return false }
          out.append(contentsOf: name)
          out.append(UInt8(ascii: ":"))
          out.append(UInt8(ascii: " "))
          out.append(contentsOf: value)
          out.append(contentsOf: crlf)
          return true
        }
      }
      guard clean else {
        throw TransportError(
          .other, host: hop.endpoint.description,
          detail: "the header '\(header.name)' contains a control character")
      }
    }
    if let body = hop.body {
      out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
    } else if hop.method == "POST" || hop.method == "PUT" || hop.method == "PATCH" {
      // Without a length the server could not tell where this request ends.
      out.append(contentsOf: "Content-Length: 0\r\n".utf8)
    }
    out.append(contentsOf: crlf)
    if let body = hop.body { out.append(contentsOf: body) }
    return out
  }

  /// Headers this client sets itself; a caller's copy is dropped rather than sent twice.
  private static func isManaged(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    switch name.count {
    case 4: return name.equalsLowercased("host")
    case 10: return name.equalsLowercased("connection")
    case 14: return name.equalsLowercased("content-length")
    case 17: return name.equalsLowercased("transfer-encoding")
    default: return false
    }
  }

  private static let crlf: [UInt8] = [13, 10]
  private static let versionAndHost = Array(" HTTP/1.1\r\nHost: ".utf8)

  /// No control characters (a CR or LF would let a value start a header of its own).
  private static func isClean(_ bytes: UnsafeBufferPointer<UInt8>, allowSpace: Bool) -> Bool {
    for b in bytes where b == 9 ? !allowSpace : b < 32 || b == 127 || (!allowSpace && b == 32) {
      return false
    }
    return true
  }
}

extension Array where Element == UInt8 {
  /// Appends the UTF-8 bytes of `text` in one copy.
  @inline(__always)
  mutating func appendUTF8(of text: String) {
    text.withUTF8Bytes { append(contentsOf: $0) }
  }
}

extension String {
  /// Runs `body` over the UTF-8 bytes in one buffer. A native string lends its storage
  /// (a small one is copied to the stack), so nothing is allocated. The request and
  /// response paths use it for every header: a loop over a buffer compiles to far less
  /// than a walk over `utf8` by its indices.
  @inline(__always)
  func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
    return try Array(utf8).withUnsafeBufferPointer(body)
  }

  /// Whether this equals `lower` (lower-case ASCII) ignoring ASCII case, without the
  /// allocations of `lowercased()`: header names are compared on every request.
  func equalsLowercased(_ lower: String) -> Bool {
    withUTF8Bytes { $0.equalsLowercased(lower) }
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// Whether these bytes spell `lower` (lower-case ASCII) ignoring ASCII case.
  func equalsLowercased(_ lower: String) -> Bool {
    lower.withUTF8Bytes { theirs in
      guard count == theirs.count else { return false }
      for (a, b) in zip(self, theirs) where a != b && !(a >= 65 && a <= 90 && a + 32 == b) {
        return false
      }
      return true
    }
  }
}
