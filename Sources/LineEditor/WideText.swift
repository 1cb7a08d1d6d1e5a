import CLibEdit

/// Conversions between Swift strings and the NUL-terminated `wchar_t` text that libedit's
/// wide API speaks. On Linux `wchar_t` holds one Unicode scalar, so scalar offsets and
/// libedit's character offsets agree.
enum WideText {
  /// The scalars of `text` followed by a terminating zero.
  static func terminated(_ text: String) -> [wchar_t] {
    var result = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
    result.append(0)
    return result
  }

  /// Reads `count` characters starting at `start`, or up to the terminating zero when
  /// `count` is nil. A value that is no Unicode scalar becomes U+FFFD.
  static func string(from start: UnsafePointer<wchar_t>, count: Int? = nil) -> String {
    var scalars = String.UnicodeScalarView()
    var index = 0
    while count.map({ index < $0 }) ?? (start[index] != 0) {
      let value = UInt32(bitPattern: start[index])
      scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
      index += 1
    }
    return String(scalars)
  }

  /// Calls `body` with a C wide string holding `text`, valid only during the call.
  static func with<R>(_ text: String, _ body: (UnsafePointer<wchar_t>) -> R) -> R {
    terminated(text).withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
