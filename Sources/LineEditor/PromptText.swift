/// Prepares prompt text for libedit: colour and other escape sequences take no room on
/// screen, so each one is bracketed by `PromptText.invisibleMarker`, which libedit is told
/// about (EL_PROMPT_ESC). Without this the cursor lands too far right after a coloured prompt.
public enum PromptText {
  /// The character that opens and closes an invisible stretch of the prompt.
  public static let invisibleMarker: Unicode.Scalar = "\u{1}"

  /// Returns `prompt` with every ANSI escape sequence (CSI, OSC and two-character ones)
  /// bracketed by the invisible marker. Stray markers in the input are removed first.
  public static func markingInvisible(_ prompt: String) -> String {
    let scalars = Array(prompt.unicodeScalars.filter { $0 != invisibleMarker })
    var result = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "\u{1B}" else {
        result.append(scalars[index])
        index += 1
        continue
      }
      let end = sequenceEnd(scalars, from: index)
      result.append(invisibleMarker)
      result.append(contentsOf: scalars[index..<end])
      result.append(invisibleMarker)
      index = end
    }
    return String(result)
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
        if scalars[index] == "\u{1B}" {
          return min(index + 2, scalars.count)
        }
        index += 1
      }
      return index
    default:
      return index + 1
    }
  }
}
