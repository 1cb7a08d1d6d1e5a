import CLibEdit

#if canImport(Glibc)
  import Glibc
#endif

/// Facts about the terminal: size, character widths and the character set.
public enum Terminal {
  /// The width in columns of the terminal on `fd`, or nil when `fd` is no terminal.
  public static func columns(of fd: Int32) -> Int? {
    let columns = Int(shim_terminal_columns(fd))
    return columns > 0 ? columns : nil
  }

  /// The height in rows of the terminal on `fd`, or nil when `fd` is no terminal.
  public static func rows(of fd: Int32) -> Int? {
    let rows = Int(shim_terminal_rows(fd))
    return rows > 0 ? rows : nil
  }

  /// The width to lay tables out for: the terminal on standard output, else the one on
  /// standard error, else `$COLUMNS`, else `fallback`.
  public static func width(environment: [String: String], fallback: Int = 80) -> Int {
    if let columns = columns(of: 1) ?? columns(of: 2) { return columns }
    if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
    return fallback
  }

  /// True when `fd` is a terminal.
  public static func isTerminal(_ fd: Int32) -> Bool {
    isatty(fd) == 1
  }

  /// Makes the C library (and with it libedit) use UTF-8 for the terminal.
  ///
  /// Uses the user's locale when its character set is UTF-8, and C.UTF-8 otherwise: under
  /// `LC_ALL=C` libedit silently drops every non-ASCII character typed. Returns false when
  /// no UTF-8 locale could be set.
  @discardableResult
  public static func useUTF8Locale() -> Bool {
    if setlocale(LC_CTYPE, "") != nil, isUTF8Codeset() { return true }
    for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
      if isUTF8Codeset() { return true }
    }
    return false
  }

  private static func isUTF8Codeset() -> Bool {
    guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
    let name = String(cString: codeset).uppercased()
    return name == "UTF-8" || name == "UTF8"
  }

  /// The number of columns `text` takes on a terminal: wide East Asian characters and
  /// most emoji take two, combining marks none. Needs a UTF-8 locale (`useUTF8Locale`).
  public static func displayWidth(_ text: String) -> Int {
    var width = 0
    for scalar in text.unicodeScalars {
      let columns = shim_wcwidth(wchar_t(bitPattern: scalar.value))
      width += columns < 0 ? (scalar.value < 0x20 ? 0 : 1) : Int(columns)
    }
    return width
  }
}
