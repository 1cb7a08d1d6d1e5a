/// The shell's history: the entries of this session and before, the file they are saved
/// in, and the filter that keeps secrets out of both.
public final class History {
  /// What `record` did with an entry.
  public enum Outcome: Equatable, Sendable {
    /// Kept in memory and appended to the file.
    case saved
    /// Kept in memory; the file could not be written (the message says why, once).
    case savedInMemoryOnly(warning: String?)
    /// The secret filter flagged it: neither kept nor saved.
    case keptOutSecret
    /// Blank, or the same as the entry before it: nothing to do.
    case ignored
  }

  /// The entries, oldest first.
  public private(set) var entries: [String] = []
  public let file: HistoryFile?
  private let limit: Int
  private let isSecret: (String) -> Bool
  private var warnedAboutFile = false

  /// A history saved in `file` (nil keeps it in memory only) of at most `limit` entries.
  /// `isSecret` flags lines that must never be stored, such as ones holding a token.
  public init(
    file: HistoryFile?, limit: Int = 10_000, isSecret: @escaping (String) -> Bool = { _ in false }
  ) {
    self.file = file
    self.limit = max(1, limit)
    self.isSecret = isSecret
  }

  /// Reads the file; returns warnings to show the user.
  public func load() -> [String] {
    guard let file else { return [] }
    let loaded = file.load()
    entries = Array(loaded.entries.filter { !isSecret($0) }.suffix(limit))
    return loaded.warnings
  }

  /// Keeps `entry` unless it is blank, a repeat, or a secret, and appends it to the file.
  public func record(_ entry: String) -> Outcome {
    if entry.allSatisfy(\.isWhitespace) || entry == entries.last { return .ignored }
    if isSecret(entry) { return .keptOutSecret }
    entries.append(entry)
    if entries.count > limit { entries.removeFirst(entries.count - limit) }
    guard let file else { return .savedInMemoryOnly(warning: nil) }
    do {
      try file.append(entry)
      return .saved
    } catch {
      defer { warnedAboutFile = true }
      return .savedInMemoryOnly(warning: warnedAboutFile ? nil : error.message)
    }
  }
}
