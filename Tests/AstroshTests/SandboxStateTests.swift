import AstroCore
import Foundation
import Testing

/// `--sandbox-state FILE` through the real binary: what a journal is bound to, and the
/// advice given when the file cannot be used.
@Suite struct SandboxStateTests {
  static func instanceId(_ file: String) throws -> String {
    let data = try #require(FileManager.default.contents(atPath: file))
    return try #require(try JSON.parse(data).recordValue?["instanceId"]?.stringValue)
  }

  @Test func aJournalOfADeletedAndRecreatedStateIsRefused() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", "create_managed_domain --name kept.example.com | get id\n")
    let state = dir.path("s.json")
    let journal = dir.path("s.journal")
    let args = ["--sandbox-state", state, "--journal", journal, dir.path("make.astro")]
    let first = try Binary.run(args)
    #expect(first.status == 0, "\(first.stderr)")
    let name = try Self.instanceId(state)

    // The same state again: the create is done, and its id names a domain that exists.
    let again = try Binary.run(args)
    #expect(again.status == 0)
    #expect(again.stdout == first.stdout)
    #expect(again.stderr.contains("1 done in an earlier run, skipped; 0 sent now"))
    #expect(try Self.instanceId(state) == name, "the name is kept across runs and saves")

    try FileManager.default.removeItem(atPath: state)
    let afresh = try Binary.run(args)
    let newName = try Self.instanceId(state)
    #expect(newName != name)
    #expect(afresh.status == 2)
    #expect(afresh.stdout.isEmpty)
    #expect(
      afresh.stderr.hasPrefix(
        "error: the journal '\(journal)' was written against the sandbox state \(name) kept in "
          + "\(state), and this run talks to the sandbox state \(newName) kept in \(state)\n"),
      "\(afresh.stderr)")
    let script = #"list_managed_domains | where name == "kept.example.com" | length"#
    let count = try Binary.run(["--sandbox-state", state, "-c", script])
    #expect(count.stdout == "0\n", "the refused run created nothing")
  }

  @Test func aStateFileInUseAdvisesStoppingTheOtherAstrosh() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let state = dir.path("s.json")
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/bin/sh")
    holder.arguments = [
      "-c", "exec 9>\"$0\"; flock --exclusive 9; echo locked; exec sleep 30", state + ".lock",
    ]
    let ready = Pipe()
    holder.standardOutput = ready
    try holder.run()
    defer { holder.terminate() }
    let line = String(decoding: ready.fileHandleForReading.availableData, as: UTF8.self)
    #expect(line.hasPrefix("locked"))
    let result = try Binary.run(["--sandbox-state", state, "-c", "list_managed_domains"])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "error: cannot use the sandbox state file: the state file '\(state)' is in use by "
        + "another astrosh; stop it or choose another file\n"
        + "  = hint: stop the other astrosh, or choose another file with --sandbox-state\n")
  }

  @Test func aDamagedStateFileAdvisesFixingItAndLeavesNoLockFile() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let state = dir.path("s.json")
    try dir.write("s.json", "{not json")
    let result = try Binary.run(["--sandbox-state", state, "-c", "list_managed_domains"])
    #expect(result.status == 2)
    #expect(
      result.stderr.hasSuffix(
        "\n  = hint: fix or remove the file, or choose another with --sandbox-state\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["s.json"])
  }
}
