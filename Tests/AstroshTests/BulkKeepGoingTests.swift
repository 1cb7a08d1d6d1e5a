import Foundation
import Testing

/// `--keep-going` and progress through the real binary, against `astrosh serve` with
/// injected faults.
@Suite struct BulkKeepGoingTests {
  @Test func scriptWideKeepGoingSummarisesAndExitsSix() throws {
    let emulator = try ServedEmulator(["--fail-verify", "pending-2*"])
    let result = try Binary.run(
      ["--keep-going", example("verify-pending-domains.astro")],
      environment: emulator.environment)

    #expect(result.status == 6)
    // The failed domain is left out, so `select name status` still works on the rest.
    #expect(result.stdout.hasPrefix("verifying 3 pending domains\n"))
    #expect(result.stdout.contains(#""name": "pending-1.example.com""#))
    #expect(result.stdout.contains(#""name": "pending-3.example.com""#))
    #expect(!result.stdout.contains("pending-2"))
    #expect(result.stderr.hasPrefix("summary: 1 item failed\n"))
    #expect(result.stderr.contains("  verify_managed_domain: 2 ok, 1 failed\n"))
    #expect(
      result.stderr.contains(
        "    item 1 (cldemodom0000000000000004, pending-2.example.com): "
          + "verify_managed_domain failed with 400"
      ))
  }

  @Test func withoutKeepGoingTheFirstFailureStopsTheRun() throws {
    let emulator = try ServedEmulator(["--fail-verify", "pending-2*"])
    let result = try Binary.run(
      [example("verify-pending-domains.astro")], environment: emulator.environment)
    #expect(result.status == 4)
    #expect(result.stderr.hasPrefix("error: verify_managed_domain failed with 400"))
    #expect(!result.stderr.contains("summary:"))
  }

  @Test func aServerErrorInAParallelRunIsRecordedNotSwallowed() throws {
    // The second POST answers 500; a create-like POST is not retried after a 5xx.
    let emulator = try ServedEmulator(["--fail-nth", "POST:2"])
    let result = try Binary.run(
      [
        "-c",
        #"list_managed_domains | where status == "PENDING" | "#
          + "verify_managed_domain --keep-going --parallel 3 | get ok",
      ], environment: emulator.environment)
    #expect(result.status == 6)
    let oks = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Bool]
    #expect(oks?.count == 3)
    #expect(oks?.filter { !$0 }.count == 1)
    #expect(result.stderr.contains("summary: 1 item failed"))
    #expect(result.stderr.contains("500"))
  }

  @Test func everyFailedBranchOfAParallelEachIsCounted() throws {
    let code = #"1..6 | each --parallel 3 {|n| if $n mod 2 == 0 { error "even $n" } else { $n } }"#
    let result = try Binary.run(["--sandbox", "--keep-going", "-c", code])
    #expect(result.status == 6)
    #expect(result.stdout == "[\n  1,\n  3,\n  5\n]\n")
    #expect(result.stderr.contains("summary: 3 items failed\n  each: 3 ok, 3 failed\n"))
    for n in [2, 4, 6] { #expect(result.stderr.contains("    \(n): even \(n)\n")) }
  }

  @Test func eachOwnKeepGoingGivesARecordPerItemAndTheSummary() throws {
    let code = #"[1, 0, 2] | each --keep-going {|n| 10 / $n } | get ok"#
    let result = try Binary.run(["--sandbox", "-c", code])
    #expect(result.status == 6)
    #expect(result.stdout == "[\n  true,\n  false,\n  true\n]\n")
    #expect(result.stderr.contains("each: 2 ok, 1 failed"))
  }

  @Test func progressShowsOnANonTerminalOnlyWhenAskedFor() throws {
    let emulator = try ServedEmulator(["--latency", "POST=150"])
    let code = #"1..8 | each {|i| create_managed_domain --name "p$i.example.com" } | length"#
    let asked = try Binary.run(["--progress", "-c", code], environment: emulator.environment)
    #expect(asked.status == 0)
    #expect(asked.stdout == "8\n")
    #expect(asked.stderr.contains("progress: each "))
    #expect(asked.stderr.contains("/8"))
    try emulator.control("reset")
    let quiet = try Binary.run(["-c", code], environment: emulator.environment)
    #expect(quiet.status == 0)
    #expect(quiet.stderr.isEmpty)
  }
}
