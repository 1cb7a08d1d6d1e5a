import AstroCore
import Foundation

/// Gzip for `open` and `save` of `.gz` files.
///
/// AstroLang links no compression library (zlib belongs to the API layer), so the host
/// registers one of these in `Services`; without it a `.gz` path is a clear error.
public struct GzipCodec: Sendable {
  public var decompress: @Sendable ([UInt8]) throws -> [UInt8]
  public var compress: @Sendable ([UInt8]) throws -> [UInt8]

  public init(
    decompress: @escaping @Sendable ([UInt8]) throws -> [UInt8],
    compress: @escaping @Sendable ([UInt8]) throws -> [UInt8]
  ) {
    self.decompress = decompress
    self.compress = compress
  }
}

/// File access with read(2)/write(2): errors that name the path and the cause, whole-file
/// reads sized by fstat, and atomic replacement.
enum FileIO {
  /// Expands a leading `~` to the home directory.
  static func resolve(_ path: String, _ ctx: any CallContext) -> String {
    guard path == "~" || path.hasPrefix("~/"),
      let home = ctx.environment("HOME") ?? ProcessInfo.processInfo.environment["HOME"]
    else { return path }
    return home + path.dropFirst()
  }

  /// The error for a failed system call on `path`, from `errno`.
  static func error(_ action: String, _ path: String, errno code: Int32 = errno) -> ShellError {
    var cause = String(cString: strerror(code))
    if let first = cause.first { cause = first.lowercased() + cause.dropFirst() }
    let kind = code == ENOENT ? "file_not_found" : "file_error"
    return ShellError.runtime(kind, "cannot \(action) '\(path)': \(cause)")
  }

  static func openForReading(_ path: String) throws -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw error("open", path) }
    var info = stat()
    if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw ShellError.runtime("file_error", "cannot open '\(path)': it is a directory")
    }
    return fd
  }

  /// Reads a whole file.
  static func readAll(_ path: String) throws -> [UInt8] {
    let fd = try openForReading(path)
    defer { close(fd) }
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    var out = [UInt8](repeating: 0, count: max(size, 0) + 1)
    var used = 0
    while true {
      if used == out.count {
        out.append(contentsOf: repeatElement(0, count: max(out.count, 65536)))
      }
      let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
      if n < 0 {
        if errno == EINTR { continue }
        throw error("read", path)
      }
      if n == 0 { break }
      used += n
    }
    out.removeLast(out.count - used)
    return out
  }

  static func gzip(_ ctx: any CallContext, _ path: String) throws -> GzipCodec {
    guard let codec = ctx.services.get(GzipCodec.self) else {
      throw ShellError.runtime(
        "unsupported", "cannot read or write '\(path)': gzip is not available in this build")
    }
    return codec
  }
}

/// Reads a file in large chunks and yields its lines as parsed NDJSON values, so memory
/// stays at one chunk however big the file is.
final class NDJSONFileReader {
  private static let chunk = 1 << 20
  private var fd: Int32
  private let path: String
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity = NDJSONFileReader.chunk
  private var start = 0
  private var end = 0
  private var eof = false
  private var lineNumber = 0
  /// The file offset of `buffer[0]`, so an encoding error can give the offset in the file.
  private var bufferOffset = 0

  /// Reads from an open descriptor, which the reader closes.
  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
    buffer = .allocate(capacity: capacity)
  }

  /// Reads from bytes already in memory (a decompressed file).
  init(bytes: [UInt8], path: String) {
    fd = -1
    self.path = path
    capacity = max(bytes.count, 1)
    buffer = .allocate(capacity: capacity)
    if let base = bytes.withUnsafeBufferPointer({ $0.baseAddress }), !bytes.isEmpty {
      buffer.update(from: base, count: bytes.count)
    }
    end = bytes.count
    eof = true
  }

  deinit {
    if fd >= 0 { close(fd) }
    buffer.deallocate()
  }

  func next() throws -> Value? {
    while true {
      let lineOffset = bufferOffset + start
      if let line = takeLine() {
        lineNumber += 1
        try TextEncoding.requireUTF8(
          line, in: path, firstLine: lineNumber, firstOffset: lineOffset)
        let text = NDJSON.trimmed(line)
        if text.isEmpty { continue }
        return try NDJSON.parseLine(text, number: lineNumber, source: path)
      }
      if eof { return nil }
      try refill()
    }
  }

  /// The next complete line in the buffer, or the unterminated last one at end of file.
  private func takeLine() -> UnsafeBufferPointer<UInt8>? {
    guard start < end else { return nil }
    if let hit = memchr(buffer + start, 0x0A, end - start) {
      let stop = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer)
      defer { start = stop + 1 }
      return UnsafeBufferPointer(start: buffer + start, count: stop - start)
    }
    guard eof else { return nil }
    defer { start = end }
    return UnsafeBufferPointer(start: buffer + start, count: end - start)
  }

  private func refill() throws {
    if start > 0 {
      memmove(buffer, buffer + start, end - start)
      end -= start
      bufferOffset += start
      start = 0
    }
    if end == capacity { grow() }
    while true {
      let n = read(fd, buffer + end, capacity - end)
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw FileIO.error("read", path) }
      if n == 0 {
        eof = true
        close(fd)
        fd = -1
      }
      end += n
      return
    }
  }

  private func grow() {
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
    bigger.update(from: buffer, count: end)
    buffer.deallocate()
    buffer = bigger
    capacity *= 2
  }
}
