import AstroCore
import Foundation

/// Writes a file so that readers see either the old content or the whole new content.
///
/// Data goes to a temporary file in the same directory (a rename is only atomic within
/// one file system), which is flushed with fsync and then renamed over the target. The
/// directory is synced too, so the rename survives a crash. On any failure the temporary
/// file is removed and the target is untouched.
///
/// A symbolic link is followed, so the file it points to is replaced and the link stays.
/// A target that exists but is no regular file (a FIFO, a device) cannot be replaced by a
/// rename without destroying it, so the data is written through it instead.
final class AtomicWriter {
  private static let flushSize = 1 << 18
  /// The file written: the given path with its symbolic links followed.
  private let path: String
  /// The temporary file renamed over `path`; nil when writing straight through.
  private let tempPath: String?
  private var fd: Int32
  private var pending: [UInt8] = []
  private var finished = false

  init(path: String) throws {
    let target = AtomicWriter.followLinks(path)
    self.path = target
    var info = stat()
    if stat(target, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
      tempPath = nil
      fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
      guard fd >= 0 else { throw FileIO.error("write", path) }
      return
    }
    let url = URL(fileURLWithPath: target)
    let dir = url.deletingLastPathComponent().path
    let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    let temp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(tag)"
    tempPath = temp
    fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw FileIO.error("write", path) }
    keepMode()
    pending.reserveCapacity(AtomicWriter.flushSize)
  }

  /// `path` with symbolic links followed to the file they name, which need not exist yet.
  /// Gives up after 40 links (a loop), leaving the open to report it.
  static func followLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else {
        return current
      }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink(current, &buffer, buffer.count - 1)
      guard n > 0 else { return current }
      let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current =
        link.hasPrefix("/")
        ? link
        : URL(fileURLWithPath: current).deletingLastPathComponent().path + "/" + link
    }
    return current
  }

  deinit {
    if !finished { abandon() }
  }

  /// An existing file keeps its permissions when it is replaced.
  private func keepMode() {
    var info = stat()
    if stat(path, &info) == 0 { fchmod(fd, info.st_mode & 0o7777) }
  }

  func write(_ text: String) throws {
    pending.append(contentsOf: text.utf8)
    if pending.count >= AtomicWriter.flushSize { try flush() }
  }

  func write(bytes: [UInt8]) throws {
    pending.append(contentsOf: bytes)
    if pending.count >= AtomicWriter.flushSize { try flush() }
  }

  private func flush() throws {
    var offset = 0
    while offset < pending.count {
      let n = pending.withUnsafeBytes {
        Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset)
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw failure("write") }
      offset += n
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// Flushes, syncs and renames the temporary file over the target.
  func commit() throws {
    try flush()
    guard let tempPath else {
      // A FIFO or device: nothing to sync or rename, but a failed close is still an error.
      let closed = close(fd)
      fd = -1
      guard closed == 0 else { throw failure("write") }
      finished = true
      return
    }
    guard fsync(fd) == 0 else { throw failure("write") }
    let closed = close(fd)
    fd = -1
    guard closed == 0 else { throw failure("write") }
    guard rename(tempPath, path) == 0 else { throw failure("replace") }
    finished = true
    syncDirectory()
  }

  /// Removes the temporary file; the target stays as it was.
  func abandon() {
    if fd >= 0 { close(fd) }
    fd = -1
    if let tempPath { unlink(tempPath) }
    finished = true
  }

  private func failure(_ action: String) -> ShellError {
    let error = FileIO.error(action, path)
    abandon()
    return error
  }

  private func syncDirectory() {
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard dfd >= 0 else { return }
    fsync(dfd)
    close(dfd)
  }
}
