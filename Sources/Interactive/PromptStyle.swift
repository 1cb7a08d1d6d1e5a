import LineEditor

/// Draws the prompts, in colour or plain.
struct PromptStyle {
  var color: Bool

  /// `astrosh[sandbox] org:o1 > `; the `>` turns red after a failed command.
  func primary(_ context: PromptContext, lastFailed: Bool) -> String {
    var text = paint("astrosh", "1") + paint("[\(context.target)]", "36")
    if let organization = context.organization, !organization.isEmpty {
      text += " " + paint("org:\(organization)", "32")
    }
    return text + " " + paint(">", lastFailed ? "1;31" : "1") + " "
  }

  /// The prompt for the lines that complete an unfinished input.
  func continuation() -> String {
    paint("...", "2") + "> "
  }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// Colour unless NO_COLOR is set to anything, TERM is `dumb`, or standard output is
  /// not a terminal.
  static func wantsColor(environment: [String: String], outputIsTerminal: Bool) -> Bool {
    if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
    if environment["TERM"] == "dumb" { return false }
    return outputIsTerminal
  }
}
