import CLibEdit
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The signals the interactive shell handles itself. Their handlers only record the signal
/// in an atomic; the line editor and the REPL loop look at the record when a blocking call
/// returns early.
///
/// libedit's own signal handling (EL_SIGNAL) is not used: it forwards every signal with
/// `kill(0, …)`, which reaches the whole process group, not just this process.
public enum TerminalSignals {
  /// Installs the handlers for SIGINT, SIGTERM and SIGHUP for the whole session, without
  /// SA_RESTART so a blocking read returns with EINTR. Call `uninstall()` before leaving.
  public static func install() {
    touchState()
    for signo in sessionSignals { installHandler(signo) }
    unblock(sessionSignals)
  }

  /// Puts back the handlers that `install()` replaced.
  public static func uninstall() {
    for signo in sessionSignals { restoreHandler(signo) }
  }

  /// True once Ctrl-C was pressed and not yet taken.
  public static var interruptPending: Bool { pending(SIGINT) }

  /// Takes a pending Ctrl-C: returns true at most once per press.
  public static func takeInterrupt() -> Bool { take(SIGINT) }

  /// The terminating signal (SIGTERM or SIGHUP) that arrived, if any. It stays pending:
  /// the shell is expected to end.
  public static var terminationSignal: Int32? {
    if pending(SIGTERM) { return SIGTERM }
    if pending(SIGHUP) { return SIGHUP }
    return nil
  }

  /// Records SIGINT as if Ctrl-C had been pressed, and wakes any waiter (for tests).
  public static func simulateInterrupt() {
    handleSignal(SIGINT)
  }

  /// Blocks until a handled signal arrives, `wake()` is called, or `milliseconds` pass.
  /// The REPL waits here while a command runs, so Ctrl-C is seen at once.
  public static func wait(milliseconds: Int32) {
    touchState()
    var fds = [pollfd(fd: wakeReadEnd, events: Int16(POLLIN), revents: 0)]
    _ = poll(&fds, 1, milliseconds)
    drainWakePipe()
  }

  /// Ends a `wait` early, from any thread.
  public static func wake() {
    touchState()
    wakeWaiters()
  }

  // MARK: - Used by the line editor while it reads

  /// Installs SIGWINCH and SIGTSTP handlers for the time a line is read.
  static func beginReading() {
    touchState()
    for signo in editingSignals { installHandler(signo) }
    unblock(sessionSignals + editingSignals)
  }

  static func endReading() {
    for signo in editingSignals { restoreHandler(signo) }
  }

  /// The read end of the pipe that every handled signal writes a byte to; polling it next
  /// to the terminal closes the gap between checking the flags and blocking in `read()`.
  static var wakeReadEnd: Int32 { wakePipe.readEnd }

  static func drainWakePipe() {
    var sink = [UInt8](repeating: 0, count: 64)
    while read(wakeReadEnd, &sink, sink.count) > 0 {}
  }

  static func take(_ signo: Int32) -> Bool {
    let bit = UInt32(1) << UInt32(signo)
    return pendingMask.bitwiseAnd(~bit, ordering: .sequentiallyConsistent).oldValue & bit != 0
  }

  static func pending(_ signo: Int32) -> Bool {
    pendingMask.load(ordering: .sequentiallyConsistent) & (UInt32(1) << UInt32(signo)) != 0
  }

  // MARK: - Handler plumbing

  private static let sessionSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
  private static let editingSignals: [Int32] = [SIGWINCH, SIGTSTP]

  /// A process inherits its signal mask from whoever started it; a parent that blocked
  /// SIGINT (as test runners' threads do) would otherwise leave Ctrl-C dead.
  private static func unblock(_ signals: [Int32]) {
    var set = sigset_t()
    sigemptyset(&set)
    for signo in signals { sigaddset(&set, signo) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
  }

  private static func installHandler(_ signo: Int32) {
    saved.withLock { table in
      var old = sigaction()
      guard shim_install_handler(signo, signalHandler, 0, &old) == 0 else { return }
      // A second install keeps the first saved action, which is the one to restore.
      if table[signo] == nil { table[signo] = old }
    }
  }

  private static func restoreHandler(_ signo: Int32) {
    saved.withLock { table in
      guard var old = table.removeValue(forKey: signo) else { return }
      _ = shim_restore_handler(signo, &old)
    }
  }

  /// Global state is initialised lazily, which is not safe inside a signal handler, so
  /// every global the handler uses is touched before a handler is installed.
  private static func touchState() {
    _ = pendingMask.load(ordering: .relaxed)
    _ = wakePipe.writeEnd
  }
}

/// Signals caught and not yet taken, one bit per signal number.
private let pendingMask = Atomic<UInt32>(0)
/// A non-blocking pipe used to wake a thread waiting in `poll()`.
private let wakePipe = WakePipe()
/// The actions the handlers replaced, to put back later.
private let saved = Mutex<[Int32: sigaction]>([:])

private let signalHandler: @convention(c) (Int32) -> Void = { signo in
  handleSignal(signo)
}

/// Async-signal-safe: an atomic and a `write()` only.
private func handleSignal(_ signo: Int32) {
  let bit = UInt32(1) << UInt32(signo)
  pendingMask.bitwiseOr(bit, ordering: .sequentiallyConsistent)
  wakeWaiters()
}

private func wakeWaiters() {
  var byte: UInt8 = 1
  let saved = errno
  _ = write(wakePipe.writeEnd, &byte, 1)
  errno = saved
}

private final class WakePipe: Sendable {
  let readEnd: Int32
  let writeEnd: Int32

  init() {
    var fds: [Int32] = [-1, -1]
    _ = shim_nonblocking_pipe(&fds)
    readEnd = fds[0]
    writeEnd = fds[1]
  }
}
