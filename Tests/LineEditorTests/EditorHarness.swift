import Foundation
import LineEditor

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a `TerminalEditor` on a pseudo-terminal inside the test process: the editor reads on a
/// thread of its own while the test types into the terminal's master side and waits, with a
/// deadline, for the prompt or the lines read. No fixed sleeps.
final class EditorHarness: @unchecked Sendable {
  private let master: Int32
  private let slave: Int32
  private let state = NSLock()
  private var screen = ""
  private var results: [TerminalEditor.ReadResult] = []
  private var finished = false

  /// Starts an editor that reads with each of `prompts` in turn.
  init(
    prompts: [String], history: [String] = [],
    completer: (@Sendable (String, Int) -> Completion)? = nil
  ) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw HarnessError.noTerminal }
    self.master = master
    self.slave = slave
    Thread.detachNewThread { self.drainScreen() }
    let thread = Thread { self.runEditor(prompts: prompts, history: history, completer: completer) }
    thread.stackSize = 4 << 20
    thread.start()
  }

  deinit {
    close(master)
    close(slave)
  }

  /// Types `text` as if from the keyboard.
  func type(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  /// Pastes `text` the way a terminal does when bracketed paste is on.
  func paste(_ text: String) {
    type("\u{1B}[200~" + text + "\u{1B}[201~")
  }

  /// Waits until the screen output contains `text` `count` times.
  @discardableResult
  func waitForScreen(_ text: String, count: Int = 1) -> Bool {
    poll { self.screen.components(separatedBy: text).count - 1 >= count }
  }

  /// Waits until `count` reads have ended and returns their results.
  func waitForResults(_ count: Int) -> [TerminalEditor.ReadResult] {
    _ = poll { self.results.count >= count || self.finished }
    return state.withLock { results }
  }

  var screenText: String { state.withLock { screen } }

  private func poll(_ condition: @escaping () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if state.withLock(condition) { return true }
      usleep(5_000)
    }
    return false
  }

  private func runEditor(
    prompts: [String], history: [String],
    completer: (@Sendable (String, Int) -> Completion)?
  ) {
    guard let editor = TerminalEditor(input: slave, output: slave) else { return }
    editor.setHistory(history)
    editor.completer = completer
    for prompt in prompts {
      let result = editor.readLine(prompt: prompt)
      state.withLock { results.append(result) }
      if case .line(let line) = result { editor.addHistory(line) }
    }
    state.withLock { finished = true }
  }

  private func drainScreen() {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(master, &buffer, buffer.count)
      guard count > 0 else { return }
      let text = String(decoding: buffer[0..<count], as: UTF8.self)
      state.withLock { screen += text }
    }
  }
}

enum HarnessError: Error {
  case noTerminal
}
