import AstroCore

/// Shows a value as an aligned text table for a terminal.
///
/// A list of records is a table with a header and an index column, a record a two-column
/// field/value table, a list of other values an indexed column. Given a width, the widest
/// columns are narrowed until the table fits; every cut cell ends in `…`, nested values
/// are summarised as `[3 items]` or `{2 fields}` when long, and a footer says how many
/// cells were cut and how to see everything. Without a width nothing is ever cut.
struct TableRenderer {
  /// Narrowest a column is cut to before columns are left out instead.
  static let minColumnWidth = 6
  /// Nested values longer than this (in columns) are summarised in a terminal.
  static let nestedLimit = 40
  static let gap = "  "

  var width: Int?
  var color: Bool

  func render(_ value: Value) -> String {
    switch value {
    case .null: return ""
    case .list(let items) where items.isEmpty: return "(empty list)\n"
    case .list(let items):
      if items.allSatisfy({ $0.recordValue != nil }) { return recordTable(items) }
      return indexedList(items)
    case .record(let r) where r.isEmpty: return "(empty record)\n"
    case .record(let r): return fieldTable(r)
    case .range(let r): return indexedList((0..<r.count).map { .int(r.element(at: $0)) })
    default: return value.plainText + "\n"
    }
  }

  private func recordTable(_ items: [Value]) -> String {
    var columns: [String] = []
    var known = Set<String>()
    for case .record(let r) in items {
      for key in r.keys where known.insert(key).inserted { columns.append(key) }
    }
    let rows = items.enumerated().map { i, item in
      [Cell(text: String(i), numeric: true)]
        + columns.map { cell(item.recordValue?[$0] ?? .null) }
    }
    return draw(Grid(header: ["#"] + columns, rows: rows, fixed: [0]))
  }

  private func fieldTable(_ record: Record) -> String {
    let rows = record.pairs.map { key, value in
      [Cell(text: escaped(key), numeric: false), cell(value)]
    }
    return draw(Grid(header: nil, rows: rows, fixed: []))
  }

  private func indexedList(_ items: [Value]) -> String {
    let rows = items.enumerated().map { i, item in
      [Cell(text: String(i), numeric: true), cell(item)]
    }
    return draw(Grid(header: nil, rows: rows, fixed: [0]))
  }

  // MARK: cells

  struct Cell {
    var text: String
    var numeric: Bool
    var summarised = false
  }

  func cell(_ value: Value) -> Cell {
    switch value {
    case .null: return Cell(text: "", numeric: false)
    case .int, .float: return Cell(text: value.plainText, numeric: true)
    case .string(let s): return Cell(text: escaped(s), numeric: false)
    case .list(let items): return nested(value, summary: plural(items.count, "item"))
    case .record(let r): return nested(value, summary: plural(r.count, "field"))
    case .range(let r):
      return Cell(text: "\(r.start)..\(r.inclusive ? "" : "<")\(r.end)", numeric: false)
    case .binary(let b): return Cell(text: "<\(plural(b.count, "byte"))>", numeric: false)
    case .closure: return Cell(text: "<closure>", numeric: false)
    default: return Cell(text: value.plainText, numeric: false)
    }
  }

  private func nested(_ value: Value, summary: String) -> Cell {
    let json = escaped(JSON.serialize(value))
    guard width != nil, TextWidth.of(json) > TableRenderer.nestedLimit else {
      return Cell(text: json, numeric: false)
    }
    let brackets = value.listValue != nil ? ("[", "]") : ("{", "}")
    return Cell(text: brackets.0 + summary + brackets.1, numeric: false, summarised: true)
  }

  private func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

  /// Control characters would break the grid; show them as escapes instead.
  func escaped(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  // MARK: layout

  struct Grid {
    var header: [String]?
    var rows: [[Cell]]
    /// Columns that are never narrowed (the index).
    var fixed: Set<Int>
  }

  private func draw(_ grid: Grid) -> String {
    let natural = naturalWidths(grid)
    let (widths, shown) = fit(natural, fixed: grid.fixed)
    // A column of numbers (and blanks) is right-aligned, header included.
    let right = (0..<shown).map { i in
      grid.rows.allSatisfy { i >= $0.count || $0[i].numeric || $0[i].text.isEmpty }
    }
    var cut = 0
    var out = ""
    if let header = grid.header {
      let titles = (0..<shown).map { i -> String in
        let (text, wasCut) = TextWidth.truncate(header[i], to: widths[i])
        if wasCut { cut += 1 }
        return TextWidth.pad(text, to: widths[i], right: right[i])
      }
      out += line(titles, bold: titles.count)
      out += line((0..<shown).map { String(repeating: "─", count: widths[$0]) }, bold: 0)
    }
    let keyed = grid.header == nil && !grid.fixed.contains(0)
    for row in grid.rows {
      let texts = (0..<shown).map { i -> String in
        let c = i < row.count ? row[i] : Cell(text: "", numeric: false)
        let (text, wasCut) = TextWidth.truncate(c.text, to: widths[i])
        if wasCut || c.summarised { cut += 1 }
        return TextWidth.pad(text, to: widths[i], right: right[i])
      }
      out += line(texts, bold: keyed ? 1 : 0)
    }
    return out + footer(cut: cut, hidden: natural.count - shown)
  }

  /// Joins the cells of a line, with the first `bold` cells in bold when colour is on
  /// (the whole header, or the field names of a field table).
  private func line(_ cells: [String], bold: Int) -> String {
    let gap = TableRenderer.gap
    var head = cells.prefix(bold).joined(separator: gap)
    var tail = cells.dropFirst(bold).joined(separator: gap)
    tail = trimmedRight(tail)
    if tail.isEmpty { head = trimmedRight(head) }
    if color && bold > 0 { head = "\u{1B}[1m" + head + "\u{1B}[0m" }
    if bold == 0 { return tail + "\n" }
    return tail.isEmpty ? head + "\n" : head + gap + tail + "\n"
  }

  private func trimmedRight(_ text: String) -> String {
    var text = text
    while text.hasSuffix(" ") { text.removeLast() }
    return text
  }

  private func naturalWidths(_ grid: Grid) -> [Int] {
    var widths = grid.header?.map(TextWidth.of) ?? []
    for row in grid.rows {
      for (i, c) in row.enumerated() {
        let w = TextWidth.of(c.text)
        if i < widths.count {
          widths[i] = max(widths[i], w)
        } else if grid.header == nil {
          widths.append(w)
        }
      }
    }
    return widths
  }

  /// Column widths that fit the terminal, and how many columns (from the left) are shown.
  ///
  /// All wide columns are capped at one common width, the largest that fits, so the cut
  /// falls on the widest cells first; when even the narrowest cap does not fit, columns
  /// are left out from the right.
  func fit(_ natural: [Int], fixed: Set<Int>) -> ([Int], Int) {
    guard let width, !natural.isEmpty else { return (natural, natural.count) }
    var shown = natural.count
    while shown > 1 {
      if let capped = capped(Array(natural[..<shown]), fixed: fixed, width: width) {
        return (capped, shown)
      }
      shown -= 1
    }
    return ([min(natural[0], max(width, 1))], 1)
  }

  private func capped(_ natural: [Int], fixed: Set<Int>, width: Int) -> [Int]? {
    let room = width - TableRenderer.gap.count * (natural.count - 1)
    func total(_ cap: Int) -> Int {
      natural.enumerated().reduce(0) { sum, e in
        sum + (fixed.contains(e.offset) ? e.element : min(e.element, cap))
      }
    }
    if total(Int.max) <= room { return natural }
    var lo = TableRenderer.minColumnWidth
    var hi = natural.max() ?? lo
    guard total(lo) <= room else { return nil }
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if total(mid) <= room { lo = mid } else { hi = mid - 1 }
    }
    return natural.enumerated().map { fixed.contains($0.offset) ? $0.element : min($0.element, lo) }
  }

  private func footer(cut: Int, hidden: Int) -> String {
    var parts: [String] = []
    if hidden > 0 { parts.append("\(plural(hidden, "column")) left out") }
    if cut > 0 { parts.append("\(plural(cut, "cell")) shortened") }
    guard !parts.isEmpty else { return "" }
    let fitted = width.map { " to fit \($0) columns" } ?? ""
    let text = "(\(parts.joined(separator: ", "))\(fitted); see everything with --output json)"
    return (width.map { text.wrapped(width: $0) } ?? text) + "\n"
  }
}
