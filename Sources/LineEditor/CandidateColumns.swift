/// Lays completion candidates out in columns, filled top to bottom like `ls`, so a long
/// list stays short and every candidate is shown.
public enum CandidateColumns {
  /// The lines that show `candidates` within `width` columns, two spaces apart. When there
  /// are more than `limit`, the first `limit` are shown and a last line says how many more.
  public static func lines(_ candidates: [String], width: Int, limit: Int = 300) -> [String] {
    let shown = Array(candidates.prefix(limit))
    guard !shown.isEmpty else { return [] }
    let widths = shown.map(Terminal.displayWidth)
    let cell = (widths.max() ?? 0) + 2
    let perLine = max(1, (width + 2) / cell)
    let rowCount = (shown.count + perLine - 1) / perLine
    var lines: [String] = []
    for row in 0..<rowCount {
      var line = ""
      for column in 0..<perLine {
        let index = column * rowCount + row
        guard index < shown.count else { break }
        let isLast = index + rowCount >= shown.count || column == perLine - 1
        line += shown[index]
        if !isLast { line += String(repeating: " ", count: cell - widths[index]) }
      }
      lines.append(line)
    }
    if candidates.count > shown.count {
      lines.append("… and \(candidates.count - shown.count) more")
    }
    return lines
  }
}
