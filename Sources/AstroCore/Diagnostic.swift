/// Renders a `ShellError` the one way astrosh shows errors:
///
///     error: unknown command 'lst'
///       --> deploy.astro:3:9
///        |
///      3 | let x = lst
///        |         ^^^ not a builtin or a def
///        = hint: did you mean 'list'?
public enum Diagnostic {
  /// `showing` rewrites the source line before it is shown (the shell masks secrets
  /// typed into it); it must keep every character's position.
  public static func render(
    _ error: ShellError, color: Bool = false, showing: (String) -> String = { $0 }
  ) -> String {
    let red = color ? "\u{1B}[1;31m" : ""
    let blue = color ? "\u{1B}[1;34m" : ""
    let bold = color ? "\u{1B}[1m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    var out = "\(red)error\(reset)\(bold): \(error.message.escapingControls)\(reset)\n"
    if let loc = error.location {
      let (line, fileColumn) = loc.file.lineAndColumn(of: loc.span.start)
      let gutter = String(repeating: " ", count: String(line).count)
      out += "\(gutter)\(blue)-->\(reset) \(loc.file.name):\(line):\(fileColumn)\n"
      let (text, column) = window(showing(loc.file.line(line)).printable, around: fileColumn)
      out += "\(gutter) \(blue)|\(reset)\n"
      out += "\(blue)\(line) |\(reset) \(text)\n"
      // The caret is placed and sized in terminal cells: a CJK character or an emoji
      // before or under it takes two.
      let endLC = loc.file.lineAndColumn(of: max(loc.span.start, loc.span.end - 1))
      let spanned = endLC.line == line ? max(1, endLC.column - column + 1) : 1
      let before = TextWidth.of(String(text.prefix(column - 1)))
      let width = max(1, TextWidth.of(String(text.dropFirst(column - 1).prefix(spanned))))
      let pad = String(repeating: " ", count: before)
      out +=
        "\(gutter) \(blue)|\(reset) \(pad)\(red)\(String(repeating: "^", count: width))\(reset)\n"
      if let hint = error.hint {
        out += "\(gutter) \(blue)=\(reset) hint: \(hint.escapingControls)\n"
      }
    } else if let hint = error.hint {
      out += "  = hint: \(hint.escapingControls)\n"
    }
    return out
  }

  /// Lines longer than this many characters are shown cut to a window of it.
  static let longestShownLine = 160

  /// A long line cut to `longestShownLine` characters around `column` (counted from 1),
  /// with `…` where it was cut, and the column within the window: a script holding a
  /// 100 KB line must not echo all of it to the terminal.
  static func window(_ text: String, around column: Int) -> (String, Int) {
    guard text.count > longestShownLine else { return (text, column) }
    let chars = Array(text)
    let start = max(0, min(column - 1 - longestShownLine / 3, chars.count - longestShownLine))
    let end = min(chars.count, start + longestShownLine)
    var shown = String(chars[start..<end])
    var shownColumn = column - start
    if start > 0 {
      shown = "…" + shown
      shownColumn += 1
    }
    if end < chars.count { shown += "…" }
    return (shown, shownColumn)
  }
}

extension String {
  /// The line as it can be shown safely: a tab becomes a space (so the caret lines up) and
  /// other control characters become '?', so an escape sequence in a script never reaches
  /// the terminal.
  fileprivate var printable: String {
    String(
      String.UnicodeScalarView(
        unicodeScalars.map { s in
          if s == "\t" { return " " }
          return s.value < 0x20 || s.value == 0x7F ? "?" : s
        }))
  }
}

extension String {
  /// The text with control characters other than line breaks and tabs written as
  /// `\u{1B}`, so an id or message echoed from a server cannot drive the terminal.
  public var escapingControls: String { escapingControls(keepingLineBreaks: true) }

  /// The same, and with line breaks and tabs escaped too unless `keepingLineBreaks`: for
  /// text that must stay on one line, such as a log line.
  public func escapingControls(keepingLineBreaks: Bool) -> String {
    let isEscaped = { (s: Unicode.Scalar) in
      (s.value < 0x20 && !(keepingLineBreaks && (s == "\n" || s == "\t"))) || s.value == 0x7F
    }
    guard unicodeScalars.contains(where: isEscaped) else { return self }
    var out = ""
    for s in unicodeScalars {
      if isEscaped(s) {
        out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
      } else {
        out.unicodeScalars.append(s)
      }
    }
    return out
  }
}

/// Suggestions by edit distance, for "did you mean" hints.
public enum Suggest {
  /// The candidate closest to `word`, if it is close enough to be a likely typo.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(1, word.count / 3)
    var best: (String, Int)?
    for c in candidates {
      let d = distance(word.lowercased(), c.lowercased())
      if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
  }

  /// A hint sentence, or nil when nothing is close.
  public static func hint(for word: String, in candidates: some Sequence<String>) -> String? {
    closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
  }

  /// Edit distance over characters, where swapping two neighbours counts as one edit
  /// (optimal string alignment), so `cuont` is one step from `count`.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var before = [Int](repeating: 0, count: y.count + 1)
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
      cur[0] = i
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          cur[j] = Swift.min(cur[j], before[j - 2] + 1)
        }
      }
      (before, prev, cur) = (prev, cur, before)
    }
    return prev[y.count]
  }
}
