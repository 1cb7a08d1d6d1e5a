import AstroCore
import Foundation
import Testing

@testable import OrgAPI

@Suite struct HTTPTransportTests {
  private func transport(_ server: ScriptedServer, deadline: Double = 10, idle: Double = 10)
    throws -> HTTPTransport
  {
    try HTTPTransport(
      configuration: .init(
        baseURL: server.url + "/v1alpha1", deadline: deadline, idleTimeout: idle))
  }

  private func get(_ path: String, headers: [(name: String, value: String)] = []) -> APIRequest {
    APIRequest(method: .get, path: path, headers: headers)
  }

  @Test func sendsMethodPathQueryHeadersAndBody() throws {
    let server = try ScriptedServer { _ in .json(200, #"{"ok":true}"#) }
    let t = try transport(server)
    defer { server.stop() }
    let request = APIRequest(
      method: .post, path: "/organizations/o%201/domains",
      query: [("sorts", "name:asc"), ("sorts", "id:desc")],
      headers: [("Content-Type", "application/json"), ("X-Test", "1")],
      body: Array(#"{"name":"a.example"}"#.utf8))
    let response = try t.send(request, isCancelled: { false })
    #expect(response.status == 200)
    #expect(response.body == Array(#"{"ok":true}"#.utf8))
    #expect(response.header("content-type") == "application/json")
    let seen = try #require(server.requests.first)
    #expect(seen.method == "POST")
    #expect(seen.target == "/v1alpha1/organizations/o%201/domains?sorts=name%3Aasc&sorts=id%3Adesc")
    #expect(seen.header("X-Test") == "1")
    #expect(seen.body == Array(#"{"name":"a.example"}"#.utf8))
  }

  @Test func crossHostRedirectDropsAuthorization() throws {
    let target = try ScriptedServer { _ in .json(200, "{}") }
    let origin = try ScriptedServer { _ in
      ScriptedReply(status: 307, headers: [("Location", "http://localhost:\(target.port)/moved")])
    }
    let t = try transport(origin)
    defer {
      origin.stop()
      target.stop()
    }
    let response = try t.send(
      get("/x", headers: [("Authorization", "Bearer secret-token")]), isCancelled: { false })
    #expect(response.status == 200)
    #expect(origin.requests.first?.header("Authorization") == "Bearer secret-token")
    let moved = try #require(target.requests.first)
    #expect(moved.target == "/moved")
    #expect(moved.header("Authorization") == nil)
  }

  @Test func sameHostRedirectKeepsAuthorization() throws {
    let server = try ScriptedServer { r in
      r.target.hasSuffix("/old")
        ? ScriptedReply(status: 307, headers: [("Location", "/v1alpha1/new")])
        : .json(200, "{}")
    }
    let t = try transport(server)
    defer { server.stop() }
    _ = try t.send(get("/old", headers: [("Authorization", "Bearer tok")]), isCancelled: { false })
    #expect(server.requests.count == 2)
    #expect(server.requests.last?.header("Authorization") == "Bearer tok")
  }

  @Test func aChangeAnsweredWithARedirectIsNotTurnedIntoAGet() throws {
    let server = try ScriptedServer { r in
      r.method == "GET"
        ? .json(200, "{}") : ScriptedReply(status: 302, headers: [("Location", "/elsewhere")])
    }
    let t = try transport(server)
    defer { server.stop() }
    let request = APIRequest(method: .post, path: "/create", body: Array("{}".utf8))
    let answer = try t.send(request, isCancelled: { false })
    #expect(answer.status == 302)
    #expect(server.requests.map(\.method) == ["POST"])
  }

  @Test func anAnswerOverTheLimitIsAnError() throws {
    let server = try ScriptedServer { _ in
      ScriptedReply(raw: PlainHTTPTransportFailureTests.oversizedChunkedAnswer)
    }
    let t = try transport(server)
    defer { server.stop() }
    #expect {
      try t.send(get("/x"), isCancelled: { false })
    } throws: { error in
      (error as? TransportError)?.detail == APIResponse.tooLargeDetail
    }
  }

  @Test func deadlineStopsASlowAnswer() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "{}")
      r.delay = 3
      return r
    }
    let t = try transport(server, deadline: 0.3)
    defer { server.stop() }
    #expect {
      try t.send(get("/slow"), isCancelled: { false })
    } throws: { error in
      let e = try #require(error as? TransportError)
      return e.reason == .timedOut && e.host == "127.0.0.1:\(server.port)"
    }
  }

  @Test func cancellationAbandonsTheRequest() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, "{}")
      r.delay = 3
      return r
    }
    let t = try transport(server)
    defer { server.stop() }
    let flag = Locked(false)
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.withLock { $0 = true } }
    #expect {
      try t.send(get("/slow"), isCancelled: { flag.current })
    } throws: { ($0 as? TransportError)?.reason == .cancelled }
  }

  @Test func refusedConnectionIsConnectionFailed() throws {
    let server = try ScriptedServer { _ in .json(200, "{}") }
    let url = server.url
    server.stop()
    let t = try HTTPTransport(configuration: .init(baseURL: url))
    #expect {
      try t.send(get("/x"), isCancelled: { false })
    } throws: { error in
      let e = try #require(error as? TransportError)
      return e.reason == .connectionFailed
        && e.message
          == "cannot connect to 127.0.0.1:\(server.port): the connection was refused or the host "
          + "is unreachable"
    }
  }

  @Test func resetConnectionIsReported() throws {
    let server = try ScriptedServer { _ in ScriptedReply(reset: true) }
    let t = try transport(server)
    defer { server.stop() }
    #expect {
      try t.send(get("/x"), isCancelled: { false })
    } throws: { error in
      let e = try #require(error as? TransportError)
      return e.reason == .connectionLost || e.reason == .other
    }
  }

  @Test func truncatedBodyIsReported() throws {
    let server = try ScriptedServer { _ in
      var r = ScriptedReply.json(200, String(repeating: "x", count: 1000))
      r.truncateBodyTo = 10
      return r
    }
    let t = try transport(server)
    defer { server.stop() }
    #expect {
      try t.send(get("/x"), isCancelled: { false })
    } throws: { error in
      let e = try #require(error as? TransportError)
      return e.reason == .connectionLost
    }
  }

  @Test func rejectsABadBaseURL() {
    #expect(throws: ShellError.self) {
      try HTTPTransport(configuration: .init(baseURL: "ftp://x"))
    }
  }

  @Test func largeWholeBodyArrivesWhole() throws {
    let body = [UInt8](repeating: UInt8(ascii: "x"), count: TaskBox.memoryLimit + (2 << 20))
    let server = try ScriptedServer { _ in ScriptedReply(status: 200, body: body) }
    let t = try transport(server, deadline: 20)
    defer { server.stop() }
    let response = try t.send(get("/big"), isCancelled: { false })
    #expect(response.body.count == body.count)
  }
}
