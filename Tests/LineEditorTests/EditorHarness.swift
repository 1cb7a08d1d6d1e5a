import Foundation
import LineEditor

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a `TerminalEditor` on a pseudo-terminal inside the test process: the editor reads on a
/// thread of its own while the test types into the terminal's master side and waits, with a
/// deadline, for the prompt or the lines read. No fixed sleeps.
final class EditorHarness {
  private let master: Int32
  private let slave: Int32
  private let shared = Shared()

  /// What the threads fill in; they hold this, not the harness, so the harness (and its
  /// descriptors) goes away when the test ends.
  private final class Shared: @unchecked Sendable {
    let lock = NSLock()
    var screen = ""
    var results: [TerminalEditor.ReadResult] = []
    var finished = false
  }

  /// Starts an editor that reads with each of `prompts` in turn.
  init(
    prompts: [String], history: [String] = [],
    completer: (@Sendable (String, Int) -> Completion)? = nil
  ) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw HarnessError.noTerminal }
    // Programs that other tests start must not inherit this terminal.
    for fd in [master, slave] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    self.master = master
    self.slave = slave
    // Each thread works on descriptors of its own: once the test closes `master` and
    // `slave`, their numbers may be reused by the next test's terminal.
    let screenFD = fcntl(master, F_DUPFD_CLOEXEC, 0)
    let editorFD = fcntl(slave, F_DUPFD_CLOEXEC, 0)
    let shared = self.shared
    Thread.detachNewThread { Self.drainScreen(screenFD, into: shared) }
    let thread = Thread {
      Self.readLines(
        editorFD, prompts: prompts, history: history, completer: completer, into: shared)
      close(editorFD)
      shared.lock.withLock { shared.finished = true }
    }
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
    poll { $0.screen.components(separatedBy: text).count - 1 >= count }
  }

  /// Waits until `count` reads have ended and returns their results.
  func waitForResults(_ count: Int) -> [TerminalEditor.ReadResult] {
    _ = poll { $0.results.count >= count || $0.finished }
    return shared.lock.withLock { shared.results }
  }

  var screenText: String { shared.lock.withLock { shared.screen } }

  private func poll(_ condition: (Shared) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if shared.lock.withLock({ condition(shared) }) { return true }
      usleep(5_000)
    }
    return false
  }

  /// Reads a line per prompt; the editor is gone, and the terminal restored, on return.
  private static func readLines(
    _ fd: Int32, prompts: [String], history: [String],
    completer: (@Sendable (String, Int) -> Completion)?, into shared: Shared
  ) {
    guard let editor = TerminalEditor(input: fd, output: fd) else { return }
    editor.setHistory(history)
    editor.completer = completer
    for prompt in prompts {
      let result = editor.readLine(prompt: prompt)
      if case .line(let line) = result { editor.addHistory(line) }
      shared.lock.withLock { shared.results.append(result) }
    }
  }

  /// Collects what the editor writes until every slave descriptor is closed.
  private static func drainScreen(_ fd: Int32, into shared: Shared) {
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(fd, &buffer, buffer.count)
      guard count > 0 else { return }
      let text = String(decoding: buffer[0..<count], as: UTF8.self)
      shared.lock.withLock { shared.screen += text }
    }
  }
}

enum HarnessError: Error {
  case noTerminal
}
