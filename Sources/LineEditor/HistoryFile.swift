#if canImport(Glibc)
  import Glibc
#endif

/// The history file: read at start, appended after every command, trimmed to a limit.
///
/// Each append opens the file with O_APPEND under an exclusive `flock`, so a terminal
/// closed without `exit` loses nothing and two shells open at once both keep their lines.
/// Trimming and repairs write a new file beside it, `fsync` it and rename it into place,
/// so a crash leaves either the old file or the new one. A damaged or foreign file is
/// never fatal: it is read as far as possible, or renamed to `history.bad-<time>`.
public final class HistoryFile {
  /// Where the file lives.
  public let path: String
  /// The most entries kept; older ones are dropped when the file is trimmed.
  public let limit: Int
  /// Entries the file may hold beyond `limit` before it is trimmed, so that not every
  /// append rewrites it.
  private let slack: Int
  /// About how many entries the file holds now; other shells' appends are not counted.
  private var approximateCount = 0
  /// Set when a foreign file could not be moved aside: appending to it would mix formats.
  private var blocked: String?

  public init(path: String, limit: Int = 10_000) {
    self.path = path
    self.limit = max(1, limit)
    self.slack = max(1, limit / 10)
  }

  /// `$XDG_STATE_HOME/astrosh/history`, else `$HOME/.local/state/astrosh/history`; nil
  /// when neither variable gives an absolute directory.
  public static func defaultPath(environment: [String: String]) -> String? {
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
      return state + "/astrosh/history"
    }
    if let home = environment["HOME"], home.hasPrefix("/") {
      return (home == "/" ? "" : home) + "/.local/state/astrosh/history"
    }
    return nil
  }

  /// Reads the entries, oldest first. Problems come back as warnings, at most one per
  /// problem; a damaged file is repaired or set aside on the way.
  public func load() -> (entries: [String], warnings: [String]) {
    if let problem = FileSystem.makeDirectories(for: path) {
      return ([], ["history will not be saved: \(problem)"])
    }
    guard let file = LockedFile.open(path, create: false) else {
      let problem = errno == ENOENT ? nil : FileSystem.describeErrno()
      return ([], problem.map { ["cannot read the history file \(path): \($0)"] } ?? [])
    }
    defer { file.close() }
    file.restrictMode()
    let contents = HistoryContents.parse(file.readAll())
    let result = settle(contents, file: file)
    approximateCount = result.entries.count
    return result
  }

  /// Appends one entry. Throws a message when the file cannot be written.
  public func append(_ entry: String) throws(HistoryFileError) {
    if let blocked { throw HistoryFileError(blocked) }
    let line = HistoryCodec.encode(entry) + "\n"
    guard let file = LockedFile.open(path, create: true) else {
      throw HistoryFileError("cannot write the history file \(path): \(FileSystem.describeErrno())")
    }
    defer { file.close() }
    let text = (file.size == 0 ? HistoryCodec.header + "\n" : "") + line
    if file.size == 0 { file.restrictMode() }
    guard file.append(text) else {
      throw HistoryFileError("cannot write the history file \(path): \(FileSystem.describeErrno())")
    }
    approximateCount += 1
    if approximateCount > limit + slack {
      let contents = HistoryContents.parse(file.readAll())
      if contents.foreign == nil { try rewrite(Array(contents.entries.suffix(limit))) }
    }
  }

  /// Decides what to do with what was read, while the file is still locked.
  private func settle(_ contents: HistoryContents, file: LockedFile)
    -> (entries: [String], warnings: [String])
  {
    if let foreign = contents.foreign {
      guard let aside = FileSystem.setAside(path, link: false) else {
        blocked = "history is not saved: \(path) \(Self.describe(foreign))"
        return (
          [],
          [
            "history file \(path) \(Self.describe(foreign)); it could not be moved "
              + "aside (\(FileSystem.describeErrno())), so history is neither read nor saved"
          ]
        )
      }
      return (
        [],
        [
          "history file \(path) \(Self.describe(foreign)); moved it to \(aside) and "
            + "started a new one"
        ]
      )
    }
    var entries = contents.entries
    var warnings: [String] = []
    if entries.count > limit { entries = Array(entries.suffix(limit)) }
    if contents.skippedLines > 0 {
      let aside = FileSystem.setAside(path, link: true)
      let kept = aside.map { "; the original is kept as \($0)" } ?? ""
      warnings.append(
        "skipped \(contents.skippedLines) unreadable line"
          + (contents.skippedLines == 1 ? "" : "s") + " in the history file \(path)\(kept)")
    }
    if contents.skippedLines > 0 || contents.entries.count > limit + slack {
      do { try rewrite(entries) } catch { warnings.append(error.message) }
    }
    return (entries, warnings)
  }

  /// Replaces the file with one holding `entries`: a temporary file is written and synced,
  /// then renamed over the old one. Other shells notice the new file on their next append.
  private func rewrite(_ entries: [String]) throws(HistoryFileError) {
    let text =
      ([HistoryCodec.header] + entries.map(HistoryCodec.encode))
      .joined(separator: "\n") + "\n"
    if let problem = FileSystem.replaceAtomically(path, with: text) {
      throw HistoryFileError("cannot trim the history file \(path): \(problem)")
    }
    approximateCount = entries.count
  }

  private static func describe(_ foreign: HistoryContents.Foreign) -> String {
    switch foreign {
    case .libedit: return "is in libedit's format, not astrosh's"
    case .binary: return "holds binary data"
    case .newerVersion(let version): return "was written by a newer astrosh (\(version))"
    case .unreadable: return "could not be read"
    }
  }
}

/// Why the history file could not be written; `message` is ready to show.
public struct HistoryFileError: Error, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
