import AstroCore
import Foundation
import Testing

@testable import OrgAPI

/// The built-in HTTP/1.1 client against the scripted server on 127.0.0.1: what goes on the
/// wire, keep-alive, body framing, streaming, redirects and how it is selected.
@Suite struct PlainHTTPTransportTests {
  static func transport(
    _ server: ScriptedServer, deadline: Double = 10, idle: Double = 10, bounds: HTTPLimits = .init()
  ) throws -> PlainHTTPTransport {
    try PlainHTTPTransport(
      configuration: .init(
        baseURL: server.url + "/v1alpha1", deadline: deadline, idleTimeout: idle),
      bounds: bounds)
  }

  static func get(_ path: String, headers: [(name: String, value: String)] = []) -> APIRequest {
    APIRequest(method: .get, path: path, headers: headers)
  }

  private static let serial = Locked<UInt>(0)

  /// The scripted server serves each connection on its own thread, so a number kept in
  /// the thread's dictionary tells connections apart (thread ids themselves get reused).
  static func connectionID() -> UInt {
    let dictionary = Thread.current.threadDictionary
    if let id = dictionary["connection"] as? UInt { return id }
    let id = serial.withLock { n -> UInt in
      n += 1
      return n
    }
    dictionary["connection"] = id
    return id
  }

  @Test func sendsMethodPathQueryHeadersAndBody() throws {
    let server = try ScriptedServer { _ in .json(200, #"{"ok":true}"#) }
    defer { server.stop() }
    let request = APIRequest(
      method: .post, path: "/organizations/o%201/domains",
      query: [("sorts", "name:asc"), ("sorts", "id:desc")],
      headers: [("Content-Type", "application/json"), ("X-Test", "1"), ("Content-Length", "99")],
      body: Array(#"{"name":"a.example"}"#.utf8))
    let response = try Self.transport(server).send(request, isCancelled: { false })
    #expect(response.status == 200)
    #expect(response.body == Array(#"{"ok":true}"#.utf8))
    #expect(response.header("content-type") == "application/json")
    let seen = try #require(server.requests.first)
    #expect(seen.method == "POST")
    #expect(seen.target == "/v1alpha1/organizations/o%201/domains?sorts=name%3Aasc&sorts=id%3Adesc")
    #expect(seen.header("Host") == "127.0.0.1:\(server.port)")
    #expect(seen.header("X-Test") == "1")
    // The caller's stale length is replaced by the real one, never sent twice.
    #expect(seen.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value) == ["20"])
    #expect(seen.body == Array(#"{"name":"a.example"}"#.utf8))
  }

  @Test func anEmptyPostStillSaysItsLength() throws {
    let server = try ScriptedServer { _ in ScriptedReply(status: 204) }
    defer { server.stop() }
    let response = try Self.transport(server).send(
      APIRequest(method: .post, path: "/x"), isCancelled: { false })
    #expect(response.status == 204)
    #expect(response.body.isEmpty)
    #expect(server.requests.first?.header("Content-Length") == "0")
  }

  @Test func keepAliveCarriesSequentialRequestsOnOneConnection() throws {
    let server = try ScriptedServer { _ in .json(200, "{\"c\":\"\(Self.connectionID())\"}") }
    defer { server.stop() }
    let t = try Self.transport(server)
    let bodies = try (0..<5).map { _ in try t.send(Self.get("/x"), isCancelled: { false }).body }
    #expect(Set(bodies).count == 1)
    #expect(server.requests.count == 5)
    #expect(t.pool.idleCount(t.endpoint) == 1)
  }

  @Test func thePoolDropsLongIdleConnectionsAndKeepsAtMostItsCap() throws {
    let server = try ScriptedServer { _ in .json(200, "{}") }
    defer { server.stop() }
    let endpoint = try #require(HTTPEndpoint(server.url))
    let limits = WaitLimits(deadline: .infinity, idle: 10, isCancelled: { false })
    func open() throws -> HTTPConnection {
      try HTTPConnection.open(host: endpoint.host, port: endpoint.port, limits: limits)
    }
    let pool = HTTPConnectionPool(primary: endpoint, maxIdlePerOrigin: 2, maxIdleSeconds: 30)
    let old = try open()
    pool.checkIn(old, endpoint)
    pool.checkIn(try open(), endpoint)
    pool.checkIn(try open(), endpoint)
    #expect(pool.idleCount(endpoint) == 2)
    // The first has been idle for a minute: the next hand-back closes it.
    old.idleSince -= 60
    pool.checkIn(try open(), endpoint)
    #expect(pool.idleCount(endpoint) == 2)
    #expect(pool.checkOut(endpoint) !== old)
    #expect(pool.checkOut(endpoint) !== old)
    #expect(pool.checkOut(endpoint) == nil)
  }

  @Test func headerValuesWithLineBreaksAreRefused() throws {
    let server = try ScriptedServer { _ in .json(200, "{}") }
    defer { server.stop() }
    #expect {
      try Self.transport(server).send(
        Self.get("/x", headers: [("X-Evil", "a\r\nInjected: 1")]), isCancelled: { false })
    } throws: { error in
      let e = try #require(error as? TransportError)
      return e.reason == .other && e.detail.contains("X-Evil")
    }
    #expect(server.requests.isEmpty)
  }

  // MARK: Framing

  @Test func chunkedBodyWithExtensionsAndTrailers() throws {
    let wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
      + "5;name=value\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: 1\r\n\r\n"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(wire.utf8)) }
    defer { server.stop() }
    let response = try Self.transport(server).send(Self.get("/x"), isCancelled: { false })
    #expect(String(decoding: response.body, as: UTF8.self) == "hello world!")
  }

  @Test func bodyUntilCloseWhenNoLengthIsGiven() throws {
    let wire = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(wire.utf8)) }
    defer { server.stop() }
    let t = try Self.transport(server)
    let response = try t.send(Self.get("/x"), isCancelled: { false })
    #expect(String(decoding: response.body, as: UTF8.self) == "all of it")
    #expect(t.pool.idleCount(t.endpoint) == 0)
  }

  @Test func interimAnswersAreSkipped() throws {
    let wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(wire.utf8)) }
    defer { server.stop() }
    let response = try Self.transport(server).send(Self.get("/x"), isCancelled: { false })
    #expect(response.status == 200)
    #expect(response.body == Array("ok".utf8))
  }

  struct FramingCase: Sendable, CustomStringConvertible {
    var description: String
    var head: String
    var method = "GET"
    var framing: BodyFraming?
  }

  @Test(arguments: [
    FramingCase(
      description: "length", head: "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
      framing: .length(12)),
    FramingCase(
      description: "repeated equal lengths",
      head: "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", framing: .length(3)),
    FramingCase(
      description: "chunked wins",
      head: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      framing: .chunked),
    FramingCase(
      description: "not chunked last", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
      framing: .untilClose),
    FramingCase(description: "no length", head: "HTTP/1.1 200 OK\r\n\r\n", framing: .untilClose),
    FramingCase(
      description: "204", head: "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
      framing: BodyFraming.none),
    FramingCase(
      description: "HEAD", head: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", method: "HEAD",
      framing: BodyFraming.none),
    FramingCase(
      description: "bare LF lines", head: "HTTP/1.1 200 OK\nContent-Length: 1\n\n",
      framing: .length(1)),
    FramingCase(
      description: "conflicting lengths", head: "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n"),
    FramingCase(
      description: "negative length", head: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
    FramingCase(description: "not HTTP", head: "ICY 200 OK\r\n\r\n"),
    FramingCase(
      description: "space before colon", head: "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n"),
    FramingCase(description: "folded header", head: "HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n"),
  ])
  func headParsingAndFraming(_ c: FramingCase) {
    let bytes = Array(c.head.utf8)
    let framing = try? bytes.withUnsafeBufferPointer { buffer -> BodyFraming in
      let end = try #require(ResponseHeadReader.headEnd(buffer, from: 0))
      #expect(end == buffer.count)
      let head = try ResponseHeadReader.parse(
        UnsafeBufferPointer(rebasing: buffer[..<end]), bounds: HTTPLimits())
      return try BodyFraming(head: head, method: c.method)
    }
    #expect(framing == c.framing)
  }

  @Test func keepAliveFollowsTheVersionAndConnectionHeader() throws {
    func keepAlive(_ head: String) throws -> Bool {
      try Array(head.utf8).withUnsafeBufferPointer {
        try ResponseHeadReader.parse($0, bounds: HTTPLimits()).keepAlive
      }
    }
    #expect(try keepAlive("HTTP/1.1 200 OK\r\n"))
    #expect(try !keepAlive("HTTP/1.1 200 OK\r\nConnection: Close\r\n"))
    #expect(try !keepAlive("HTTP/1.0 200 OK\r\n"))
    #expect(try keepAlive("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"))
  }

  @Test func headerFieldsAreSplitOnDemandInOrderAndTrimmed() throws {
    let text =
      "HTTP/1.1 429 Too Many\r\nretry-after:  7 \r\nX-Request-Id:\tabc\r\n"
      + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"
    let head = try Array(text.utf8).withUnsafeBufferPointer {
      try ResponseHeadReader.parse($0, bounds: HTTPLimits())
    }
    #expect(head.status == 429)
    #expect(head.contentLength == "0")
    #expect(
      head.headers.map(\.name) == [
        "retry-after", "X-Request-Id", "Set-Cookie", "Set-Cookie", "Content-Length",
      ])
    #expect(head.headers.map(\.value) == ["7", "abc", "a=1", "b=2", "0"])
    #expect(head.header("x-request-id") == "abc")
    let response = APIResponse(status: head.status, rawHead: head.raw, body: [])
    #expect(response.header("Retry-After") == "7")
    var edited = response
    edited.headers.append(("X-Extra", "1"))
    #expect(edited.headers.count == 6 && edited.header("x-extra") == "1")
  }

  // MARK: Streaming

  @Test func openStreamsTheBodyInPiecesThenReusesTheConnection() throws {
    let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0) }
    let server = try ScriptedServer { r in
      r.target.hasSuffix("/big") ? ScriptedReply(status: 200, body: body) : .json(200, "{}")
    }
    defer { server.stop() }
    let t = try Self.transport(server)
    let stream = try t.open(Self.get("/big"), isCancelled: { false })
    var received: [UInt8] = []
    var pieces = 0
    while let piece = try stream.next() {
      #expect(piece.count <= BodyStream.pieceSize)
      received += piece
      pieces += 1
    }
    #expect(received == body)
    #expect(pieces >= 5)
    #expect(try stream.next() == nil)
    #expect(t.pool.idleCount(t.endpoint) == 1)
  }

  @Test func closingAStreamEarlyDropsItsConnection() throws {
    let body = [UInt8](repeating: 7, count: 1 << 20)
    let server = try ScriptedServer { _ in ScriptedReply(status: 200, body: body) }
    defer { server.stop() }
    let t = try Self.transport(server)
    let stream = try t.open(Self.get("/big"), isCancelled: { false })
    #expect(try stream.next() != nil)
    stream.close()
    #expect(try stream.next() == nil)
    #expect(t.pool.idleCount(t.endpoint) == 0)
  }

  // MARK: Selection

  @Test func plainHTTPGetsTheBuiltInClientAndHTTPSKeepsURLSession() throws {
    let plain = try HTTPTransport.make(.init(baseURL: "http://127.0.0.1:9/v1"), client: .automatic)
    #expect(plain is PlainHTTPTransport)
    #expect(plain.targetDescription == "127.0.0.1:9")
    let secure = try HTTPTransport.make(.init(baseURL: "https://localhost/v1"), client: .automatic)
    #expect(secure is HTTPTransport)
    let forced = try HTTPTransport.make(.init(baseURL: "http://127.0.0.1:9"), client: .urlSession)
    #expect(forced is HTTPTransport)
  }

  @Test func theEnvironmentChoosesTheClient() throws {
    let env = ["ASTRO_API_URL": "http://127.0.0.1:9/v1alpha1"]
    let auto = try APISettings.resolve(environment: env)
    #expect(auto.httpClient == .automatic)
    #expect(try APIClient.live(auto).configuration.transport is PlainHTTPTransport)
    let hatch = try APISettings.resolve(
      environment: env.merging(["ASTROSH_HTTP_CLIENT": "URLSession"]) { a, _ in a })
    #expect(hatch.httpClient == .urlSession)
    #expect(try APIClient.live(hatch).configuration.transport is HTTPTransport)
    #expect(throws: ShellError.self) {
      try APISettings.resolve(environment: ["ASTROSH_HTTP_CLIENT": "curl"])
    }
  }

  @Test func onlyPlainHTTPBaseURLsAreAccepted() {
    for url in ["https://localhost/v1", "ftp://x", "not a url", "http://"] {
      #expect(throws: ShellError.self) {
        try PlainHTTPTransport(configuration: .init(baseURL: url))
      }
    }
  }
}
