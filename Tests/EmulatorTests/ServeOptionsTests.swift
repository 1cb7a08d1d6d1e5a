import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("astrosh serve command line")
struct ServeOptionsTests {
  @Test func defaultsBindLoopback() throws {
    let o = try ServeOptions.parse([])
    #expect(o.host == "127.0.0.1")
    #expect(o.port == ServeOptions.defaultPort)
    #expect(o.token == nil && o.stateFile == nil && !o.quiet)
    #expect(o.faults == .none)
  }

  @Test func everyFlag() throws {
    let o = try ServeOptions.parse([
      "--host", "::1", "--port=0", "--state", "s.json", "--token", "t", "--quiet",
      "--threads", "2", "--audit-events", "1000000", "--rate-limit", "post=5",
      "--rate-limit", "GET=10", "--fail-share", "0.1:500", "--fail-nth", "POST:3,5:503",
      "--fail-nth", "7", "--latency", "25", "--latency", "DELETE=100", "--drop-share", "0.01",
      "--drop-nth", "GET:2", "--fail-verify", "*.bad.example.com", "--fault-seed", "9",
    ])
    #expect(o.host == "::1" && o.port == 0 && o.stateFile == "s.json" && o.token == "t")
    #expect(o.quiet && o.threads == 2 && o.auditEvents == 1_000_000)
    let expected = FaultConfig(
      rateLimits: [.post: 5, .get: 10], failShare: 0.1, failStatus: 500,
      failNth: [
        NthRule(method: .post, ordinals: [3, 5], status: 503),
        NthRule(method: nil, ordinals: [7], status: 500),
      ],
      latencyAllMs: 25, latencyMs: [.delete: 100], dropShare: 0.01,
      dropNth: [NthRule(method: .get, ordinals: [2])], failVerify: ["*.bad.example.com"],
      seed: 9)
    #expect(o.faults == expected)
  }

  @Test(arguments: [
    (["--prot", "1"], "unknown option '--prot'"),
    (["--port"], "'--port' needs a value"),
    (["--port", "70000"], "from 0 to 65535"),
    (["--quiet=yes"], "takes no value"),
    (["serve-me"], "unexpected argument"),
    (["--rate-limit", "5"], "METHOD=VALUE"),
    (["--rate-limit", "PUT=5"], "not GET, POST or DELETE"),
    (["--fail-share", "2"], "from 0 to 1"),
    (["--fail-share", "0.5:404"], "5xx"),
    (["--fail-nth", "POST:x"], "[METHOD:]N,M[:STATUS]"),
    (["--drop-nth", "0"], "ordinals from 1"),
    (["--latency", "600001"], "'--latency' needs a whole number from 0 to 600000, not '600001'"),
    (["--latency", "GET=99999999"], "from 0 to 600000, not '99999999'"),
    (["--token", ""], "must not be empty"),
  ])
  func wrongFlagsAreUsageErrors(arguments: [String], mentions: String) {
    let error = #expect(throws: ServeUsageError.self) { try ServeOptions.parse(arguments) }
    #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")")
  }

  @Test func wrongFlagsExitWith2() {
    #expect(ServeCommand.run(arguments: ["--bogus"]) == 2)
  }

  @Test func serverMapsPathsUnderTheBase() {
    #expect(EmulatorServer.apiPath("/v1alpha1/organizations/a b") == "/organizations/a%20b")
    #expect(EmulatorServer.apiPath("/v1alpha1") == "/")
    #expect(EmulatorServer.apiPath("/_emulator/faults") == "/_emulator/faults")
    #expect(EmulatorServer.apiPath("/v1alpha1/_emulator/reset") == "/_emulator/reset")
    #expect(EmulatorServer.apiPath("/v2/organizations") == nil)
  }

  @Test func idsHaveTheCuidShape() {
    for serial: UInt64 in [1, 2, 35, 36, 1295, 1296, 99_999, 1 << 40] {
      #expect(Conformance.isCuid(Identifiers.cuid(serial: serial)))
    }
    #expect(Identifiers.cuid(serial: 1) != Identifiers.cuid(serial: 2))
    #expect(Identifiers.requestId(serial: 5).count == 36)
    #expect(Timestamp.format(epochSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
    #expect(Timestamp.format(epochSeconds: 1_714_554_000) == "2024-05-01T09:00:00Z")
  }
}

@Suite("astrosh serve logging")
struct ServerLogTests {
  @Test func oneLinePerRequestWithoutSecrets() throws {
    let lines = Locked<[String]>([])
    let engine = try EmulatorEngine()
    let server = EmulatorServer(
      engine: engine, configuration: .init(log: { line in lines.withLock { $0.append(line) } }))
    try server.start()
    defer { server.stop() }
    let transport = try HTTPTransport(configuration: .init(baseURL: server.baseURL))
    let auth = [(name: "Authorization", value: "Bearer very-secret-token")]
    let requests = [
      APIRequest(method: .get, path: "/organizations/demo-org", headers: auth),
      APIRequest(
        method: .get, path: "/organizationAuthIds", query: [("email", "ada@verified-1.example.com")]
      ),
      APIRequest(method: .delete, path: "/organizations/demo-org/domains/nope", headers: auth),
      // A decoded line break in an id must not forge a log line.
      APIRequest(
        method: .get, path: "/organizations/demo-org/domains/x%0AGET%20/forged%20200", headers: auth
      ),
    ]
    for request in requests { _ = try transport.send(request) { false } }
    // The line is written when MHD reports the request complete, just after the answer.
    for _ in 0..<2000 where lines.current.count < requests.count { usleep(1000) }
    let logged = lines.current
    #expect(logged.count == 4)
    #expect(logged[3].hasPrefix(#"GET /v1alpha1/organizations/demo-org/domains/x\u{A}GET /forged"#))
    #expect(logged[0].hasPrefix("GET /v1alpha1/organizations/demo-org 200 "))
    #expect(logged[0].hasSuffix(" ms"))
    #expect(logged[1].hasPrefix("GET /v1alpha1/organizationAuthIds 200 "), "no query string")
    #expect(logged[2].hasPrefix("DELETE /v1alpha1/organizations/demo-org/domains/nope 404 "))
    #expect(!logged.joined().contains("very-secret-token"))
    #expect(!logged.joined().contains("ada@"))
  }

  @Test(arguments: [
    ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", false),
    ("0.0.0.0", false), ("::", false), ("10.0.0.1", false), ("::ffff:10.0.0.1", false),
    ("localhost", false), ("", false),
  ])
  func onlyLoopbackAddressesAreServed(_ host: String, _ allowed: Bool) {
    #expect(ServeOptions.isLoopback(host) == allowed)
    let parsed = try? ServeOptions.parse(["--host", host])
    #expect((parsed != nil) == allowed)
  }
}
