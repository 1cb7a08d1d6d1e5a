import Foundation

/// A first-in, first-out queue of downloaded bytes that keeps at most `memoryLimit` bytes
/// in memory and spills the rest to an unlinked temporary file.
///
/// Why not pause the transfer instead: on Linux, `URLSessionTask.suspend()` takes the
/// transfer out of libcurl's multi handle and `resume()` starts it again from the first
/// byte, so a paused download came back with its beginning repeated in the middle (a
/// corrupt gzip body, and the request sent twice). Spilling keeps memory flat without
/// ever touching the transfer.
///
/// Not thread-safe: the owner serialises access (`TaskBox` holds its lock).
final class ChunkSpool {
  /// Bytes held in memory before new chunks go to the file.
  let memoryLimit: Int
  private var chunks: [Data] = []
  private var head = 0
  private var inMemory = 0
  private var fd: Int32 = -1
  private var readOffset = 0
  private var writeOffset = 0
  /// Why the spill file failed; every later read reports it.
  private var failure: SpoolError?

  /// How much is read back from the file at a time.
  static let readSize = 256 * 1024

  init(memoryLimit: Int) { self.memoryLimit = memoryLimit }

  deinit { if fd >= 0 { close(fd) } }

  /// Unread bytes, in memory and on disk.
  var count: Int { inMemory + (writeOffset - readOffset) }

  var isEmpty: Bool { count == 0 }

  /// Adds a chunk at the end. Once anything is on disk, later chunks go there too, so
  /// the order is kept: memory always holds the oldest bytes.
  func append(_ data: Data) {
    guard !data.isEmpty, failure == nil else { return }
    if writeOffset == readOffset, inMemory + data.count <= memoryLimit || !openFile() {
      chunks.append(data)
      inMemory += data.count
      return
    }
    write(data)
  }

  /// The oldest unread bytes (nil when nothing is waiting); throws when the spill file
  /// could not be written or read.
  func next() throws(SpoolError) -> [UInt8]? {
    if let failure { throw failure }
    if head < chunks.count {
      let chunk = chunks[head]
      head += 1
      inMemory -= chunk.count
      if head > 64, head * 2 > chunks.count {
        chunks.removeFirst(head)
        head = 0
      }
      return [UInt8](chunk)
    }
    guard writeOffset > readOffset else { return nil }
    return try readBack()
  }

  /// Everything unread, as one array.
  func takeAll() throws(SpoolError) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while let chunk = try next() { out += chunk }
    return out
  }

  private func openFile() -> Bool {
    if fd >= 0 { return true }
    var template = Array((NSTemporaryDirectory() + "/astrosh-download-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard made >= 0 else { return false }
    // Unlinked at once: the space is freed when the descriptor closes, even after a crash.
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    fd = made
    return true
  }

  private func write(_ data: Data) {
    data.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(writeOffset + done))
        if n < 0, errno == EINTR { continue }
        guard n > 0 else {
          failure = SpoolError(operation: "write", errno: errno)
          return
        }
        done += n
      }
    }
    writeOffset += data.count
  }

  private func readBack() throws(SpoolError) -> [UInt8] {
    let want = min(ChunkSpool.readSize, writeOffset - readOffset)
    var out = [UInt8](repeating: 0, count: want)
    var got = 0
    while got < want {
      let n = out.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress! + got, want - got, off_t(readOffset + got))
      }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else {
        let error = SpoolError(operation: "read", errno: n < 0 ? errno : EIO)
        failure = error
        throw error
      }
      got += n
    }
    readOffset += want
    if readOffset == writeOffset {
      // Drained: start the file over so it never grows past one backlog.
      _ = ftruncate(fd, 0)
      readOffset = 0
      writeOffset = 0
    }
    return out
  }
}

/// The spill file of a download failed (a full disk, usually).
struct SpoolError: LocalizedError, Sendable, CustomStringConvertible {
  var operation: String
  var errno: Int32

  var description: String {
    "cannot \(operation) the download's buffer file: \(String(cString: strerror(errno)))"
  }

  /// What a network error built from this one says as its cause.
  var errorDescription: String? { description }
}
