/// How many terminal columns text takes, for aligning tables and error carets.
///
/// A reasonable wcwidth: East Asian wide and fullwidth characters and emoji take two
/// columns, combining marks, joiners and variation selectors none, everything else one.
/// It works per `Character`, so a base letter with its accents or an emoji sequence
/// joined by ZWJ counts once.
public enum TextWidth {
  public static func of(_ text: String) -> Int {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    var total = 0
    for c in text { total += of(c) }
    return total
  }

  public static func of(_ c: Character) -> Int {
    let scalars = c.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
    if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
    if first.properties.isEmojiPresentation { return 2 }
    return scalarWidth(first)
  }

  static func scalarWidth(_ s: Unicode.Scalar) -> Int {
    switch s.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control: return 0
    default: break
    }
    return isWide(s.value) ? 2 : 1
  }

  /// East Asian Wide (W) and Fullwidth (F) blocks, condensed into ranges.
  static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
      0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
      0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
      0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// The longest prefix that fits in `width` columns, with `…` appended when anything
  /// was cut; the flag says whether it was.
  public static func truncate(_ text: String, to width: Int) -> (text: String, cut: Bool) {
    guard of(text) > width else { return (text, false) }
    guard width > 0 else { return ("", true) }
    var out = ""
    var used = 0
    for c in text {
      let w = of(c)
      if used + w > width - 1 { break }
      out.append(c)
      used += w
    }
    return (out + "…", true)
  }

  /// Pads with spaces to `width` columns, on the right or (for numbers) on the left.
  public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
    let fill = width - of(text)
    guard fill > 0 else { return text }
    let spaces = String(repeating: " ", count: fill)
    return right ? spaces + text : text + spaces
  }
}

extension String {
  /// The text wrapped at spaces to lines of at most `width` characters (a longer word
  /// keeps a line to itself); lines after a break start with `indent`.
  public func wrapped(width: Int, indent: String = "") -> String {
    split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
      var lines: [String] = []
      var line = ""
      for word in paragraph.split(separator: " ") {
        if !line.isEmpty, line.count + 1 + word.count > width {
          lines.append(line)
          line = ""
        }
        line += line.isEmpty ? String(word) : " " + word
      }
      lines.append(line)
      return lines.joined(separator: "\n" + indent)
    }.joined(separator: "\n")
  }
}
