import Foundation
import Testing

/// `--journal` and interruption through the real binary, against `astrosh serve`: a run
/// killed at any moment and rerun completes its work with no change sent twice.
@Suite struct BulkJournalTests {
  static let domains = 12

  /// Creates the domains, then verifies them (a pipeline fed by the creates' results).
  static let script = """
    let made = 1..\(domains) | each {|i| \
    create_managed_domain --name "k$i.example.com" --enforced-logins sso }
    print "created $($made | length)"
    $made | verify_managed_domain | where status == "VERIFIED" | length
    """

  /// Fast client limits, so the emulator's latency sets the pace.
  static let limits = ["--rate-limit", "get=100,post=100,delete=100"]

  @Test func killedAtRandomMomentsAndRerunEveryDomainIsCreatedOnce() throws {
    let emulator = try ServedEmulator(["--latency", "POST=60"])
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", Self.script)
    for round in 0..<3 {
      try emulator.control("reset")
      let journal = dir.path("run-\(round).journal")
      let args = Self.limits + ["--journal", journal, dir.path("make.astro")]
      let run = try LaunchedAstrosh(args, environment: emulator.environment)
      let delay = Double.random(in: 0.1...1.6)
      Thread.sleep(forTimeInterval: delay)
      run.signal(SIGKILL)
      _ = try run.finish()
      // Requests the killed run had in flight are answered before the rerun looks.
      Thread.sleep(forTimeInterval: 0.3)

      let rerun = try Binary.run(args, environment: emulator.environment)
      #expect(rerun.status == 0, "round \(round), killed after \(delay) s: \(rerun.stderr)")
      #expect(
        rerun.stdout == "created \(Self.domains)\n\(Self.domains)\n", "killed after \(delay) s")

      let creates = try emulator.domainCreates()
      let expected = Dictionary(
        uniqueKeysWithValues: (1...Self.domains).map { ("k\($0).example.com", 1) })
      #expect(creates == expected, "killed after \(delay) s")
      let domains = try emulator.records(#"list_managed_domains | where name =~ "^k""#)
      #expect(domains.count == Self.domains)
      #expect(domains.allSatisfy { $0["status"] as? String == "VERIFIED" })
    }
  }

  @Test func aCompletedJournalSendsNothingOnTheNextRun() throws {
    let emulator = try ServedEmulator()
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", Self.script)
    let args = Self.limits + ["--journal", dir.path("j"), dir.path("make.astro")]
    #expect(try Binary.run(args, environment: emulator.environment).status == 0)
    let again = try Binary.run(args, environment: emulator.environment)
    #expect(again.status == 0)
    #expect(again.stdout == "created \(Self.domains)\n\(Self.domains)\n")
    #expect(
      again.stderr.contains("\(2 * Self.domains) done in an earlier run, skipped; 0 sent now"))
    #expect(try emulator.domainCreates().values.allSatisfy { $0 == 1 })
  }

  @Test func createsAlreadyMadeWithoutAJournalCountAsDone() throws {
    let emulator = try ServedEmulator()
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", Self.script)
    #expect(
      try Binary.run(Self.limits + [dir.path("make.astro")], environment: emulator.environment)
        .status == 0)
    let args = Self.limits + ["--journal", dir.path("j"), dir.path("make.astro")]
    let withJournal = try Binary.run(args, environment: emulator.environment)
    #expect(withJournal.status == 0, "\(withJournal.stderr)")
    #expect(withJournal.stdout == "created \(Self.domains)\n\(Self.domains)\n")
    #expect(withJournal.stderr.contains("\(Self.domains) found already done on the server"))
  }

  @Test func dryRunNeitherReadsNorWritesTheJournal() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let journal = dir.path("dry.journal")
    let result = try Binary.run(
      [
        "--sandbox", "--dry-run", "--journal", journal, "-c",
        "create_managed_domain --name a.example.com",
      ])
    #expect(result.status == 0)
    #expect(result.stderr.contains("dry-run: the journal '\(journal)' is neither read nor written"))
    #expect(result.stderr.contains("dry-run: POST /organizations/"))
    #expect(!FileManager.default.fileExists(atPath: journal))
  }

  @Test func ctrlCInATwoStagePipelineReportsEveryCreateItMade() throws {
    let emulator = try ServedEmulator(["--latency", "POST=1500"])
    let script = #"""
      1..10 | each {|i| {name: "two$i.example.com", enforcedLogins: ["sso"]} } |
        create_managed_domain | verify_managed_domain | get name
      """#
    let run = try LaunchedAstrosh(Self.limits + ["-c", script], environment: emulator.environment)
    Thread.sleep(forTimeInterval: 0.6)
    run.signal(SIGINT)
    let result = try run.finish()
    #expect(result.status == 130)
    // The creates in flight were waited for, and each one the server made is named.
    let made = try emulator.domainCreates().keys.filter { $0.hasPrefix("two") }
    #expect(!made.isEmpty)
    for name in made {
      #expect(result.stderr.contains(", \(name)): done"), "\(name): \(result.stderr)")
    }
  }

  @Test func aSecondRunOnAJournalInUseIsRefusedAndSendsNothing() throws {
    let emulator = try ServedEmulator(["--latency", "POST=150"])
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", Self.script)
    let args = Self.limits + ["--journal", dir.path("shared.journal"), dir.path("make.astro")]
    let first = try LaunchedAstrosh(args, environment: emulator.environment)
    let deadline = Date().addingTimeInterval(30)
    while Self.doneLines(dir.read("shared.journal")) < 1, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.02)
    }
    let second = try Binary.run(args, environment: emulator.environment)
    #expect(second.status == 1)
    #expect(second.stderr.contains("is in use by another astrosh run"))
    #expect(second.stdout.isEmpty)
    #expect(try first.finish().status == 0)
    #expect(try emulator.domainCreates().values.allSatisfy { $0 == 1 })
    #expect(try emulator.domainCreates().count == Self.domains)
  }

  @Test(arguments: [SIGINT, SIGTERM])
  func interruptedRunSaysHowFarItGotAndARerunFinishes(signal: Int32) throws {
    let emulator = try ServedEmulator(["--latency", "POST=150"])
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    try dir.write("make.astro", Self.script)
    let journal = dir.path("int.journal")
    let args = Self.limits + ["--journal", journal, dir.path("make.astro")]
    let run = try LaunchedAstrosh(args, environment: emulator.environment)
    // Interrupt once a few creates are on record.
    let deadline = Date().addingTimeInterval(30)
    while Self.doneLines(dir.read("int.journal")) < 3, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.02)
    }
    run.signal(signal)
    let result = try run.finish()

    #expect(result.status == 130)
    let report = try #require(result.stderr.split(separator: "\n").last.map(String.init))
    #expect(report.hasPrefix("interrupted: "))
    #expect(report.contains(" of \(Self.domains) done in each"))
    #expect(report.hasSuffix("; journal at \(journal), rerun to continue"))
    // The create in flight was let finish: nothing is left pending.
    let text = dir.read("int.journal") ?? ""
    #expect(text.components(separatedBy: #""state":"pending""#).count - 1 == Self.doneLines(text))

    let rerun = try Binary.run(args, environment: emulator.environment)
    #expect(rerun.status == 0)
    #expect(rerun.stdout == "created \(Self.domains)\n\(Self.domains)\n")
    #expect(rerun.stderr.contains("done in an earlier run, skipped"))
    #expect(try emulator.domainCreates().values.allSatisfy { $0 == 1 })
  }

  static func doneLines(_ text: String?) -> Int {
    (text ?? "").components(separatedBy: #""state":"done""#).count - 1
  }
}
