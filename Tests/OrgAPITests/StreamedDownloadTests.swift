import AstroCore
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// Large downloads whose reader is slower than the network: the backlog spills to disk
/// and the bytes come out whole and in order, from one request.
@Suite struct StreamedDownloadTests {
  /// Chunks of distinct bytes, so a repeat or a reordering shows.
  private static func chunks(_ count: Int, size: Int) -> [Data] {
    (0..<count).map { i in Data((0..<size).map { UInt8(truncatingIfNeeded: $0 * 7 + i) }) }
  }

  @Test(arguments: [0, 10, 1000, 1 << 20])
  func spoolKeepsOrderWhateverTheMemoryLimit(limit: Int) throws {
    let spool = ChunkSpool(memoryLimit: limit)
    let input = Self.chunks(40, size: 3000)
    var out: [UInt8] = []
    // Interleave writes and reads so that memory, file and the file's restart all serve.
    for (i, chunk) in input.enumerated() {
      spool.append(chunk)
      if i % 3 == 0, let piece = try spool.next() { out += piece }
    }
    #expect(spool.count == input.reduce(0) { $0 + $1.count } - out.count)
    while let piece = try spool.next() { out += piece }
    #expect(out == input.flatMap { [UInt8]($0) })
    #expect(spool.isEmpty)
  }

  @Test func drainedSpoolTakesNewChunksInMemoryAgain() throws {
    let spool = ChunkSpool(memoryLimit: 4)
    spool.append(Data([1, 2, 3]))
    spool.append(Data([4, 5, 6]))
    #expect(try spool.takeAll() == [1, 2, 3, 4, 5, 6])
    spool.append(Data([7]))
    #expect(try spool.next() == [7])
    #expect(try spool.next() == nil)
  }

  /// The regression: with a reader that waits until the server has sent everything, the
  /// transfer used to be paused, and on Linux resuming it sent the request again and
  /// spliced the body's start into its middle ("gzip data is corrupt").
  @Test func slowReaderGetsTheWholeAuditLogFromOneRequest() throws {
    let lines = Locked<[String]>([])
    let engine = try EmulatorEngine(options: .init(syntheticAuditEvents: 200_000))
    let server = EmulatorServer(
      engine: engine, configuration: .init(log: { line in lines.withLock { $0.append(line) } }))
    try server.start()
    defer { server.stop() }
    let transport = try HTTPTransport(configuration: .init(baseURL: server.baseURL))
    let request = APIRequest(
      method: .get, path: "/organizations/demo-org/audit-logs", query: [("earliest", "90")],
      headers: [("Authorization", "Bearer t")])
    let response = try transport.open(request, isCancelled: { false })
    var body = try #require(try response.next())
    // Read nothing more until the server is done, so the backlog is the whole body.
    let waitUntil = Date().addingTimeInterval(120)
    while lines.current.isEmpty, Date() < waitUntil { Thread.sleep(forTimeInterval: 0.02) }
    while let chunk = try response.next() { body += chunk }

    #expect(body.count > TaskBox.memoryLimit)
    let text = try Gzip.decompress(body)
    #expect(text.lazy.filter { $0 == 10 }.count >= 200_000)
    #expect(lines.current.filter { $0.contains("audit-logs") }.count == 1)
  }
}
