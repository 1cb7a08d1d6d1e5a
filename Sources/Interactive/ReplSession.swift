import LineEditor

/// Where the session reads its lines: the line editor at a terminal, or a script in tests.
protocol LineSource: AnyObject {
  func readLine(prompt: String) -> TerminalEditor.ReadResult
  func addHistory(_ entry: String)
  func discardPendingInput()
}

extension TerminalEditor: LineSource {}

/// The read-evaluate-print loop, independent of the terminal: it joins continuation lines,
/// keeps history, answers `history` itself and hands everything else to the host.
final class ReplSession {
  private let host: any ReplHost
  private let source: any LineSource
  private let history: History
  private let style: PromptStyle
  private let output: any ReplOutput
  private let runner: CommandRunner
  private var lastFailed = false

  init(
    host: any ReplHost, source: any LineSource, history: History, style: PromptStyle,
    output: any ReplOutput, signals: any SignalSource = ProcessSignals()
  ) {
    self.host = host
    self.source = source
    self.history = history
    self.style = style
    self.output = output
    self.runner = CommandRunner(host: host, output: output, signals: signals)
  }

  /// Runs until Ctrl-D, `exit` or a terminating signal; returns the exit status.
  func run() -> Int32 {
    var pending: [String] = []
    while true {
      let prompt =
        pending.isEmpty
        ? style.primary(host.promptContext, lastFailed: lastFailed) : style.continuation()
      output.flush()
      switch source.readLine(prompt: prompt) {
      case .line(let line):
        if pending.isEmpty && line.allSatisfy(\.isWhitespace) { continue }
        pending.append(line)
        let text = pending.joined(separator: "\n")
        guard host.isComplete(text) else { continue }
        pending.removeAll()
        if let status = submit(text) { return status }
      case .interrupted:
        pending.removeAll()
      case .endOfInput:
        guard !pending.isEmpty else { return 0 }
        // Ctrl-D inside an unfinished input runs it, so the host can say what is missing.
        let text = pending.joined(separator: "\n")
        pending.removeAll()
        if let status = submit(text) { return status }
      case .terminated(let signo):
        return 128 + signo
      }
    }
  }

  /// Records and runs one complete input; returns a status when the shell should end.
  private func submit(_ text: String) -> Int32? {
    remember(text)
    if let command = HistoryCommand(text) {
      output.write(command.render(history.entries))
      lastFailed = false
      return nil
    }
    switch runner.run(text) {
    case .finished(let result):
      return conclude(result)
    case .interrupted(let result):
      source.discardPendingInput()
      lastFailed = true
      if case .exit(let status) = result { return status }
      return nil
    case .terminated(let signo):
      return 128 + signo
    }
  }

  private func conclude(_ result: EvaluationResult) -> Int32? {
    switch result {
    case .success: lastFailed = false
    case .failure: lastFailed = true
    case .exit(let status): return status
    }
    return nil
  }

  /// Saves the input before it runs, so a command that hangs or crashes is still in
  /// history.
  private func remember(_ text: String) {
    switch history.record(text) {
    case .saved:
      source.addHistory(text)
    case .savedInMemoryOnly(let warning):
      source.addHistory(text)
      if let warning { output.writeError("warning: \(warning)\n") }
    case .keptOutSecret:
      output.writeError("note: this input holds a secret, so it was kept out of history\n")
    case .ignored:
      break
    }
  }
}
