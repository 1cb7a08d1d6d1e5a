/// The `history` command, answered by the shell itself: `history` lists the last 100
/// entries, `history N` the last N, `history --all` every one. Other uses of the word go
/// to the host.
struct HistoryCommand: Equatable {
  static let defaultCount = 100

  /// How many of the newest entries to list; nil lists all.
  var count: Int?

  init?(_ source: String) {
    let words = source.split(whereSeparator: \.isWhitespace)
    guard words.first == "history", words.count <= 2 else { return nil }
    guard words.count == 2 else {
      count = Self.defaultCount
      return
    }
    if words[1] == "--all" || words[1] == "-a" {
      count = nil
    } else if let number = Int(words[1]), number >= 0 {
      count = number
    } else {
      return nil
    }
  }

  /// Numbered entries, oldest first; the lines of a multi-line entry are indented under
  /// its number. A footer says when older entries were left out.
  func render(_ entries: [String]) -> String {
    let shown = count.map { min($0, entries.count) } ?? entries.count
    let first = entries.count - shown
    let width = String(entries.count).count
    var text = ""
    for (offset, entry) in entries[first...].enumerated() {
      let number = String(first + offset + 1)
      let pad = String(repeating: " ", count: width - number.count)
      let indent = String(repeating: " ", count: width + 2)
      let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
      text += pad + number + "  " + lines.joined(separator: "\n" + indent) + "\n"
    }
    if first > 0 {
      text +=
        "(\(first) older entr\(first == 1 ? "y" : "ies") not shown; "
        + "`history --all` lists every one)\n"
    }
    return text
  }
}
