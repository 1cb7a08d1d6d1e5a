import AstroCore

/// Serialises one HTTP/1.1 request: request line, headers and body, in one buffer so it
/// goes out in a single write.
enum HTTPRequestWriter {
  /// Headers this client sets itself; a caller's copy is dropped rather than sent twice.
  private static let managed = ["host", "content-length", "transfer-encoding", "connection"]

  static func bytes(_ hop: PlainHTTPTransport.Hop) throws -> [UInt8] {
    guard !hop.target.isEmpty, isClean(hop.target, allowSpace: false) else {
      throw TransportError(
        .other, host: hop.endpoint.description,
        detail: "the request path contains a space or a control character")
    }
    var out: [UInt8] = []
    out.reserveCapacity(256 + (hop.body?.count ?? 0))
    out.append(contentsOf: hop.method.utf8)
    out.append(32)
    out.append(contentsOf: hop.target.utf8)
    out.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
    out.append(contentsOf: hop.endpoint.hostHeader.utf8)
    out.append(contentsOf: crlf)
    for (name, value) in hop.headers where !managed.contains(where: name.equalsLowercased) {
      guard !name.isEmpty, isClean(name, allowSpace: false), isClean(value, allowSpace: true)
      else {
        throw TransportError(
          .other, host: hop.endpoint.description,
          detail: "the header '\(name)' contains a control character")
      }
      out.append(contentsOf: name.utf8)
      out.append(contentsOf: ": ".utf8)
      out.append(contentsOf: value.utf8)
      out.append(contentsOf: crlf)
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

  private static let crlf: [UInt8] = [13, 10]

  /// No control characters (a CR or LF would let a value start a header of its own).
  private static func isClean(_ text: String, allowSpace: Bool) -> Bool {
    text.utf8.allSatisfy { b in
      b == 9 ? allowSpace : b >= 32 && b != 127 && (allowSpace || b != 32)
    }
  }
}

extension String {
  /// Whether this equals `lower` (lower-case ASCII) ignoring ASCII case, without the
  /// allocations of `lowercased()`: header names are compared on every response.
  func equalsLowercased(_ lower: String) -> Bool {
    let mine = utf8
    guard mine.count == lower.utf8.count else { return false }
    return zip(mine, lower.utf8).allSatisfy { a, b in
      a == b || (a >= 65 && a <= 90 && a + 32 == b)
    }
  }
}
