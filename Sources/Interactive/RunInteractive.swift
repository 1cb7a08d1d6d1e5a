import Foundation
import LineEditor

/// Where history is kept.
public enum HistoryLocation: Sendable, Equatable {
  /// `$XDG_STATE_HOME/astrosh/history` or `~/.local/state/astrosh/history`; in memory
  /// only, with a warning, when neither variable is set.
  case automatic
  case file(String)
  /// Not saved (the user asked for it).
  case memoryOnly
}

/// Settings of an interactive session.
public struct ReplOptions: Sendable {
  public var environment: [String: String]
  public var history: HistoryLocation
  public var historyLimit: Int
  /// Colour in the prompt; nil decides from NO_COLOR, TERM and whether standard output is
  /// a terminal.
  public var color: Bool?
  /// Printed once before the first prompt, for example how to get help and leave.
  public var banner: String?

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    history: HistoryLocation = .automatic, historyLimit: Int = 10_000, color: Bool? = nil,
    banner: String? = nil
  ) {
    self.environment = environment
    self.history = history
    self.historyLimit = historyLimit
    self.color = color
    self.banner = banner
  }
}

/// True when both standard input and standard output are terminals: only then is there a
/// line editor. Otherwise the input should be read as a script.
public func isInteractiveTerminal() -> Bool {
  Terminal.isTerminal(0) && Terminal.isTerminal(1)
}

/// The width to fit tables to: the terminal's, else `$COLUMNS`, else 80.
public func terminalWidth(environment: [String: String]) -> Int {
  Terminal.width(environment: environment)
}

/// Runs the interactive shell on the process's terminal until Ctrl-D, `exit` or a
/// terminating signal, and returns the exit status. Call it on the initial thread, from
/// synchronous code (not from an async `main`): that thread must be the one blocked in
/// the terminal read for Ctrl-C to reach it.
public func runInteractive(host: any ReplHost, options: ReplOptions = ReplOptions()) -> Int32 {
  TerminalSignals.install()
  defer { TerminalSignals.uninstall() }
  // A dumb terminal would show the paste-mode switch as text.
  let paste = options.environment["TERM"] != "dumb"
  guard let editor = TerminalEditor(historySize: options.historyLimit, bracketedPaste: paste)
  else {
    StandardStreams.writeError("astrosh: cannot set up the line editor on this terminal\n")
    return 1
  }
  let output = StandardOutput()
  let history = makeHistory(options, isSecret: { host.containsSecret($0) }, output: output)
  editor.setHistory(history.entries)
  editor.completer = { line, cursor in host.complete(line: line, cursor: cursor) }
  if let banner = options.banner { output.write(banner.hasSuffix("\n") ? banner : banner + "\n") }
  let color =
    options.color
    ?? PromptStyle.wantsColor(
      environment: options.environment, outputIsTerminal: Terminal.isTerminal(1))
  let session = ReplSession(
    host: host, source: editor, history: history, style: PromptStyle(color: color),
    output: output)
  return session.run()
}

/// Opens and loads the history, reporting problems as warnings.
func makeHistory(
  _ options: ReplOptions, isSecret: @escaping (String) -> Bool, output: any ReplOutput
) -> History {
  var path: String?
  switch options.history {
  case .automatic:
    path = HistoryFile.defaultPath(environment: options.environment)
    if path == nil {
      output.writeError("warning: history is not saved: neither XDG_STATE_HOME nor HOME is set\n")
    }
  case .file(let file): path = file
  case .memoryOnly: path = nil
  }
  let file = path.map { HistoryFile(path: $0, limit: options.historyLimit) }
  let history = History(file: file, limit: options.historyLimit, isSecret: isSecret)
  for warning in history.load() { output.writeError("warning: \(warning)\n") }
  return history
}
