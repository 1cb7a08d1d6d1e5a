import AstroCore
import Foundation

/// What `save --append` must know about a file that already has content: whether it ends
/// with a line break (records appended to an unfinished last line would merge with it) and,
/// for CSV, its header row (a second header mid-file would read back as a record).
struct AppendTarget {
  /// The header row of a CSV file.
  struct Header {
    var columns: [String]
    /// The line break the header ends with, used for the appended rows too, so a CRLF
    /// file stays CRLF.
    var lineEnd: String
  }

  var endsWithLineBreak: Bool
  /// The CSV header; nil for other formats and for a CSV file holding no row at all.
  var header: Header?

  private static let chunk = 1 << 16

  /// The state of the file at `path`, or nil when it is missing, empty or no regular file
  /// (a FIFO must not be read here: that would take what its reader is waiting for).
  /// `separator` asks for the CSV header.
  static func probe(_ path: String, codec: GzipCodec?, separator: UInt8?) throws
    -> AppendTarget?
  {
    var info = stat()
    guard stat(path, &info) == 0 else {
      if errno == ENOENT { return nil }
      throw FileIO.error("open", path)
    }
    guard (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
    if let codec {
      // A gzip file's content is only known after decompressing all of it.
      let content = try FileBuiltins.decompress(try FileIO.readAll(path), codec, path)
      guard let last = content.last else { return nil }
      return try target(head: content, atEnd: true, last: last, separator: separator, path)
    }
    let fd = try FileIO.openForReading(path)
    defer { close(fd) }
    var last: UInt8 = 0
    guard pread(fd, &last, 1, off_t(info.st_size) - 1) == 1 else {
      throw FileIO.error("read", path)
    }
    // Only as much of the file as holds the header row is read: a log appended to for
    // months can be large.
    var head: [UInt8] = []
    var atEnd = separator == nil
    while !atEnd {
      var buffer = [UInt8](repeating: 0, count: chunk)
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw FileIO.error("read", path) }
      head += buffer[0..<n]
      atEnd = n == 0
      if CSV.firstRow(in: head, atEnd: atEnd) != nil { break }
    }
    return try target(head: head, atEnd: atEnd, last: last, separator: separator, path)
  }

  private static func target(
    head: [UInt8], atEnd: Bool, last: UInt8, separator: UInt8?, _ path: String
  ) throws -> AppendTarget {
    var target = AppendTarget(endsWithLineBreak: last == 0x0A || last == 0x0D)
    guard let separator, let row = CSV.firstRow(in: head, atEnd: atEnd) else { return target }
    let bytes = Array(head[0..<row.length])
    try TextEncoding.requireUTF8(bytes, in: path)
    do {
      guard let columns = try CSV.headerColumns(of: bytes, separator: separator) else {
        return target
      }
      target.header = Header(columns: columns, lineEnd: row.lineEnd ?? "\n")
    } catch let error as CSV.ParseError {
      throw FormatBuiltins.csvError(error, in: path)
    }
    return target
  }
}
