import AstroCore
import Foundation
import Testing

@testable import OrgAPI

/// The built-in HTTP/1.1 client when things go wrong: broken bodies, resets, stale
/// keep-alive connections, slow servers, Ctrl-C, redirects, and many threads at once.
@Suite struct PlainHTTPTransportFailureTests {
  private typealias T = PlainHTTPTransportTests

  private func failure(_ body: () throws -> Any) -> TransportError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? TransportError
    }
  }

  @Test func truncatedLengthBodyIsALostConnection() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, String(repeating: "x", count: 1000))
      r.truncateBodyTo = 10
      return r
    }
    defer { server.stop() }
    let e = try #require(
      failure { try T.transport(server).send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .connectionLost)
    #expect(
      e.message
        == "the connection to 127.0.0.1:\(server.port) was lost: "
        + "the body ended after 10 of 1000 bytes"
    )
  }

  @Test func truncatedChunkedBodyIsALostConnection() throws {
    let wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(wire.utf8)) }
    defer { server.stop() }
    let e = try #require(
      failure { try T.transport(server).send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .connectionLost)
    #expect(e.detail.contains("before its last chunk"))
  }

  @Test func aResetOnAFreshConnectionIsReportedNotRetried() throws {
    let server = try ScriptedServer { _ in ScriptedReply(reset: true) }
    defer { server.stop() }
    let e = try #require(
      failure { try T.transport(server).send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .connectionLost)
    #expect(server.requests.count == 1)
  }

  @Test func aStaleKeepAliveConnectionIsRetriedOnceOnAFreshOne() throws {
    // The second request on each connection is dropped without a byte of answer, as a
    // server does when its idle timeout strikes just as the request arrives.
    let served = Locked<[UInt: Int]>([:])
    let server = try ScriptedServer { _ in
      let n = served.withLock { seen -> Int in
        seen[T.connectionID(), default: 0] += 1
        return seen[T.connectionID()]!
      }
      return n == 1 ? .json(200, "{\"n\":1}") : ScriptedReply(raw: [])
    }
    defer { server.stop() }
    let t = try T.transport(server)
    _ = try t.send(T.get("/first"), isCancelled: { false })
    let second = try t.send(T.get("/second"), isCancelled: { false })
    #expect(second.status == 200)
    #expect(
      server.requests.map(\.target) == ["/v1alpha1/first", "/v1alpha1/second", "/v1alpha1/second"])
    #expect(served.current.count == 2)
  }

  @Test func aPartialAnswerOnAReusedConnectionIsNotRetried() throws {
    let served = Locked<[UInt: Int]>([:])
    let server = try ScriptedServer { _ in
      let n = served.withLock { seen -> Int in
        seen[T.connectionID(), default: 0] += 1
        return seen[T.connectionID()]!
      }
      return n == 1
        ? .json(200, "{}") : ScriptedReply(raw: Array("HTTP/1.1 200 OK\r\nContent-".utf8))
    }
    defer { server.stop() }
    let t = try T.transport(server)
    _ = try t.send(T.get("/first"), isCancelled: { false })
    let e = try #require(failure { try t.send(T.get("/second"), isCancelled: { false }) })
    #expect(e.reason == .connectionLost)
    #expect(e.detail.contains("in the middle of the response headers"))
    #expect(server.requests.count == 2)
  }

  @Test func refusedConnectionIsConnectionFailed() throws {
    let server = try ScriptedServer { _ in .json(200, "{}") }
    let url = server.url
    server.stop()
    let t = try PlainHTTPTransport(configuration: .init(baseURL: url))
    let e = try #require(failure { try t.send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .connectionFailed)
    #expect(
      e.message
        == "cannot connect to 127.0.0.1:\(server.port): "
        + "the connection was refused or the host is unreachable"
    )
  }

  @Test func unresolvableHostIsConnectionFailed() throws {
    let t = try PlainHTTPTransport(configuration: .init(baseURL: "http://no-such-host.invalid"))
    let e = try #require(failure { try t.send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .connectionFailed)
    #expect(
      e.message.hasPrefix("cannot connect to no-such-host.invalid: cannot resolve the host name"))
  }

  @Test func garbageInsteadOfHTTPIsNamed() throws {
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array("SSH-2.0-OpenSSH\r\n\r\n".utf8))
    }
    defer { server.stop() }
    let e = try #require(
      failure { try T.transport(server).send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .other)
    #expect(e.detail.hasPrefix("the answer is not valid HTTP: not an HTTP/1.x status line"))
  }

  @Test func oversizedHeadersAreRefused() throws {
    let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 10_000) + "\r\n\r\n"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(huge.utf8)) }
    defer { server.stop() }
    var bounds = HTTPLimits()
    bounds.maxHeaderBytes = 4096
    let t = try T.transport(server, bounds: bounds)
    let e = try #require(failure { try t.send(T.get("/x"), isCancelled: { false }) })
    #expect(e.reason == .other)
    #expect(e.detail.contains("headers are longer than 4 KB"))
  }

  // MARK: Time and Ctrl-C

  @Test func deadlineStopsASlowAnswer() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "{}")
      r.delay = 3
      return r
    }
    defer { server.stop() }
    let t = try T.transport(server, deadline: 0.3)
    let e = try #require(failure { try t.send(T.get("/slow"), isCancelled: { false }) })
    #expect(e.reason == .timedOut)
    #expect(
      e.message
        == "127.0.0.1:\(server.port) did not answer in time: no complete answer within 0.3 s")
  }

  @Test func idleTimeoutStopsASilentServer() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "{}")
      r.delay = 3
      return r
    }
    defer { server.stop() }
    let t = try T.transport(server, deadline: 10, idle: 0.3)
    let e = try #require(failure { try t.send(T.get("/slow"), isCancelled: { false }) })
    #expect(e.reason == .timedOut)
    #expect(e.detail == "nothing received for 0.3 s")
  }

  @Test func cancellationAbandonsTheRequest() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "{}")
      r.delay = 3
      return r
    }
    defer { server.stop() }
    let flag = Locked(false)
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.withLock { $0 = true } }
    let t = try T.transport(server)
    let e = try #require(failure { try t.send(T.get("/slow"), isCancelled: { flag.current }) })
    #expect(e.reason == .cancelled)
    #expect(t.pool.idleCount(t.endpoint) == 0)
  }

  @Test func cancellationStopsAStreamedBody() throws {
    let wire = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst"
    let server = try ScriptedServer { _ in ScriptedReply(raw: Array(wire.utf8)) }
    defer { server.stop() }
    let flag = Locked(false)
    let stream = try T.transport(server).open(T.get("/x"), isCancelled: { flag.current })
    #expect(try stream.next() == Array("first".utf8))
    flag.withLock { $0 = true }
    #expect(throws: ShellError.self) { try stream.next() }
  }

  // MARK: Answers too large to read

  /// A chunked answer just over the limit: no `Content-Length` warns of it.
  static let oversizedChunkedAnswer: [UInt8] = {
    let size = APIResponse.maxBodySize + 1
    let head =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n\(String(size, radix: 16))\r\n"
    var bytes = Array(head.utf8)
    bytes += [UInt8](repeating: UInt8(ascii: " "), count: size)
    bytes += Array("\r\n0\r\n\r\n".utf8)
    return bytes
  }()

  @Test func anAnswerOverTheLimitIsAnErrorNotAMemoryBlowUp() throws {
    let declared = try ScriptedServer { _ in
      ScriptedReply(
        raw: Array("HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n[]".utf8))
    }
    defer { declared.stop() }
    let early = try #require(
      failure { try T.transport(declared).send(T.get("/x"), isCancelled: { false }) })
    #expect(early.reason == .other)
    #expect(early.detail == APIResponse.tooLargeDetail)
    #expect(early.detail.hasPrefix("the answer is larger than 64 MB"))

    let chunked = try ScriptedServer { _ in ScriptedReply(raw: Self.oversizedChunkedAnswer) }
    defer { chunked.stop() }
    let late = try #require(
      failure { try T.transport(chunked).send(T.get("/x"), isCancelled: { false }) })
    #expect(late.detail == APIResponse.tooLargeDetail)
  }

  // MARK: Redirects

  @Test func crossHostRedirectDropsAuthorization() throws {
    let target = try ScriptedServer { _ in .json(200, "{}") }
    defer { target.stop() }
    let origin = try ScriptedServer { _ in
      ScriptedReply(
        status: 307, headers: [("Location", "http://localhost:\(target.port)/moved?a=1")])
    }
    defer { origin.stop() }
    let response = try T.transport(origin).send(
      T.get("/x", headers: [("Authorization", "Bearer secret-token")]), isCancelled: { false })
    #expect(response.status == 200)
    #expect(origin.requests.first?.header("Authorization") == "Bearer secret-token")
    let moved = try #require(target.requests.first)
    #expect(moved.target == "/moved?a=1")
    #expect(moved.header("Host") == "localhost:\(target.port)")
    #expect(moved.header("Authorization") == nil)
  }

  @Test func sameHostRelativeRedirectKeepsAuthorizationAndMethod() throws {
    let server = try ScriptedServer { r in
      r.target.hasSuffix("/old")
        ? ScriptedReply(status: 308, headers: [("Location", "new")]) : .json(200, "{}")
    }
    defer { server.stop() }
    let request = APIRequest(
      method: .post, path: "/dir/old", headers: [("Authorization", "Bearer tok")],
      body: Array("{}".utf8))
    _ = try T.transport(server).send(request, isCancelled: { false })
    let last = try #require(server.requests.last)
    #expect(server.requests.count == 2)
    #expect(last.target == "/v1alpha1/dir/new")
    #expect(last.method == "POST")
    #expect(last.body == Array("{}".utf8))
    #expect(last.header("Authorization") == "Bearer tok")
  }

  @Test(arguments: [301, 302, 303])
  func aChangeIsNotTurnedIntoAGetByARedirect(status: Int) throws {
    let server = try ScriptedServer { r in
      r.method == "GET"
        ? .json(200, "{}") : ScriptedReply(status: status, headers: [("Location", "/result")])
    }
    defer { server.stop() }
    for method in [HTTPMethod.post, .delete] {
      let request = APIRequest(
        method: method, path: "/create", headers: [("Content-Type", "application/json")],
        body: Array("{}".utf8))
      let answer = try T.transport(server).send(request, isCancelled: { false })
      #expect(answer.status == status)
      #expect(answer.header("location") == "/result")
    }
    #expect(server.requests.map(\.method) == ["POST", "DELETE"])
    // A read is still followed.
    let server303 = try ScriptedServer { r in
      r.target.hasSuffix("/old")
        ? ScriptedReply(status: 303, headers: [("Location", "/v1alpha1/new")]) : .json(200, "{}")
    }
    defer { server303.stop() }
    #expect(try T.transport(server303).send(T.get("/old"), isCancelled: { false }).status == 200)
    #expect(server303.requests.last?.target == "/v1alpha1/new")
  }

  @Test func redirectsToHTTPSAndEndlessLoopsAreErrors() throws {
    let secure = try ScriptedServer { _ in
      ScriptedReply(status: 301, headers: [("Location", "https://127.0.0.1/v1alpha1/x")])
    }
    defer { secure.stop() }
    let e = try #require(
      failure { try T.transport(secure).send(T.get("/x"), isCancelled: { false }) })
    #expect(e.detail.hasPrefix("redirected to https://127.0.0.1"))
    let loop = try ScriptedServer { _ in
      ScriptedReply(status: 302, headers: [("Location", "/again")])
    }
    defer { loop.stop() }
    let l = try #require(
      failure { try T.transport(loop).send(T.get("/x"), isCancelled: { false }) })
    #expect(l.detail == "more than \(PlainHTTPTransport.maxRedirects) redirects")
    #expect(loop.requests.count == PlainHTTPTransport.maxRedirects + 1)
  }

  // MARK: Concurrency and the client above

  @Test func manyThreadsShareThePool() throws {
    let server = try ScriptedServer { r in .json(200, "{\"path\":\"\(r.target)\"}") }
    defer { server.stop() }
    let t = try T.transport(server)
    let wrong = Locked(0)
    DispatchQueue.concurrentPerform(iterations: 16) { thread in
      for n in 0..<25 {
        let path = "/t\(thread)/n\(n)"
        let body = try? t.send(T.get(path), isCancelled: { false }).body
        if body != Array("{\"path\":\"/v1alpha1\(path)\"}".utf8) { wrong.withLock { $0 += 1 } }
      }
    }
    #expect(wrong.current == 0)
    #expect(server.requests.count == 400)
    #expect(t.pool.idleCount(t.endpoint) <= 16)
  }

  @Test func retryAfterFromA429GoesThroughTheClient() throws {
    let count = Locked(0)
    let server = try ScriptedServer { _ in
      let n = count.withLock { c -> Int in
        c += 1
        return c
      }
      return n == 1
        ? .json(429, #"{"message":"slow down","statusCode":429}"#, headers: [("Retry-After", "3")])
        : .json(200, "[]")
    }
    defer { server.stop() }
    let clock = VirtualClock()
    let client = APIClient(
      .init(
        transport: try T.transport(server), token: Fixture.token, rateLimits: .unlimited,
        retry: RetryPolicy(maxAttempts: 3, random: { 0 }), defaultOrganization: "o1",
        clock: clock.clock))
    let ctx = TestContext(client: client)
    #expect(try Fixture.run("list_managed_domains", in: ctx) == .list([]))
    #expect(server.requests.count == 2)
    #expect(server.requests.last?.header("Authorization") == "Bearer \(Fixture.token)")
    #expect(clock.sleeps.current.reduce(0, +) >= 3)
  }
}
