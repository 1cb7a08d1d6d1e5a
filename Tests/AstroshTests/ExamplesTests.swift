import Foundation
import Testing

/// The scripts in `examples/` run as they are through the real binary against the
/// sandbox, and their output is what their comments promise.
@Suite struct ExamplesTests {
  private func json(_ text: Substring) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
  }

  @Test func verifyPendingDomains() throws {
    let result = try Binary.run(["--sandbox", example("verify-pending-domains.astro")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let (first, rest) = try #require(split(result.stdout))
    #expect(first == "verifying 3 pending domains")
    let rows = try #require(try json(rest) as? [[String: String]])
    #expect(rows.map { $0["name"] } == (1...3).map { "pending-\($0).example.com" })
    #expect(rows.allSatisfy { $0["status"] == "VERIFIED" })
  }

  @Test func verifyPendingDomainsRehearsed() throws {
    let result = try Binary.run(["--sandbox", "--dry-run", example("verify-pending-domains.astro")])
    #expect(result.status == 0, "\(result.stderr)")
    let planned = result.stderr.split(separator: "\n").filter { $0.hasPrefix("dry-run: POST ") }
    #expect(planned.count == 3)
    #expect(planned.allSatisfy { $0.hasSuffix("/verify") })
    // The stand-ins carry the domains' fields, so the script's `select` shows them.
    let (_, rest) = try #require(split(result.stdout))
    let rows = try #require(try json(rest) as? [[String: String]])
    #expect(rows.map { $0["name"] } == (1...3).map { "pending-\($0).example.com" })
    #expect(rows.allSatisfy { $0["status"] == "VERIFIED" })
  }

  @Test func onboardRehearsedEndToEndChangesNothing() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let state = ["--sandbox-state", dir.path("state.json")]
    let count = state + ["-c", "list_managed_domains | length"]
    let before = try Binary.run(count)
    #expect(before.status == 0, "\(before.stderr)")
    let result = try Binary.run(
      state + ["--dry-run", example("onboard.astro"), example("onboard.csv")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("created 3 domains\ncreated 2 SSO connections\n"))
    #expect(result.stderr.contains("/domains/dry-run-1/verify"))
    let after = try Binary.run(count)
    #expect(after.stdout == before.stdout)
  }

  @Test func onboardFromTheCSV() throws {
    let result = try Binary.run(
      ["--sandbox", example("onboard.astro"), example("onboard.csv")])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", maxSplits: 2)
    #expect(lines.prefix(2) == ["created 3 domains", "created 2 SSO connections"])
    let connections = try #require(try json(lines[2]) as? [[String: Any]])
    #expect(
      connections.map { $0["auth0ConnectionName"] as? String } == ["acme-saml", "globex-saml"])
    #expect(connections.allSatisfy { $0["enabled"] as? Bool == false })
  }

  @Test func onboardRerunWithItsJournalSendsNothing() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let args = [
      "--sandbox-state", dir.path("state.json"), "--journal", dir.path("onboard.journal"),
      example("onboard.astro"), example("onboard.csv"),
    ]
    let first = try Binary.run(args)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try Binary.run(args)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout == first.stdout)
    // Three creates, three verifications and two connections, all taken from the journal.
    #expect(
      second.stderr.contains("journal \(dir.path("onboard.journal")): 8 done in an earlier run"))
  }

  @Test func auditExportWritesOneFilePerOrganization() throws {
    let dir = try ScratchDirectory()
    defer { dir.remove() }
    let result = try Binary.run(
      ["--sandbox", example("audit-export.astro"), "7"], directory: dir.url)
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try #require(try json(Substring(result.stdout)) as? [[String: Any]])
    #expect(rows.count == 1)
    let row = try #require(rows.first)
    #expect(row["organization"] as? String == "demo-org")
    #expect(row["file"] as? String == "audit-demo-org-7-days.ndjson")
    let saved = try #require(dir.read("audit-demo-org-7-days.ndjson"))
    let records = saved.split(separator: "\n")
    #expect(records.count == row["events"] as? Int)
    #expect(records.allSatisfy { (try? json($0)) is [String: Any] })
  }

  /// The first line and the rest.
  private func split(_ text: String) -> (Substring, Substring)? {
    guard let newline = text.firstIndex(of: "\n") else { return nil }
    return (text[..<newline], text[text.index(after: newline)...])
  }
}
