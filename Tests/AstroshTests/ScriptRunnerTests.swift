import Foundation
import Testing

/// How the runner ends a script: exit codes for failures outside the script itself.
struct ScriptRunnerTests {
  @Test func aFullDiskFailsTheRunInsteadOfExitingZero() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Binary.path)
    process.arguments = ["--sandbox", "-c", "list_managed_domains"]
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(message.contains("cannot write the results to standard output"))
  }

  @Test func aReaderThatGoesAwayStopsTheRunWhichSaysSo() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    let command = "'\(Binary.path)' --sandbox --output ndjson -c '1..1000000 | each { $it }'"
    process.arguments = ["-c", command + #" | head -1; echo "status ${PIPESTATUS[0]}" >&2"#]
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let message = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let shown = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(shown == "1\n")
    #expect(message.contains("error: cannot write the results to standard output: broken pipe"))
    #expect(message.contains("stopped: "))
    // Not killed by SIGPIPE (141), nor run to the end.
    #expect(message.hasSuffix("status 1\n"), "\(message)")
    #expect(!message.contains("1000000 of 1000000"))
  }

  @Test func oneSigtermEndsARunBlockedInASystemCall() throws {
    let fifo = NSTemporaryDirectory() + "astrosh-fifo-\(getpid())"
    #expect(mkfifo(fifo, 0o600) == 0)
    defer { unlink(fifo) }
    // Opening a FIFO that nobody writes to blocks in open(2), where no cancellation is seen.
    let run = try LaunchedAstrosh(["-c", "open '\(fifo)' | length"])
    Thread.sleep(forTimeInterval: 0.5)
    let started = Date()
    run.signal(SIGTERM)
    let result = try run.finish(timeout: 40)
    let took = Date().timeIntervalSince(started)
    #expect(result.status == 130)
    #expect(result.stderr.contains("still not stopped 15 s after the interruption; ending now"))
    #expect(took >= 14 && took < 30, "\(took) s")
  }

  @Test func theTokenIsNotReadableFromTheScript() throws {
    let result = try Binary.run(
      ["--sandbox", "-c", "print $env.ASTRO_API_TOKEN"],
      environment: ["ASTRO_API_TOKEN": "supersecret-token-123"])
    #expect(result.stdout == "[redacted]\n")
    #expect(result.status == 0)
  }

  @Test func dotSegmentsAreNotIds() throws {
    let result = try Binary.run(["--sandbox", "-c", "delete_managed_domain demo-org .."])
    #expect(result.status == 2)
    #expect(result.stderr.contains("'..' is not a valid domainId"))
    let nul = try Binary.run(
      ["--sandbox", "-c", #"delete_managed_domain demo-org "cldemodom0000000000000005\0junk""#])
    #expect(nul.status == 2)
    #expect(nul.stderr.contains(#"'cldemodom0000000000000005\u{0}junk' is not a valid domainId"#))
  }

  @Test func timeoutBoundsTheWaitForAnAnswer() throws {
    let emulator = try ServedEmulator(["--latency", "POST=10000"])
    let started = Date()
    // A create is not retried after a timeout: one wait of about a second, then exit 5.
    let result = try Binary.run(
      ["--timeout", "1", "-c", #"create_managed_domain --name "slow.example.com""#],
      environment: emulator.environment)
    #expect(result.status == 5)
    #expect(result.stderr.contains("nothing received for 1 s"), "\(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 8)
    for bad in ["0", "-1", "abc", "4000"] {
      let refused = try Binary.run(["--timeout", bad, "-c", "print 1"])
      #expect(refused.status == 2, "--timeout \(bad)")
    }
  }

  @Test func aChangeCutOffByCtrlCIsNamedAsMaybeMade() throws {
    let emulator = try ServedEmulator(["--latency", "POST=20000"])
    let run = try LaunchedAstrosh(
      ["-c", #"create_managed_domain --name "cut.example.com""#],
      environment: emulator.environment)
    Thread.sleep(forTimeInterval: 1)
    run.signal(SIGINT)
    let result = try run.finish()
    #expect(result.status == 130)
    #expect(
      result.stderr.hasSuffix(
        """
        interrupted
        cut off before its answer came, so the server may or may not have made it:
          create_managed_domain POST /organizations/demo-org/domains (cut.example.com)
        look (list_… or get_…) before running it again

        """), "\(result.stderr)")
  }

  @Test func aTokenWithALineBreakIsAUsageErrorThatDoesNotShowIt() throws {
    let result = try Binary.run(
      ["--api-url", "http://127.0.0.1:9/v1alpha1", "-c", "list_organizations"],
      environment: ["ASTRO_API_TOKEN": "tok-secret-1\r\nX-Injected: 1"])
    #expect(result.status == 2)
    #expect(
      result.stderr.hasPrefix(
        "error: ASTRO_API_TOKEN contains a line break or another control character"))
    #expect(!result.stderr.contains("tok-secret-1"))
    #expect(!result.stderr.contains("X-Injected"))
  }

  @Test func ctrlCNamesEveryChangeSentFromAPipelineInTheOrderMade() throws {
    let emulator = try ServedEmulator(["--latency", "POST=12000"])
    let names = ["pa", "pb", "pc", "pd"].map { "\($0).example.com" }
    let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
    let script =
      "[\(list)] | each { {name: $it, enforcedLogins: [\"sso\"]} } "
      + "| create_managed_domain"
    let run = try LaunchedAstrosh(
      ["--rate-limit", "post=100", "-c", script], environment: emulator.environment)
    Thread.sleep(forTimeInterval: 1.5)
    run.signal(SIGINT)
    let result = try run.finish()
    #expect(result.status == 130)
    let listed = result.stderr.split(separator: "\n").filter {
      $0.hasPrefix("  create_managed_domain POST /organizations/demo-org/domains (")
    }
    #expect(listed.map { String($0.split(separator: "(").last!.dropLast()) } == names)
  }

  @Test func anEmptyOrganizationOptionIsAUsageError() throws {
    let result = try Binary.run(["--organization=", "-c", "print 1"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("'--organization' needs a value (ID)"))
  }

  @Test func anOptionIsNeverTakenAsTheValueOfTheOneBefore() throws {
    let journal = FileManager.default.temporaryDirectory.path + "/astrosh-\(getpid())-opt"
    defer { try? FileManager.default.removeItem(atPath: journal + "/--dry-run") }
    try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true)
    let result = try Binary.run(
      ["--journal", "--dry-run", "--sandbox", "-c", "create_managed_domain --name x.example.com"],
      directory: URL(fileURLWithPath: journal))
    #expect(result.status == 2)
    #expect(
      result.stderr.contains(
        "'--journal' needs a value (FILE), but the next argument '--dry-run' is an option"))
    #expect(result.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: journal + "/--dry-run"))
    for next in ["-c", "-V", "-x"] {
      let short = try Binary.run(["--sandbox", "--journal", next, "print 1"])
      #expect(short.status == 2, "\(next)")
      #expect(short.stderr.contains("but the next argument '\(next)' is an option"))
    }
  }

  @Test func astroshOptionsAfterTheScriptAreRefusedUnlessAfterDoubleDash() throws {
    for arguments in [
      ["--sandbox", "-c", "print $args", "--dry-run"],
      ["--sandbox", "-c", "print $args", "x", "--journal=j"],
      ["--sandbox", "-", "--sandbox"],
    ] {
      let result = try Binary.run(arguments, stdin: "print 1")
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains("so it would reach the script in $args"), "\(arguments)")
      #expect(result.stdout.isEmpty, "\(arguments)")
    }
    let passed = try Binary.run(
      ["--sandbox", "-c", "print ($args | to_json)", "--", "--dry-run", "--x"])
    #expect(passed.status == 0)
    #expect(passed.stdout == "[\"--dry-run\",\"--x\"]\n")
    let own = try Binary.run(["--sandbox", "-c", "print ($args | to_json)", "--verbose", "a"])
    #expect(own.stdout == "[\"--verbose\",\"a\"]\n")
    let later = try Binary.run(["--sandbox", "-c", "print ($args | to_json)", "x", "--", "-c"])
    #expect(later.stdout == "[\"x\",\"-c\"]\n")
  }

  @Test func aPortOutOfRangeIsAUsageError() throws {
    let result = try Binary.run(
      ["--api-url", "http://127.0.0.1:99999/v1alpha1", "-c", "list_organizations"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("is 99999; a port is 1 to 65535"))
  }

  @Test func aNearMissOptionNameGetsAHint() throws {
    let result = try Binary.run(["--url", "http://127.0.0.1:1", "-c", "print 1"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("did you mean '--api-url'?"))
  }

  @Test func controlCharactersInAnIdAreRefusedAndEscapedInTheError() throws {
    let result = try Binary.run(
      ["--sandbox", "-c", "get_managed_domain demo-org \"\\u{1b}[41mX\""])
    #expect(result.status == 2)
    #expect(!result.stderr.contains("\u{1B}"))
    #expect(result.stderr.contains("\\u{1B}[41mX"))
  }
}
