#if canImport(Glibc)
  import Glibc
#endif

/// The history file opened and locked with `flock`, checked to still be the file at its
/// path: another shell may have renamed a trimmed copy over it while this one waited.
struct LockedFile {
  let fd: Int32

  static func open(_ path: String, create: Bool) -> LockedFile? {
    for _ in 0..<8 {
      let flags = O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0)
      var fd = Glibc.open(path, flags, 0o600)
      if fd < 0 && errno == EACCES && !create { fd = Glibc.open(path, O_RDONLY | O_CLOEXEC) }
      guard fd >= 0 else { return nil }
      while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
      var opened = stat()
      var current = stat()
      if fstat(fd, &opened) == 0, stat(path, &current) == 0,
        opened.st_ino == current.st_ino, opened.st_dev == current.st_dev
      {
        return LockedFile(fd: fd)
      }
      Glibc.close(fd)
    }
    errno = EAGAIN
    return nil
  }

  var size: Int {
    var info = stat()
    return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
  }

  /// Makes the file readable by its owner only; history can hold API arguments.
  func restrictMode() {
    var info = stat()
    if fstat(fd, &info) == 0, info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }
  }

  func readAll() -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var offset: off_t = 0
    while true {
      let count = pread(fd, &chunk, chunk.count, offset)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { break }
      bytes.append(contentsOf: chunk[0..<count])
      offset += off_t(count)
    }
    return bytes
  }

  /// Writes all of `text` at the end; one `write` call for a short line, so a reader never
  /// sees half an entry.
  func append(_ text: String) -> Bool {
    FileSystem.writeAll(fd, Array(text.utf8))
  }

  func close() {
    Glibc.close(fd)
  }
}

/// Small POSIX file helpers for the history file.
enum FileSystem {
  static func describeErrno() -> String {
    String(cString: strerror(errno))
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var written = 0
    while written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return false }
      written += count
    }
    return true
  }

  /// Creates the directories above `path`, new ones private to the user. Returns a
  /// problem description, or nil on success.
  static func makeDirectories(for path: String) -> String? {
    let parts = path.split(separator: "/").dropLast()
    var current = ""
    for part in parts {
      current += "/" + part
      if mkdir(current, 0o700) != 0 && errno != EEXIST {
        return "cannot create \(current): \(describeErrno())"
      }
    }
    return nil
  }

  /// Keeps the file at `path` as `path.bad-<UTC time>`: renamed away, or with `link` also
  /// left in place (a hard link, so nothing is copied). Returns the new name.
  static func setAside(_ path: String, link: Bool) -> String? {
    let base = path + ".bad-" + timestamp()
    for attempt in 0..<100 {
      let candidate = attempt == 0 ? base : "\(base)-\(attempt)"
      let done = link ? Glibc.link(path, candidate) == 0 : linkThenRename(path, candidate)
      if done { return candidate }
      if errno != EEXIST { return nil }
    }
    return nil
  }

  /// rename() would replace an existing file silently; link() refuses, which keeps an
  /// earlier set-aside copy from being overwritten.
  private static func linkThenRename(_ path: String, _ target: String) -> Bool {
    guard Glibc.link(path, target) == 0 else { return false }
    return unlink(path) == 0
  }

  /// Replaces `path` with a file holding `text`: writes a temporary file beside it, syncs
  /// it, renames it over `path` and syncs the directory. Returns a problem, or nil.
  static func replaceAtomically(_ path: String, with text: String) -> String? {
    let temporary = "\(path).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return describeErrno() }
    let written = writeAll(fd, Array(text.utf8)) && fsync(fd) == 0
    let problem = written ? nil : describeErrno()
    close(fd)
    guard written, rename(temporary, path) == 0 else {
      let reason = problem ?? describeErrno()
      unlink(temporary)
      return reason
    }
    syncDirectory(of: path)
    return nil
  }

  private static func syncDirectory(of path: String) {
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
  }

  private static func timestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var buffer = [CChar](repeating: 0, count: 32)
    let count = strftime(&buffer, buffer.count, "%Y%m%dT%H%M%SZ", &parts)
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
