/// What Tab should do: replace the text from `start` up to the cursor with one of
/// `candidates`.
///
/// Offsets count Unicode scalars of the line (`line.unicodeScalars`), the unit libedit's
/// wide-character buffer uses.
public struct Completion: Equatable, Sendable {
  /// Where the word being completed begins; it runs from here to the cursor.
  public var start: Int
  /// Every possible replacement for that word, in the order to list them.
  public var candidates: [String]
  /// Appended after a lone candidate: a space by default, nothing after a directory
  /// or a `=`, so typing can go on.
  public var terminator: String

  public init(start: Int, candidates: [String], terminator: String = " ") {
    self.start = start
    self.candidates = candidates
    self.terminator = terminator
  }

  /// No candidates: Tab beeps.
  public static func none(at cursor: Int) -> Completion {
    Completion(start: cursor, candidates: [])
  }
}

/// The edit that a completion leads to, worked out without a terminal.
public enum CompletionAction: Equatable, Sendable {
  /// Nothing matches.
  case beep
  /// Replace the `deleting` characters before the cursor with `text`.
  case insert(text: String, deleting: Int)
  /// Several candidates share nothing more than what is typed: show them.
  case list([String])
}

extension Completion {
  /// Decides what Tab does for the word `line[start..<cursor]`: a lone candidate is
  /// inserted with its terminator; several are narrowed to their longest common prefix
  /// when that extends the word; otherwise they are listed.
  public func action(line: String, cursor: Int) -> CompletionAction {
    let scalars = Array(line.unicodeScalars)
    let clampedStart = max(0, min(start, cursor, scalars.count))
    let clampedCursor = max(clampedStart, min(cursor, scalars.count))
    let word = String(String.UnicodeScalarView(scalars[clampedStart..<clampedCursor]))
    let deleting = clampedCursor - clampedStart
    let unique = Self.unique(candidates)
    switch unique.count {
    case 0:
      return .beep
    case 1:
      return .insert(text: unique[0] + terminator, deleting: deleting)
    default:
      let prefix = Self.commonPrefix(unique)
      // Case is ignored so that `GE` can grow to `get`; a prefix that does not extend the
      // typed word (fuzzy matches) would throw the typing away, so those are listed.
      let extends = prefix.lowercased().hasPrefix(word.lowercased())
      if prefix.unicodeScalars.count > word.unicodeScalars.count, extends {
        return .insert(text: prefix, deleting: deleting)
      }
      return .list(unique)
    }
  }

  /// The longest prefix shared by all `strings`, never splitting a visible character.
  public static func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first.map({ Array($0) }) else { return "" }
    for string in strings.dropFirst() {
      let characters = Array(string)
      var length = 0
      while length < min(prefix.count, characters.count), prefix[length] == characters[length] {
        length += 1
      }
      prefix.removeSubrange(length...)
    }
    return String(prefix)
  }

  private static func unique(_ strings: [String]) -> [String] {
    var seen = Set<String>()
    return strings.filter { seen.insert($0).inserted }
  }
}
