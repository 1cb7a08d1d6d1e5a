import AstroCore
import Foundation

/// The journal of `--journal FILE`: one JSON line per event of a state-changing call,
/// appended and synced to disk before the run moves on, so a rerun after a crash or a
/// kill knows exactly which calls are done.
///
/// A call is known by its key (a SHA-256 of the operation, path parameters, query and
/// canonical body, see `JournalKey`) and by how many identical calls came before it in
/// the run (`n`), so a script that makes the same call twice makes it twice on a rerun.
/// Each call writes a `pending` line before its request goes out and a `done` (with the
/// result) or `failed` line once it is answered. On a rerun a done call is not sent again:
/// its recorded result is reused. A pending call may or may not have reached the server;
/// the client looks before sending again (`JournalRecovery`).
///
/// Secrets never reach the file: bodies and results are written through the redactor, so
/// a reused result has the redaction marker where a secret was (an SSO bypass key, say).
/// The file is created readable by its owner only.
public final class Journal: @unchecked Sendable {
  /// What the journal knows about one call of this run.
  enum Prior: Equatable {
    /// Never sent, or answered with a client error (nothing changed): send it.
    case none
    /// Sent, with no answer recorded: the server may have acted on it.
    case pending
    /// Done; this is its recorded result.
    case done(Value)
  }

  /// One call of this run: its key, its ordinal among identical calls, and its past.
  struct Claim {
    var key: String
    var n: Int
    var prior: Prior
  }

  public let path: String
  private let lock = NSLock()
  private var fd: Int32
  private let target: String?
  private var states: [String: Prior] = [:]
  private var ordinals: [String: Int] = [:]
  private var counts = (reused: 0, found: 0, recorded: 0)

  /// Opens (or creates) the journal and reads what earlier runs recorded. A torn last
  /// line (the process was killed while writing it) is cut off; any other damage is an
  /// error, since skipping a line could send a done call again.
  ///
  /// `target` names the API the run talks to: the server's address, or the sandbox's state
  /// by its file and the random name kept in it. It is written in the header of a new
  /// journal, and a journal written against another target is refused: a rehearsal's
  /// journal must not make the real run skip its work, nor a deleted state's journal make
  /// a run on a fresh one skip creates whose objects are gone.
  public init(path: String, target: String? = nil) throws {
    self.path = path
    self.target = target
    fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      if errno == EISDIR {
        throw ShellError.usage(
          "journal_is_directory", "the journal '\(path)' is a directory",
          hint: "give --journal a file's path, e.g. \(path)/run.journal")
      }
      throw Journal.error("cannot open the journal '\(path)'", errno)
    }
    do {
      // A device or a FIFO would be read without end (`/dev/zero`) or block.
      var info = stat()
      guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
        throw ShellError.usage(
          "journal_not_a_file", "the journal '\(path)' is not a regular file",
          hint: "give --journal the path of a file, new or written by astrosh")
      }
      // Two runs sharing a journal would both see a call as not done and both send it.
      // The lock goes with the descriptor, so the kernel drops it when a run dies.
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        throw ShellError.runtime(
          "journal_in_use", "the journal '\(path)' is in use by another astrosh run",
          hint: "let that run finish (or stop it), then rerun; or give another --journal")
      }
      try load()
    } catch {
      close(fd)
      throw error
    }
  }

  deinit { close(fd) }

  /// How many calls this run took from the journal, found already done on the server,
  /// and recorded anew.
  public var statistics: (reused: Int, found: Int, recorded: Int) { lock.withLock { counts } }

  // MARK: Calls

  /// Numbers the call among identical ones of this run and says what is known about it.
  func claim(_ key: String) -> Claim {
    lock.withLock {
      let n = ordinals[key, default: 0]
      ordinals[key] = n + 1
      let prior = states[Journal.slot(key, n)] ?? .none
      if case .done = prior { counts.reused += 1 }
      return Claim(key: key, n: n, prior: prior)
    }
  }

  /// Records that the call is about to be sent.
  func begin(_ claim: Claim, _ call: APICall, redactor: Redactor) throws {
    var entry = header(claim, "pending", call)
    entry["path"] = .record(
      Record(call.pathValues.sorted { $0.key < $1.key }.map { ($0, .string($1)) }))
    if !call.query.isEmpty {
      entry["query"] = .list(call.query.map { .list([.string($0.name), .string($0.value)]) })
    }
    if let body = call.body { entry["body"] = redactor.redact(body) }
    try append(entry, slot: claim, state: .pending)
  }

  /// Records the call's result; `found` when it was found done on the server rather
  /// than answered now.
  func complete(_ claim: Claim, _ call: APICall, result: Value, found: Bool, redactor: Redactor)
    throws
  {
    var entry = header(claim, "done", call)
    entry["how"] = .string(found ? "found" : "sent")
    entry["result"] = redactor.redact(result)
    try append(entry, slot: claim, state: .done(redactor.redact(result)))
    lock.withLock {
      if found { counts.found += 1 } else { counts.recorded += 1 }
    }
  }

  /// Records a client error (4xx): nothing changed, so a rerun sends the call again.
  func fail(_ claim: Claim, _ call: APICall, error: ShellError) throws {
    var entry = header(claim, "failed", call)
    if let status = error.details["status"] { entry["status"] = status }
    entry["error"] = .string(error.message)
    try append(entry, slot: claim, state: .none)
  }

  private func header(_ claim: Claim, _ state: String, _ call: APICall) -> Record {
    Record([
      ("key", .string(claim.key)), ("n", .int(claim.n)), ("state", .string(state)),
      ("operation", .string(call.operation.name)), ("at", .string(ISODate.format(Date()))),
    ])
  }

  // MARK: The file

  private static func slot(_ key: String, _ n: Int) -> String { "\(key)#\(n)" }

  private func append(_ entry: Record, slot claim: Claim, state: Prior) throws {
    let line = Array((JSON.serialize(.record(entry)) + "\n").utf8)
    try lock.withLock {
      try write(line)
      states[Journal.slot(claim.key, claim.n)] = state
    }
  }

  /// Appends and syncs; the caller holds the lock, so lines never interleave.
  private func write(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes {
        Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset)
      }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { throw Journal.error("cannot write the journal '\(path)'", errno) }
      offset += n
    }
    guard fsync(fd) == 0 else { throw Journal.error("cannot sync the journal '\(path)'", errno) }
  }

  private func load() throws {
    var bytes = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = buffer.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress!, $0.count, off_t(bytes.count))
      }
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { throw Journal.error("cannot read the journal '\(path)'", errno) }
      if n == 0 { break }
      bytes += buffer[0..<n]
    }
    // Anything not begun by a whole astrosh header is refused before any repair below
    // could cut it: a script or a token file given by mistake must never be rewritten.
    if !bytes.isEmpty {
      let first = bytes.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false)[0]
      guard bytes.contains(10), let header = try? parse(Array(first)),
        header["journal"]?.stringValue == "astrosh"
      else { throw foreign() }
    }
    var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    // What follows the last newline is a line cut short by a kill; so is a last line
    // that does not parse.
    var keep = bytes.count - (lines.last?.count ?? 0)
    lines.removeLast()
    if let last = lines.last, (try? parse(last)) == nil {
      keep -= last.count + 1
      lines.removeLast()
    }
    if keep < bytes.count {
      guard ftruncate(fd, off_t(keep)) == 0 else {
        throw Journal.error("cannot repair the journal '\(path)'", errno)
      }
    }
    if lines.isEmpty {
      var header = Journal.fileHeader
      if let target { header["target"] = .string(target) }
      return try write(Array((JSON.serialize(.record(header)) + "\n").utf8))
    }
    try read(lines)
  }

  private func read(_ lines: [[UInt8]]) throws {
    for (i, line) in lines.enumerated() {
      guard let entry = try? parse(line) else {
        throw ShellError.usage(
          "journal_damaged", "the journal '\(path)' is damaged at line \(i + 1)",
          hint: "move it aside to start over, or repair that line")
      }
      if i == 0 {
        guard entry["journal"]?.stringValue == "astrosh" else { throw foreign() }
        if let target, let written = entry["target"]?.stringValue, written != target {
          throw ShellError.usage(
            "journal_target",
            "the journal '\(path)' was written against \(written), and this run talks to "
              + "\(target)",
            hint: "give --journal a new file for this target; a rehearsal's journal would "
              + "make this run skip calls it never made here")
        }
        continue
      }
      apply(entry)
    }
  }

  private func foreign() -> ShellError {
    ShellError.usage(
      "journal_foreign", "'\(path)' is not an astrosh journal; it was left as it is",
      hint: "give --journal a new file, or one an earlier run wrote")
  }

  private func apply(_ entry: Record) {
    guard let key = entry["key"]?.stringValue, let n = entry["n"]?.intValue else { return }
    switch entry["state"]?.stringValue {
    case "pending": states[Journal.slot(key, n)] = .pending
    case "done": states[Journal.slot(key, n)] = .done(entry["result"] ?? .null)
    case "failed": states[Journal.slot(key, n)] = Prior.none
    default: break
    }
  }

  private func parse(_ line: [UInt8]) throws -> Record {
    let value = try line.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
    guard case .record(let r) = value else { throw ShellError.runtime("journal", "not a record") }
    return r
  }

  static let fileHeader = Record([
    ("journal", .string("astrosh")), ("version", .int(1)),
    ("created", .string(ISODate.format(Date()))),
  ])

  private static func error(_ message: String, _ code: Int32) -> ShellError {
    ShellError.runtime(
      "journal_io", "\(message): \(String(cString: strerror(code)))",
      hint: "check the path and the free space, or run without --journal")
  }
}
