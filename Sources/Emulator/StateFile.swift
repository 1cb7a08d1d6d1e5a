import AstroCore
import Foundation

/// A state file that cannot be read or written; the message names the file and the fault.
public struct StateFileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong decides what to advise: a damaged file wants fixing or removing, while
  /// one in use is fine and only wants its other user stopped (or another file).
  public enum Kind: Sendable, Equatable {
    case unusable
    case inUse
  }

  public var message: String
  public var kind: Kind
  public init(_ message: String, kind: Kind = .unusable) {
    self.message = message
    self.kind = kind
  }
  public var description: String { message }
}

/// The emulator's state as a JSON file, replaced atomically on every save.
///
/// A save writes a temporary file in the same directory, flushes it to disk, renames it
/// over the old file and flushes the directory, so a crash at any moment leaves either
/// the old file or the new one, never a torn mix.
struct StateFile: Sendable {
  static let format = "astrosh-emulator-state"
  static let version = 1

  let path: String

  /// The saved state, or nil when the file does not exist yet.
  func load() throws(StateFileError) -> EmulatorState? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return nil
    }
    if isDirectory.boolValue {
      throw StateFileError("the state file '\(path)' is a directory; give a file's path")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw StateFileError("cannot read the state file '\(path)'")
    }
    let value: Value
    do {
      value = try JSON.parse(data)
    } catch {
      throw StateFileError("the state file '\(path)' is not valid JSON (\(error))")
    }
    do {
      return try StateCodec.decode(value)
    } catch {
      throw StateFileError(
        "the state file '\(path)' is damaged: \(error.message); fix or delete it to start "
          + "again from the demo seed")
    }
  }

  private var lockPath: String { path + ".lock" }

  /// Takes the file for this process: two emulators saving over one file would each
  /// overwrite the other's changes, so the second one is refused. The lock (`FILE.lock`,
  /// held with flock) lasts until the process ends, and the kernel drops it even after
  /// a crash. The lock file itself stays, harmless, after a process that used the state:
  /// a crash could not remove it anyway, and an unlocked one means nothing.
  ///
  /// Answers whether this call took the claim (false when the process held it already),
  /// so that only the taker `release`s it.
  @discardableResult
  func claim() throws(StateFileError) -> Bool {
    let lockPath = lockPath
    // One process may open its own file again (a test restarting an engine).
    if StateFile.claimed.withLock({ $0[lockPath] != nil }) { return false }
    while true {
      let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
      guard fd >= 0 else {
        let reason = String(cString: strerror(errno))
        throw StateFileError(
          "cannot save the state file '\(path)': cannot create its lock file (\(reason))")
      }
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        close(fd)
        throw StateFileError(
          "the state file '\(path)' is in use by another astrosh; stop it or choose another file",
          kind: .inUse)
      }
      // A process that failed to load removes its lock file (`release`); a lock taken on
      // the file it removed guards nothing, so take the one now at the path instead.
      if Self.isSameFile(fd, lockPath) {
        StateFile.claimed.withLock { $0[lockPath] = fd }
        return true
      }
      close(fd)
    }
  }

  /// Gives up a claim this process took, removing the lock file: for a state that failed
  /// to load, so that nothing is left beside a file nobody uses.
  func release() {
    let lockPath = lockPath
    guard let fd = StateFile.claimed.withLock({ $0.removeValue(forKey: lockPath) }) else { return }
    // Removed while still locked, so no other process takes the old file meanwhile.
    unlink(lockPath)
    close(fd)
  }

  private static func isSameFile(_ fd: Int32, _ path: String) -> Bool {
    var open = stat()
    var named = stat()
    guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
    return open.st_dev == named.st_dev && open.st_ino == named.st_ino
  }

  /// Descriptors of claimed lock files by path, open for the life of the process.
  private static let claimed = Locked<[String: Int32]>([:])

  func save(_ state: EmulatorState) throws(StateFileError) {
    let text = JSON.serialize(StateCodec.encode(state), indent: 2) + "\n"
    try Self.replaceAtomically(path: path, bytes: Array(text.utf8))
  }

  private static let temporarySerial = Locked<Int>(0)

  static func replaceAtomically(path: String, bytes: [UInt8]) throws(StateFileError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let serial = temporarySerial.withLock {
      $0 += 1
      return $0
    }
    let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(serial).tmp"
    func fail(_ what: String) -> StateFileError {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      return StateFileError("cannot save the state file '\(path)': \(what) failed (\(reason))")
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw fail("creating a temporary file") }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
      if n < 0 {
        if errno == EINTR { continue }
        close(fd)
        throw fail("writing")
      }
      written += n
    }
    guard fsync(fd) == 0 else {
      close(fd)
      throw fail("flushing")
    }
    close(fd)
    guard rename(temporary, path) == 0 else { throw fail("renaming") }
    // Flush the directory too, so that the rename itself survives a power cut.
    let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dir >= 0 {
      fsync(dir)
      close(dir)
    }
  }
}
