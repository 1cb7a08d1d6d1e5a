import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("Concurrency")
struct ConcurrencyTests {
  static let threads = 8
  static let rounds = 60

  /// One thread's work: create, verify, read, list and delete its own domains.
  static func work(_ send: (APIRequest) throws -> APIResponse?, thread: Int) throws -> [Int] {
    let auth = [(name: "Authorization", value: "Bearer t")]
    let base = "/organizations/demo-org/domains"
    var statuses: [Int] = []
    for round in 0..<rounds {
      let body = Array(#"{"name": "t\#(thread)-r\#(round).example.com"}"#.utf8)
      let created = try send(APIRequest(method: .post, path: base, headers: auth, body: body))
      statuses.append(created?.status ?? 0)
      let value = try JSON.parse(String(decoding: created?.body ?? [], as: UTF8.self))
      let id = value["id"]?.stringValue ?? "missing"
      for (method, path) in [
        (HTTPMethod.post, "\(base)/\(id)/verify"), (.get, "\(base)/\(id)"), (.get, base),
      ] {
        statuses.append(
          try send(APIRequest(method: method, path: path, headers: auth))?.status ?? 0)
      }
      if round % 2 == 0 {
        let deleted = try send(APIRequest(method: .delete, path: "\(base)/\(id)", headers: auth))
        statuses.append(deleted?.status ?? 0)
      }
    }
    return statuses
  }

  static func hammer(_ send: @escaping @Sendable (APIRequest) throws -> APIResponse?) throws
    -> [Int]
  {
    let results = Locked<[Int]>([])
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
      let statuses = (try? work(send, thread: thread)) ?? [-1]
      results.withLock { $0 += statuses }
    }
    return results.current
  }

  static func expectConsistent(_ engine: EmulatorEngine, _ statuses: [Int]) {
    #expect(Set(statuses) == [200, 204], "every call succeeded")
    let org = engine.snapshot.organizations[0]
    let mine = org.domains.filter { $0.name.hasPrefix("t") && $0.name.contains("-r") }
    #expect(mine.count == threads * rounds / 2, "half of each thread's domains were deleted")
    #expect(mine.allSatisfy { $0.isVerified })
    #expect(Set(org.domains.map(\.id)).count == org.domains.count, "ids are unique")
  }

  @Test func engineFromManyThreads() throws {
    let engine = try EmulatorEngine()
    let statuses = try Self.hammer { engine.respond($0)?.collected() }
    Self.expectConsistent(engine, statuses)
  }

  @Test func serverFromManyThreads() throws {
    let engine = try EmulatorEngine()
    let server = EmulatorServer(engine: engine, configuration: .init(threads: 4))
    try server.start()
    defer { server.stop() }
    let transport = try HTTPTransport(configuration: .init(baseURL: server.baseURL))
    let statuses = try Self.hammer { try transport.send($0) { false } }
    Self.expectConsistent(engine, statuses)
  }
}
