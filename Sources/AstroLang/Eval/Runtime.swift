import AstroCore
import Foundation
import Synchronization

/// Where `print` and other builtins write. Implementations must be thread-safe: closures
/// of `each --parallel` write from worker threads.
public protocol OutputSink: Sendable {
  func write(_ text: String)
  func writeError(_ text: String)
}

/// Writes straight to file descriptors 1 and 2, unbuffered, one write at a time.
///
/// A failed write to standard output (a full disk, a closed descriptor) is remembered, and
/// nothing more is written there, so the host can fail the run instead of exiting 0 with a
/// truncated result.
public final class StandardOutputSink: OutputSink, @unchecked Sendable {
  private let lock = NSLock()
  private var outputErrno: Int32?
  /// Called once, on the first failed write to standard output: results can no longer be
  /// shown, so the host stops the run rather than go on making changes nobody sees.
  public var onOutputFailure: (@Sendable () -> Void)?

  public init() {}

  /// The errno of the first failed write to standard output, if any.
  public var outputFailure: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return outputErrno
  }

  public func write(_ text: String) { send(text, to: 1) }

  public func writeError(_ text: String) { send(text, to: 2) }

  private func send(_ text: String, to fd: Int32) {
    lock.lock()
    if fd == 1, outputErrno != nil {
      lock.unlock()
      return
    }
    var failedNow = false
    var text = text
    text.withUTF8 { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 {
          if fd == 1 {
            outputErrno = n < 0 ? errno : ENOSPC
            failedNow = true
          }
          return
        }
        offset += n
      }
    }
    let hook = onOutputFailure
    lock.unlock()
    if failedNow { hook?() }
  }
}

/// Keeps what is written, for tests and for hosts that post-process output.
public final class CapturedOutput: OutputSink {
  private let buffers = Locked((out: "", err: ""))

  public init() {}

  public func write(_ text: String) { buffers.withLock { $0.out += text } }

  public func writeError(_ text: String) { buffers.withLock { $0.err += text } }

  /// Everything written to standard output so far.
  public var standardOutput: String { buffers.current.out }

  /// Everything written to standard error so far.
  public var standardError: String { buffers.current.err }
}

/// The Ctrl-C flag. The host sets it (from a signal handler too: it is one atomic store);
/// loops, calls and builtins poll it and stop with `ShellError.interrupted`.
public final class CancellationFlag: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public func cancel() { flag.store(true, ordering: .relaxed) }

  public func reset() { flag.store(false, ordering: .relaxed) }

  public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// `exit N`: not an error but a request to stop with an exit code, raised through every
/// layer up to the host.
public struct ScriptExit: Error, Sendable, Equatable {
  public let code: Int32

  public init(code: Int32) { self.code = code }
}

/// Limits of an interpreter.
public struct InterpreterOptions: Sendable {
  /// How deeply def and closure calls may nest before "recursion too deep".
  public var maxCallDepth = 1000
  /// The stack of the thread `run` evaluates on; deep recursion needs room.
  public var stackSize = 256 << 20
  /// Frame slots per evaluator; a limit on the total size of nested frames.
  public var frameSlots = 1 << 18
  /// Stop with an error after this many calls and loop iterations; for tests that run
  /// generated programs, which may loop forever.
  public var maxSteps: Int?

  public init() {}
}
