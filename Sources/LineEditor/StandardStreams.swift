import CLibEdit

#if canImport(Glibc)
  import Glibc
#endif

/// Writes to the process's standard output and error through C stdio, the same buffers
/// libedit and Swift's `print` use, so everything appears in the order it was written.
public enum StandardStreams {
  public static func write(_ text: String) {
    fputs(text, shim_stdout())
  }

  /// Writes to standard error after flushing standard output, so a warning never
  /// overtakes output written before it.
  public static func writeError(_ text: String) {
    fflush(shim_stdout())
    fputs(text, shim_stderr())
    fflush(shim_stderr())
  }

  public static func flush() {
    fflush(shim_stdout())
    fflush(shim_stderr())
  }
}
