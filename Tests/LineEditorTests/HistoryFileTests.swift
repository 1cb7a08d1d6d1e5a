import Foundation
import LineEditor
import Testing

/// A private directory for one test, removed at the end.
final class TemporaryDirectory {
  let path: String

  init() {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/astrosh-history-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  var historyPath: String { path + "/state/astrosh/history" }

  func write(_ bytes: [UInt8], to file: String) {
    let directory = (file as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
  }

  func read(_ file: String) -> String {
    (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
  }

  func files() -> [String] {
    let directory = (historyPath as NSString).deletingLastPathComponent
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
  }

  func mode(_ file: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: file)
    return (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? -1
  }
}

@Suite("History file")
struct HistoryFileTests {
  @Test func aNewFileIsPrivateAndHasAHeader() throws {
    let dir = TemporaryDirectory()
    let file = HistoryFile(path: dir.historyPath)
    #expect(file.load().warnings.isEmpty)
    try file.append("get-domains")
    #expect(dir.mode(dir.historyPath) == 0o600)
    #expect(dir.read(dir.historyPath) == "#astrosh history v1\nget-domains\n")
  }

  @Test func aLooseModeIsTightenedOnLoad() throws {
    let dir = TemporaryDirectory()
    dir.write(Array("get\n".utf8), to: dir.historyPath)
    chmod(dir.historyPath, 0o644)
    _ = HistoryFile(path: dir.historyPath).load()
    #expect(dir.mode(dir.historyPath) == 0o600)
  }

  @Test func entriesSurviveARestart() throws {
    let dir = TemporaryDirectory()
    let first = HistoryFile(path: dir.historyPath)
    _ = first.load()
    for entry in ["one", "let x = {\n  a: 1\n}", "emoji 😀"] { try first.append(entry) }
    let loaded = HistoryFile(path: dir.historyPath).load()
    #expect(loaded.entries == ["one", "let x = {\n  a: 1\n}", "emoji 😀"])
    #expect(loaded.warnings.isEmpty)
  }

  @Test func twoShellsOpenAtOnceBothKeepTheirLines() throws {
    let dir = TemporaryDirectory()
    let a = HistoryFile(path: dir.historyPath)
    let b = HistoryFile(path: dir.historyPath)
    _ = a.load()
    _ = b.load()
    try a.append("a1")
    try b.append("b1")
    try a.append("a2")
    try b.append("b2")
    #expect(HistoryFile(path: dir.historyPath).load().entries == ["a1", "b1", "a2", "b2"])
  }

  @Test func concurrentWritersNeverTearALine() throws {
    let dir = TemporaryDirectory()
    let path = dir.historyPath
    _ = HistoryFile(path: path).load()
    DispatchQueue.concurrentPerform(iterations: 4) { writer in
      let file = HistoryFile(path: path, limit: 100_000)
      for index in 0..<100 {
        try? file.append("writer \(writer) entry \(index) " + String(repeating: "x", count: 200))
      }
    }
    let loaded = HistoryFile(path: path).load()
    #expect(loaded.entries.count == 400)
    #expect(loaded.warnings.isEmpty)
    for writer in 0..<4 {
      let mine = loaded.entries.filter { $0.hasPrefix("writer \(writer) ") }
      #expect(mine.count == 100)
    }
  }

  @Test func theSizeLimitKeepsTheNewestEntries() throws {
    let dir = TemporaryDirectory()
    let file = HistoryFile(path: dir.historyPath, limit: 10)
    _ = file.load()
    for index in 1...25 { try file.append("entry \(index)") }
    let entries = HistoryFile(path: dir.historyPath, limit: 10).load().entries
    // Trimming waits for a little slack beyond the limit, then keeps the newest ten.
    #expect(entries.count >= 10 && entries.count <= 11)
    #expect(entries.last == "entry 25")
    #expect(dir.files() == ["history"])
    #expect(dir.read(dir.historyPath).hasPrefix("#astrosh history v1\n"))
  }

  @Test func trimmingWhileAnotherShellAppendsLosesNothingNew() throws {
    let dir = TemporaryDirectory()
    let trimmer = HistoryFile(path: dir.historyPath, limit: 5)
    let other = HistoryFile(path: dir.historyPath, limit: 1000)
    _ = trimmer.load()
    _ = other.load()
    for index in 1...6 { try trimmer.append("t\(index)") }
    try other.append("o1")
    try trimmer.append("t7")
    try other.append("o2")
    let entries = HistoryFile(path: dir.historyPath, limit: 1000).load().entries
    #expect(entries.suffix(3) == ["o1", "t7", "o2"])
  }

  @Test func anOversizedFileIsTrimmedOnLoad() {
    let dir = TemporaryDirectory()
    let text = "#astrosh history v1\n" + (1...50).map { "e\($0)\n" }.joined()
    dir.write(Array(text.utf8), to: dir.historyPath)
    let loaded = HistoryFile(path: dir.historyPath, limit: 20).load()
    #expect(loaded.entries == (31...50).map { "e\($0)" })
    #expect(HistoryFile(path: dir.historyPath, limit: 1000).load().entries.count == 20)
  }

  @Test(
    arguments: [
      ("libedit", Array("_HiStOrY_V2_\nget\\040/items\n".utf8), "libedit's format"),
      ("binary", [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 0xFF, 10], "binary data"),
      ("garbage", [0xFF, 0xFE, 10, 0xC3, 10], "could not be read"),
    ] as [(String, [UInt8], String)])
  func aForeignFileIsSetAsideWithOneWarning(kind: String, bytes: [UInt8], reason: String) throws {
    let dir = TemporaryDirectory()
    dir.write(bytes, to: dir.historyPath)
    let file = HistoryFile(path: dir.historyPath)
    let loaded = file.load()
    #expect(loaded.entries.isEmpty)
    #expect(loaded.warnings.count == 1)
    #expect(loaded.warnings.first?.contains(reason) == true)
    let aside = dir.files().filter { $0.hasPrefix("history.bad-") }
    #expect(aside.count == 1)
    #expect(!dir.files().contains("history"))
    try file.append("fresh")
    #expect(HistoryFile(path: dir.historyPath).load() == (["fresh"], []))
  }

  @Test func badLinesAreSkippedWithOneWarningAndTheOriginalKept() throws {
    let dir = TemporaryDirectory()
    var bytes = Array("#astrosh history v1\nkeep 😀\n".utf8)
    bytes += [0x62, 0x61, 0x64, 0xFF, 10]
    bytes += Array("also \\q bad\nkeep too\n".utf8)
    dir.write(bytes, to: dir.historyPath)
    let loaded = HistoryFile(path: dir.historyPath).load()
    #expect(loaded.entries == ["keep 😀", "keep too"])
    #expect(loaded.warnings.count == 1)
    #expect(loaded.warnings.first?.contains("skipped 2 unreadable lines") == true)
    #expect(dir.files().filter { $0.hasPrefix("history.bad-") }.count == 1)
    // The repaired file loads cleanly from now on.
    #expect(HistoryFile(path: dir.historyPath).load() == (["keep 😀", "keep too"], []))
  }

  @Test func aSecondSetAsideDoesNotOverwriteTheFirst() {
    let dir = TemporaryDirectory()
    for _ in 0..<2 {
      dir.write([0, 0, 0], to: dir.historyPath)
      _ = HistoryFile(path: dir.historyPath).load()
    }
    #expect(dir.files().filter { $0.hasPrefix("history.bad-") }.count == 2)
  }

  @Test func anUnwritableLocationIsReportedNotFatal() throws {
    let dir = TemporaryDirectory()
    dir.write(Array("x".utf8), to: dir.path + "/file")
    let file = HistoryFile(path: dir.path + "/file/sub/history")
    let loaded = file.load()
    #expect(loaded.entries.isEmpty)
    #expect(loaded.warnings.count == 1)
    #expect(throws: HistoryFileError.self) { try file.append("x") }
  }

  @Test(
    arguments: [
      (["XDG_STATE_HOME": "/s", "HOME": "/h"], "/s/astrosh/history"),
      (["XDG_STATE_HOME": "relative", "HOME": "/h"], "/h/.local/state/astrosh/history"),
      (["HOME": "/h"], "/h/.local/state/astrosh/history"),
      ([:], nil),
    ] as [([String: String], String?)])
  func theDefaultPathFollowsXDG(environment: [String: String], expected: String?) {
    #expect(HistoryFile.defaultPath(environment: environment) == expected)
  }
}

@Suite("History")
struct HistoryTests {
  @Test func secretsAreKeptOutOfMemoryAndFile() throws {
    let dir = TemporaryDirectory()
    let history = History(
      file: HistoryFile(path: dir.historyPath), isSecret: { $0.contains("token") })
    _ = history.load()
    #expect(history.record("login --token abc") == .keptOutSecret)
    #expect(history.record("get-domains") == .saved)
    #expect(history.entries == ["get-domains"])
    #expect(!dir.read(dir.historyPath).contains("abc"))
  }

  @Test func blanksAndRepeatsAreIgnored() {
    let history = History(file: nil)
    #expect(history.record("get") == .savedInMemoryOnly(warning: nil))
    #expect(history.record("get") == .ignored)
    #expect(history.record("   ") == .ignored)
    #expect(history.entries == ["get"])
  }

  @Test func aFileThatCannotBeWrittenWarnsOnce() {
    let dir = TemporaryDirectory()
    dir.write([0x78], to: dir.path + "/blocker")
    let history = History(file: HistoryFile(path: dir.path + "/blocker/history"))
    guard case .savedInMemoryOnly(let warning?) = history.record("one") else {
      Issue.record("expected a warning")
      return
    }
    #expect(warning.contains("cannot write"))
    #expect(history.record("two") == .savedInMemoryOnly(warning: nil))
    #expect(history.entries == ["one", "two"])
  }

  @Test func theMemoryLimitDropsTheOldest() {
    let history = History(file: nil, limit: 3)
    for entry in ["a", "b", "c", "d"] { _ = history.record(entry) }
    #expect(history.entries == ["b", "c", "d"])
  }

  @Test func secretsInAnOldFileAreNotLoaded() {
    let dir = TemporaryDirectory()
    dir.write(Array("get\nlogin --token abc\n".utf8), to: dir.historyPath)
    let history = History(
      file: HistoryFile(path: dir.historyPath), isSecret: { $0.contains("token") })
    #expect(history.load().isEmpty)
    #expect(history.entries == ["get"])
  }
}
