/// Prepares prompt text for libedit: colour and other escape sequences take no room on
/// screen, so they are bracketed by `PromptText.invisibleMarker`, which libedit is told
/// about (EL_PROMPT_ESC). Without this the cursor lands too far right after a coloured prompt.
///
/// libedit (3.1-2022) draws a bracketed stretch together with the one character after the
/// closing marker, and gives the pair that character's width. So two stretches must never
/// touch (the second would be dropped and the rest of the prompt misread), and a stretch
/// must not end the prompt (it would be lost). Adjacent escape sequences therefore share one
/// stretch, and trailing ones move in front of the last visible character.
public enum PromptText {
  /// The character that opens and closes an invisible stretch of the prompt.
  public static let invisibleMarker: Unicode.Scalar = "\u{1}"

  /// Returns `prompt` with its ANSI escape sequences (CSI, OSC and two-character ones)
  /// bracketed by the invisible marker. Stray markers in the input are removed first.
  public static func markingInvisible(_ prompt: String) -> String {
    var segments = split(Array(prompt.unicodeScalars.filter { $0 != invisibleMarker }))
    if case .escapes(let trailing) = segments.last {
      segments.removeLast()
      guard case .visible(let last) = segments.popLast() else { return "" }
      segments += [.escapes(trailing), .visible(last)]
    }
    var result = String.UnicodeScalarView()
    for segment in segments {
      switch segment {
      case .visible(let scalar):
        result.append(scalar)
      case .escapes(let scalars):
        result.append(invisibleMarker)
        result.append(contentsOf: scalars)
        result.append(invisibleMarker)
      }
    }
    return String(result)
  }

  private enum Segment {
    case visible(Unicode.Scalar)
    /// One or more escape sequences in a row.
    case escapes([Unicode.Scalar])
  }

  private static func split(_ scalars: [Unicode.Scalar]) -> [Segment] {
    var segments: [Segment] = []
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "\u{1B}" else {
        segments.append(.visible(scalars[index]))
        index += 1
        continue
      }
      let end = sequenceEnd(scalars, from: index)
      if case .escapes(let previous) = segments.last {
        segments[segments.count - 1] = .escapes(previous + scalars[index..<end])
      } else {
        segments.append(.escapes(Array(scalars[index..<end])))
      }
      index = end
    }
    return segments
  }

  /// The index just past the escape sequence that starts at `start` (an ESC).
  private static func sequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
    var index = start + 1
    guard index < scalars.count else { return index }
    switch scalars[index] {
    case "[":
      // CSI: parameter and intermediate bytes, then one final byte in @...~.
      index += 1
      while index < scalars.count, !("\u{40}"..."\u{7E}").contains(scalars[index]) {
        index += 1
      }
      return min(index + 1, scalars.count)
    case "]":
      // OSC: ends with BEL or with ESC backslash.
      index += 1
      while index < scalars.count {
        if scalars[index] == "\u{7}" { return index + 1 }
        if scalars[index] == "\u{1B}" { return min(index + 2, scalars.count) }
        index += 1
      }
      return index
    default:
      return index + 1
    }
  }
}
