import AstroCore
import Foundation
import OrgAPI

/// The audit-log download: gzip-compressed NDJSON, produced block by block.
///
/// Recorded events and synthetic load-test events are merged in time order and compressed
/// as they are read, so memory stays flat however many records the response carries. One
/// reader at a time; it may move between threads.
public final class AuditLogStream: @unchecked Sendable {
  private let events: [AuditEvent]
  private var nextEvent = 0
  private let synthetic: SyntheticLines?
  private var nextSynthetic = 0
  private let compressor: GzipCompressor
  private var pending: [UInt8] = []
  private var pendingOffset = 0
  private var finished = false

  /// How many uncompressed bytes are gathered before each compression step.
  private static let rawChunk = 256 * 1024

  init(events: [AuditEvent], synthetic: SyntheticAudit?, since: Date) {
    self.events = events.filter { $0.time >= since }.sorted { $0.time < $1.time }
    self.synthetic = synthetic.map { SyntheticLines($0, since: since) }
    nextSynthetic = self.synthetic?.firstIndex ?? 0
    // Level 1: NDJSON is repetitive enough to shrink well even at zlib's fastest setting.
    compressor = GzipCompressor(level: 1)
  }

  /// Copies the next compressed bytes into `buffer`; 0 means the stream has ended.
  public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    while pendingOffset == pending.count {
      if finished { return 0 }
      refill()
    }
    let n = min(buffer.count, pending.count - pendingOffset)
    pending.withUnsafeBytes { src in
      buffer.copyMemory(
        from: UnsafeRawBufferPointer(rebasing: src[pendingOffset..<pendingOffset + n]))
    }
    pendingOffset += n
    return n
  }

  /// The whole compressed body; for the in-process sandbox and tests.
  public func readAll() -> [UInt8] {
    var out: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = block.withUnsafeMutableBytes { read(into: $0) }
      if n == 0 { return out }
      out.append(contentsOf: block[0..<n])
    }
  }

  private func refill() {
    var raw: [UInt8] = []
    raw.reserveCapacity(Self.rawChunk + 1024)
    while raw.count < Self.rawChunk, appendNextLine(to: &raw) {}
    pending = raw.isEmpty ? [] : compressor.feed(raw)
    pendingOffset = 0
    if raw.count < Self.rawChunk {
      pending += compressor.finish()
      finished = true
    }
  }

  /// Appends the earliest remaining record; false when none is left.
  private func appendNextLine(to raw: inout [UInt8]) -> Bool {
    let syntheticTime = synthetic.flatMap { s in
      nextSynthetic < s.count ? s.epochSeconds(nextSynthetic) : nil
    }
    if nextEvent < events.count {
      let event = events[nextEvent]
      let eventTime = Int64(event.time.timeIntervalSince1970)
      if syntheticTime.map({ eventTime <= $0 }) ?? true {
        raw.append(contentsOf: JSON.serialize(.record(event.record)).utf8)
        raw.append(UInt8(ascii: "\n"))
        nextEvent += 1
        return true
      }
    }
    guard let synthetic, nextSynthetic < synthetic.count else { return false }
    synthetic.append(nextSynthetic, to: &raw)
    nextSynthetic += 1
    return true
  }
}

/// Writes synthetic audit records straight as bytes: a constant prefix and suffix around
/// the few fields that vary, which keeps a million records to about a second of work.
struct SyntheticLines {
  let count: Int
  let firstIndex: Int
  private let base: Int64
  private let span: Int64
  private let head: [UInt8]
  private let middle: [UInt8]
  private let tail: [UInt8]

  init(_ spec: SyntheticAudit, since: Date) {
    count = spec.count
    span = Int64(SyntheticAudit.span)
    base = Int64(spec.anchor.timeIntervalSince1970) - span
    let org = spec.organizationId
    let subject = Identifiers.subject(forToken: "synthetic")
    head = Array(
      (#"{"subjectId":"\#(subject)","subjectType":"SERVICEKEY","organizationId":"\#(org)","#
        + #""timestamp":""#).utf8)
    middle = Array(
      (#"","sourceIp":"127.0.0.1","userAgent":"astrosh-emulator-loadgen","method":"POST","#
        + #""path":"/v1alpha1/organizations/\#(org)/domains","requestBody":{"name":"load-"#)
        .utf8)
    tail = Array(#"","responseStatus":200}"#.utf8)
    let sinceSeconds = Int64(since.timeIntervalSince1970.rounded(.up))
    var first = 0
    if sinceSeconds > base, count > 0 {
      first = Int(min(Int64(count), ((sinceSeconds - base) * Int64(count) + span - 1) / span))
    }
    while first > 0, Self.time(first - 1, base, span, count) >= sinceSeconds { first -= 1 }
    while first < count, Self.time(first, base, span, count) < sinceSeconds { first += 1 }
    firstIndex = first
  }

  func epochSeconds(_ index: Int) -> Int64 { Self.time(index, base, span, count) }

  private static func time(_ index: Int, _ base: Int64, _ span: Int64, _ count: Int) -> Int64 {
    base + span * Int64(index) / Int64(max(count, 1))
  }

  func append(_ index: Int, to raw: inout [UInt8]) {
    raw.append(contentsOf: head)
    Timestamp.append(epochSeconds: epochSeconds(index), to: &raw)
    raw.append(contentsOf: middle)
    raw.append(contentsOf: String(index).utf8)
    raw.append(contentsOf: #".example.com"},"requestId":""#.utf8)
    Identifiers.appendRequestId(serial: UInt64(index) | 1 << 40, to: &raw)
    raw.append(contentsOf: tail)
    raw.append(UInt8(ascii: "\n"))
  }
}
