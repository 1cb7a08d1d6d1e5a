import Foundation

/// A program running in a terminal of its own, typed at and read the way a user would:
/// a tmux pane on a private tmux server, so the screen is a real terminal's screen.
///
/// Rules for reliable tests: wait for the prompt before typing (keys typed earlier reach a
/// terminal that is not yet in editing mode), wait for each command's effect before the
/// next, and only ever wait on a condition with a deadline, never a fixed sleep.
final class PTYSession {
  /// True when tmux can be found; tests that need it are skipped otherwise.
  static let isAvailable = tmuxPath != nil

  private static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// A private directory: the tmux socket, its configuration, and a HOME for the program.
  let directory: URL
  private let socket: String
  private var closed = false

  /// Starts `executable` with exactly `environment` (plus PATH, TERM, LANG and HOME when
  /// not given) in a terminal of `columns` x `rows`.
  init(
    _ executable: String, arguments: [String] = [], environment: [String: String] = [:],
    columns: Int = 100, rows: Int = 30
  ) throws {
    guard Self.tmuxPath != nil else { throw PTYError.noTmux }
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("astrosh-pty-" + UUID().uuidString)
    let home = directory.appendingPathComponent("home")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    socket = directory.appendingPathComponent("tmux.sock").path
    let config = directory.appendingPathComponent("tmux.conf")
    // The pane stays after the program ends so its exit status can be read; no status
    // line, so the screen is the program's alone.
    try "set -g remain-on-exit on\nset -g status off\nset -g history-limit 10000\n"
      .write(to: config, atomically: true, encoding: .utf8)
    try tmux(
      startingServer: true,
      ["-f", config.path, "new-session", "-d", "-s", "test", "-x", "\(columns)", "-y", "\(rows)"]
        + command(executable, arguments, environment))
  }

  /// The main program's window.
  private static let main = "test:0"

  /// Where the main program's exit status is written when it ends.
  private var statusFile: URL { directory.appendingPathComponent("exit-status") }

  /// A command line that runs `executable` with exactly the given environment and, for the
  /// main window, writes its exit status to `statusFile`.
  ///
  /// tmux's own record of a pane's exit status (`pane_dead_status`) is sometimes never
  /// filled in (seen with tmux 3.3a), so a small shell waits for the program and writes
  /// it. The shell catches the terminal's signals with a no-op trap so that Ctrl-C reaches
  /// the program alone; the program starts with default handlers, as exec resets traps.
  private func command(
    _ executable: String, _ arguments: [String], _ environment: [String: String],
    recordingStatus: Bool = true
  ) -> [String] {
    let home = directory.appendingPathComponent("home").path
    var env = ["PATH": "/usr/bin:/bin", "TERM": "screen", "LANG": "C.UTF-8", "HOME": home]
    env.merge(environment) { _, given in given }
    let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let program = ["/usr/bin/env", "-i"] + assignments + [executable] + arguments
    guard recordingStatus else { return program }
    let script =
      #"trap : INT QUIT TERM HUP; f=$1; shift; "$@"; echo $? > "$f.tmp"; mv "$f.tmp" "$f""#
    return ["/bin/sh", "-c", script, "sh", statusFile.path] + program
  }

  deinit { close() }

  /// Stops the tmux server, and with it the program, and removes the private directory.
  func close() {
    guard !closed else { return }
    closed = true
    _ = try? tmux(["kill-server"])
    // The program ends on the hang-up; wait for its status so that nothing writes into
    // the directory after it is removed.
    let deadline = Date().addingTimeInterval(5)
    while !FileManager.default.fileExists(atPath: statusFile.path) && Date() < deadline {
      usleep(10_000)
    }
    try? FileManager.default.removeItem(at: directory)
  }

  /// Types `text` literally, as keystrokes.
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", Self.main, "-l", "--", text])
  }

  /// Presses named keys: `Enter`, `Tab`, `Up`, `Down`, `Left`, `BSpace`, `C-c`, `C-d`, `C-r`.
  func press(_ keys: String...) throws {
    try tmux(["send-keys", "-t", Self.main] + keys)
  }

  /// Pastes `text` as a terminal does; bracketed when the program asked for it.
  func paste(_ text: String) throws {
    try tmux(["set-buffer", "-b", "paste", "--", text])
    try tmux(["paste-buffer", "-p", "-d", "-b", "paste", "-t", Self.main])
  }

  /// The visible screen, one line per row, trailing blanks removed.
  func screen() throws -> String {
    try tmux(["capture-pane", "-p", "-t", Self.main])
  }

  /// Everything a window has shown, scrolled-off lines included; with `escapes`, colours
  /// and other attributes appear as escape sequences.
  func transcript(of window: String? = nil, escapes: Bool = false) throws -> String {
    let target = window.map { "test:\($0)" } ?? Self.main
    return try tmux(["capture-pane", "-p", "-S", "-", "-t", target] + (escapes ? ["-e"] : []))
  }

  /// Starts another program in a window of its own, such as a server for the main program
  /// to talk to. It ends with the session.
  func launch(
    window: String, _ executable: String, arguments: [String] = [],
    environment: [String: String] = [:]
  ) throws {
    try tmux(
      ["new-window", "-d", "-n", window, "-t", "test:"]
        + command(executable, arguments, environment, recordingStatus: false))
  }

  /// The cursor's column and row, from 0.
  func cursor() throws -> (column: Int, row: Int) {
    let text = try tmux(["display-message", "-p", "-t", Self.main, "#{cursor_x} #{cursor_y}"])
    let parts = text.split(separator: " ").compactMap {
      Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return (parts.first ?? -1, parts.last ?? -1)
  }

  /// Waits until the transcript shows `text` at least `count` times. Trailing blanks of
  /// each row are not captured, so `text` should not end in a space.
  @discardableResult
  func waitFor(
    _ text: String, count: Int = 1, in window: String? = nil, timeout: TimeInterval = 20
  ) throws -> String {
    try waitUntil("\(count) x \(text.debugDescription)", in: window, timeout: timeout) {
      $0.components(separatedBy: text).count - 1 >= count
    }
  }

  /// Waits until some row of the transcript is exactly `line`.
  @discardableResult
  func waitForLine(_ line: String, timeout: TimeInterval = 20) throws -> String {
    try waitUntil("a line \(line.debugDescription)", timeout: timeout) {
      $0.split(separator: "\n", omittingEmptySubsequences: false).contains { $0 == line }
    }
  }

  /// Waits until `condition` holds for the transcript; returns that transcript. Throws,
  /// with the screen, when the deadline passes.
  @discardableResult
  func waitUntil(
    _ description: String, in window: String? = nil, timeout: TimeInterval = 20,
    _ condition: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    repeat {
      last = try transcript(of: window)
      if condition(last) { return last }
      usleep(20_000)
    } while Date() < deadline
    throw PTYError.timedOut(waitingFor: description, screen: last)
  }

  /// Waits for the program to end and returns its exit status.
  func exitStatus(timeout: TimeInterval = 20) throws -> Int32 {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      let text = (try? String(contentsOf: statusFile, encoding: .utf8)) ?? ""
      if let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
        return status
      }
      usleep(20_000)
    } while Date() < deadline
    throw PTYError.timedOut(waitingFor: "the program to exit", screen: (try? screen()) ?? "")
  }

  /// Runs one tmux command and returns what it printed.
  ///
  /// The command that starts the server goes through bash (dash cannot close fd 10+),
  /// which closes every inherited descriptor above 2 first: the server outlives the
  /// command, and a pipe of this test process (ours or a parallel test's) held open by it
  /// would never reach its end. Its output goes to a file for the same reason.
  @discardableResult
  private func tmux(startingServer: Bool = false, _ arguments: [String]) throws -> String {
    let tmuxPath = Self.tmuxPath ?? "/usr/bin/tmux"
    let process = Process()
    if startingServer {
      process.executableURL = URL(fileURLWithPath: "/bin/bash")
      process.arguments =
        ["-c", Self.closeDescriptorsAndRun, "sh", tmuxPath, "-S", socket]
        + arguments
    } else {
      process.executableURL = URL(fileURLWithPath: tmuxPath)
      process.arguments = ["-S", socket] + arguments
    }
    process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    process.standardInput = FileHandle.nullDevice
    let log = directory.appendingPathComponent("tmux-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try startingServer ? Self.runWithSignalsUnblocked(process) : process.run()
    try? handle.close()
    process.waitUntilExit()
    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    guard process.terminationStatus == 0 else {
      throw PTYError.tmuxFailed(arguments: arguments, output: text)
    }
    return text
  }

  /// Starts `process` from a thread that blocks no signals. A child inherits the signal
  /// mask of the thread that spawns it, and test threads block nearly all signals: a tmux
  /// server started from one never sees its panes end, ignores `kill-server`, and hands the
  /// mask on to the program under test, which then never gets Ctrl-C.
  static func runWithSignalsUnblocked(_ process: Process) throws {
    let failure = Box<Error?>(nil)
    let started = DispatchSemaphore(value: 0)
    let thread = Thread {
      var none = sigset_t()
      sigemptyset(&none)
      pthread_sigmask(SIG_SETMASK, &none, nil)
      do { try process.run() } catch { failure.value = error }
      started.signal()
    }
    thread.start()
    started.wait()
    if let error = failure.value { throw error }
  }

  /// A bash script that closes every descriptor above 2, then runs its arguments. Only for
  /// short-lived commands: Foundation waits for a child that closed its watch socket.
  private static let closeDescriptorsAndRun = """
    for fd in /proc/$$/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-"; fi
    done
    exec "$@"
    """
}

/// A value handed back from the spawning thread.
private final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}

enum PTYError: Error, CustomStringConvertible {
  case noTmux
  case tmuxFailed(arguments: [String], output: String)
  case timedOut(waitingFor: String, screen: String)

  var description: String {
    switch self {
    case .noTmux: return "tmux is not installed"
    case .tmuxFailed(let arguments, let output):
      return "tmux \(arguments.joined(separator: " ")) failed: \(output)"
    case .timedOut(let what, let screen):
      return "timed out waiting for \(what); the screen was:\n\(screen)"
    }
  }
}
