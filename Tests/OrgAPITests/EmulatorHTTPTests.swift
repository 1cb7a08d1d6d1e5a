import AstroCore
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// The client over real HTTP to the emulator's server (`astrosh serve`) on 127.0.0.1.
@Suite struct EmulatorHTTPTests {
  final class Log: @unchecked Sendable {
    let lines = Locked<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    func count(status: Int) -> Int { lines.current.filter { $0.contains(" \(status) ") }.count }
  }

  private func serve(
    _ options: EmulatorEngine.Options = .init(), log: Log? = nil
  ) throws -> EmulatorServer {
    var sink: (@Sendable (String) -> Void)?
    if let log { sink = { log.add($0) } }
    let engine = try EmulatorEngine(options: options)
    let server = EmulatorServer(engine: engine, configuration: .init(log: sink))
    try server.start()
    return server
  }

  private func client(_ server: EmulatorServer, limits: RateLimits = .unlimited) throws
    -> APIClient
  {
    let transport = try HTTPTransport(configuration: .init(baseURL: server.baseURL))
    return APIClient(
      .init(
        transport: transport, token: "http-token", rateLimits: limits,
        defaultOrganization: "demo-org"))
  }

  @Test func builtinsWorkOverHTTP() throws {
    let server = try serve()
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let pending = try Fixture.run("list_managed_domains", in: ctx).listValue!.filter {
      $0.recordValue?["status"] == .string("PENDING")
    }
    let verified = try Fixture.run("verify_managed_domain", input: .value(.list(pending)), in: ctx)
    #expect(verified.listValue?.count == 3)
    let key = try Fixture.run("upsert_sso_bypass_key", in: ctx)
    #expect(key.recordValue?["bypassKey"]?.stringValue?.count == 32)
    let e = try #require(
      throwing { try Fixture.run("get_managed_domain", [.string("nope")], in: ctx) })
    #expect(e.code == "api_not_found")
    #expect(e.details["requestId"]?.stringValue?.isEmpty == false)
  }

  @Test func largeAuditLogStreamsOverHTTP() throws {
    let server = try serve(.init(syntheticAuditEvents: 50_000))
    defer { server.stop() }
    let ctx = TestContext(client: try client(server))
    let builtin = APIBuiltins.builtin(for: Fixture.op("get_organization_audit_logs"))
    guard case .stream(let stream) = try builtin.run(CallArgs(), ctx) else {
      return #expect(Bool(false), "expected a stream")
    }
    var count = 0
    while let record = try stream.next() {
      if count == 0 { #expect(record.recordValue?["organizationId"] != nil) }
      count += 1
    }
    #expect(count >= 50_000)
  }

  @Test func emulatorRateLimitIsRetriedUntilEveryItemIsDone() throws {
    let log = Log()
    let server = try serve(.init(faults: FaultConfig(rateLimits: [.post: 2])), log: log)
    defer { server.stop() }
    // The client does not limit itself here, so the emulator answers 429s with a
    // Retry-After of a second, which the client waits out for real.
    let ctx = TestContext(client: try client(server))
    let items = Value.list(
      (1...5).map { Fixture.json(#"{"id":"cldemodom000000000000000\#($0)"}"#) })
    let out = try Fixture.run("verify_managed_domain", input: .value(items), in: ctx)
    #expect(out.listValue?.count == 5)
    #expect(out.listValue?.allSatisfy { $0.recordValue?["status"] == .string("VERIFIED") } == true)
    #expect(log.count(status: 429) > 0)
  }

  @Test func clientLimitKeepsTheEmulatorFromAnswering429() throws {
    let log = Log()
    let server = try serve(.init(faults: FaultConfig(rateLimits: [.post: 20])), log: log)
    defer { server.stop() }
    let limits = RateLimits(get: 20, post: 20, delete: 20)
    let ctx = TestContext(client: try client(server, limits: limits))
    let items = Value.list(
      (0..<20).map { i in Fixture.json(#"{"id":"cldemodom000000000000000\#(i % 5 + 1)"}"#) })
    let out = try Fixture.run("verify_managed_domain", input: .value(items), in: ctx)
    #expect(out.listValue?.count == 20)
    #expect(log.count(status: 429) == 0)
  }
}
