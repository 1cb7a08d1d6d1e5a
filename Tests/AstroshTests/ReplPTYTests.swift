import Foundation
import Testing

/// The interactive shell end to end: the real binary in a real terminal (tmux), typed at
/// like a user would. Serialized to spare the machine; each test has its own terminal and
/// its own history directory.
@Suite("Interactive shell in a terminal", .serialized, .enabled(if: PTYSession.isAvailable))
struct ReplPTYTests {
  @Test func historySurvivesARestart() throws {
    let first = try AstroshTerminal()
    defer { first.removeState() }
    try first.waitForPrompt()
    try first.run(#"print "first-run""#)
    try first.session.press("C-d")
    #expect(try first.session.exitStatus() == 0)
    first.close()

    let attributes = try FileManager.default.attributesOfItem(atPath: first.historyFile.path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(String(decoding: first.historyBytes() ?? [], as: UTF8.self).contains("first-run"))

    let second = try AstroshTerminal(stateHome: first.stateHome)
    defer { second.close() }
    try second.waitForPrompt()
    try second.session.press("Up")
    try second.session.waitFor(#"> print "first-run""#)
    try second.session.press("Enter")
    try second.session.waitForLine("first-run")
  }

  @Test func tabCompletesABuiltin() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.type("list_managed_dom")
    try shell.session.press("Tab")
    try shell.session.waitFor("> list_managed_domains")
  }

  @Test func anUnfinishedInputContinuesOnTheNextLine() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.type("{a: 1,")
    try shell.session.press("Enter")
    try shell.session.waitFor("...>")
    try shell.run("b: 2} | get b")
    try shell.session.waitForLine("2")
    // The two lines are one history entry.
    let history = String(decoding: shell.historyBytes() ?? [], as: UTF8.self)
    #expect(history.contains(#"{a: 1,\nb: 2} | get b"#))
  }

  @Test func pastedLinesRunInOrderWithoutMarkers() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.paste("print \"pasted-1\"\nprint \"pasted-2\"\n")
    let transcript = try shell.session.waitForLine("pasted-2")
    let lines = transcript.split(separator: "\n").map(String.init)
    let one = try #require(lines.firstIndex(of: "pasted-1"))
    let two = try #require(lines.firstIndex(of: "pasted-2"))
    #expect(one < two)
    #expect(!transcript.contains("200~") && !transcript.contains("201~"))
  }

  @Test func wideAndCombiningCharactersEditByVisibleCharacter() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    let screen = try shell.waitForPrompt()
    let prompt = (screen.split(separator: "\n").last { !$0.isEmpty } ?? "") + " "
    try shell.session.type(#"print "日本😀✓""#)
    // Back over `"` and `✓`, delete the emoji, type an accented letter.
    try shell.session.press("Left", "Left", "BSpace")
    try shell.session.type("é")
    try shell.session.waitFor(#"print "日本é✓""#)
    let cursor = try shell.session.cursor()
    // prompt, then `print "` (7), 日本 (4 columns), é (1).
    #expect(cursor.column == prompt.count + 12)
    try shell.session.press("Enter")
    try shell.session.waitForLine("日本é✓")
  }

  @Test func ctrlCCancelsASlowRequestAndTheShellCarriesOn() throws {
    let server = try EmulatorProcess(arguments: ["--latency", "60000", "--quiet"])
    defer { server.stop() }
    let shell = try AstroshTerminal(
      arguments: ["--trace"],
      environment: ["ASTRO_API_URL": server.url, "ASTRO_API_TOKEN": "pty-test-token"])
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.type("list_organizations")
    try shell.session.press("Enter")
    try shell.session.waitFor("> GET /organizations")
    let pressed = Date()
    try shell.session.press("C-c")
    try shell.session.waitFor("interrupted")
    try shell.waitForPrompt(count: 2)
    // The server would have answered after a minute; the shell let go at once.
    #expect(Date().timeIntervalSince(pressed) < 15)
    try shell.run(#"print "still-here""#)
    try shell.session.waitForLine("still-here")
  }

  @Test func aBulkRunShowsProgressAndCtrlCSaysHowFarItGot() throws {
    let server = try EmulatorProcess(arguments: ["--latency", "300", "--quiet"])
    defer { server.stop() }
    let shell = try AstroshTerminal(
      arguments: ["--organization", "demo-org"],
      environment: ["ASTRO_API_URL": server.url, "ASTRO_API_TOKEN": "pty-test-token"])
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.type(
      #"1..40 | each { {id: "cldemodom0000000000000001"} } | get_managed_domain --parallel 1"#)
    try shell.session.press("Enter")
    // The progress line: each run's count (done/total once the total is known) and the
    // rate. A run shows once it has lasted half a second, so wait for the API run's part.
    let progress = try shell.session.waitFor("| get_managed_domain ")
    #expect(progress.contains("/40"), "\(progress)")
    #expect(progress.contains("/s"), "\(progress)")
    try shell.session.press("C-c")
    let report = try shell.session.waitFor(" done in get_managed_domain")
    #expect(report.contains("interrupted: "), "\(report)")
    // The progress line was erased before the shell ended the line ^C was echoed on.
    #expect(!report.contains("/s"), "\(report)")
    try shell.waitForPrompt(count: 2)
    // The next command starts afresh: no progress and no report of the earlier run.
    try shell.run(#"print "after""#)
    let after = try shell.session.waitForLine("after")
    #expect(after.components(separatedBy: "done in get_managed_domain").count == 2)
  }

  @Test func ctrlCClearsTheLineAndCtrlDLeaves() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.type("half typed")
    // Ctrl-C makes the terminal drop input not yet read, so wait until the shell has it.
    try shell.session.waitFor("> half typed")
    try shell.session.press("C-c")
    try shell.session.waitFor("half typed^C")
    try shell.waitForPrompt(count: 2)
    try shell.run(#"print "after""#)
    try shell.session.waitForLine("after")
    try shell.session.press("C-d")
    #expect(try shell.session.exitStatus() == 0)
    let history = String(decoding: shell.historyBytes() ?? [], as: UTF8.self)
    #expect(!history.contains("half typed"))
  }

  @Test func aPreSeededHistoryWithEmojiAndInvalidUTF8Loads() throws {
    let state = FileManager.default.temporaryDirectory
      .appendingPathComponent("astrosh-state-" + UUID().uuidString)
    let directory = state.appendingPathComponent("astrosh")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var bytes = Array("#astrosh history v1\nprint \"emoji 😀\"\n".utf8)
    bytes += [0x70, 0x72, 0xFF, 0xFE, 0x0A]
    bytes += Array("print \"last\"\n".utf8)
    try Data(bytes).write(to: directory.appendingPathComponent("history"))

    let shell = try AstroshTerminal(stateHome: state)
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.waitFor("skipped 1 unreadable line")
    try shell.session.press("Up")
    try shell.session.waitFor(#"> print "last""#)
    try shell.session.press("Up")
    try shell.session.waitFor(#"> print "emoji 😀""#)
    try shell.session.press("Enter")
    try shell.session.waitForLine("emoji 😀")
    let kept = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(kept.contains { $0.hasPrefix("history.bad-") })
  }

  @Test func aLibeditHistoryFileIsSetAsideWithAWarning() throws {
    let state = FileManager.default.temporaryDirectory
      .appendingPathComponent("astrosh-state-" + UUID().uuidString)
    let directory = state.appendingPathComponent("astrosh")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data("_HiStOrY_V2_\nprint\\040\"x\"\n".utf8)
      .write(to: directory.appendingPathComponent("history"))

    let shell = try AstroshTerminal(stateHome: state)
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.session.waitFor("libedit's format")
    try shell.run(#"print "fresh""#)
    try shell.session.waitForLine("fresh")
    let history = String(decoding: shell.historyBytes() ?? [], as: UTF8.self)
    #expect(history == "#astrosh history v1\nprint \"fresh\"\n")
  }

  @Test func aLineWithASecretIsKeptOutOfHistory() throws {
    let shell = try AstroshTerminal()
    defer { shell.close() }
    defer { shell.removeState() }
    try shell.waitForPrompt()
    try shell.run(#"let k = {bypassKey: "s3cr3t-value"}"#)
    try shell.session.waitFor("kept out of history")
    try shell.run(#"print "visible""#)
    try shell.session.waitForLine("visible")
    let history = String(decoding: shell.historyBytes() ?? [], as: UTF8.self)
    #expect(!history.contains("s3cr3t"))
    #expect(history.contains("visible"))
  }

  @Test func thePromptIsColouredUnlessNoColorIsSet() throws {
    for (environment, coloured) in [([:], true), (["NO_COLOR": "1"], false)] {
      let shell = try AstroshTerminal(environment: environment)
      defer { shell.close() }
      defer { shell.removeState() }
      try shell.waitForPrompt()
      let raw = try shell.session.transcript(escapes: true)
      let promptLine = raw.split(separator: "\n").last { $0.contains("astrosh") } ?? ""
      #expect(promptLine.contains("\u{1B}[") == coloured, "\(environment)")
    }
  }
}
