import LineEditor

/// Where the session writes its own messages; tests capture them.
protocol ReplOutput: AnyObject {
  /// Writes to standard output (the `history` listing).
  func write(_ text: String)
  /// Writes to standard error (warnings and notes).
  func writeError(_ text: String)
  /// Flushes buffered output before a prompt is drawn.
  func flush()
}

/// The process's standard output and error.
final class StandardOutput: ReplOutput {
  func write(_ text: String) { StandardStreams.write(text) }
  func writeError(_ text: String) { StandardStreams.writeError(text) }
  func flush() { StandardStreams.flush() }
}
