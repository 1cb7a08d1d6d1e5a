import AstroCore
import Foundation

/// Newline-delimited JSON: one value per line, split on bytes so a big file never becomes
/// one big `String`.
public enum NDJSON {
  /// Calls `body` with each non-blank line of `buffer` (without its LF or CRLF) and its
  /// 1-based line number.
  public static func forEachLine(
    in buffer: UnsafeBufferPointer<UInt8>, firstLine: Int,
    _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
  ) throws {
    guard let base = buffer.baseAddress else { return }
    var start = 0
    var number = firstLine
    while start < buffer.count {
      let rest = buffer.count - start
      let end: Int
      if let hit = memchr(base + start, 0x0A, rest) {
        end = start + (UnsafeRawPointer(hit) - UnsafeRawPointer(base + start))
      } else {
        end = buffer.count
      }
      let line = trimmed(UnsafeBufferPointer(rebasing: buffer[start..<end]))
      if !line.isEmpty { try body(line, number) }
      number += 1
      start = end + 1
    }
  }

  /// The line without a trailing CR and surrounding blanks.
  static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0
    var hi = line.count
    while hi > lo, isBlank(line[hi - 1]) { hi -= 1 }
    while lo < hi, isBlank(line[lo]) { lo += 1 }
    return UnsafeBufferPointer(rebasing: line[lo..<hi])
  }

  private static func isBlank(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A
  }

  /// Parses one line, naming the line (and the file, if any) when it is not valid JSON.
  public static func parseLine(_ line: UnsafeBufferPointer<UInt8>, number: Int, source: String?)
    throws -> Value
  {
    do {
      return try JSON.parse(bytes: line)
    } catch let error as JSON.SyntaxError {
      throw FormatBuiltins.jsonError(error, line: number, in: source)
    }
  }

  /// Writes one item as a line.
  public static func line(_ value: Value) -> String {
    var out = ""
    JSON.write(value, into: &out)
    out += "\n"
    return out
  }
}
