import AstroCore
import OrgAPI
import Testing

@testable import AstroshKit

/// Tab completion of the interactive shell, without a terminal.
struct CompleterTests {
  static let seen: SeenIDs = {
    var ids = SeenIDs()
    ids.collect(
      from: Value.list([
        .record(Record([("id", .string("clorg1")), ("shortName", .string("acme"))])),
        .record(
          Record([
            ("id", .string("cldom1")), ("organizationId", .string("clorg1")),
            ("name", .string("a.example.com")),
          ])),
        .record(
          Record([
            ("id", .string("clcon1")), ("organizationId", .string("clorg1")),
            ("auth0ConnectionName", .string("okta")),
          ])),
      ]))
    return ids
  }()

  func complete(_ line: String) -> [String] {
    let commands = Dictionary(
      uniqueKeysWithValues: APIBuiltins.all().map { ($0.name, $0.signature) })
    let completer = Completer(commands: commands, variables: [:], seenIDs: Self.seen)
    return completer.complete(line: line, cursor: line.unicodeScalars.count).candidates
  }

  @Test func idsAreSortedByKind() {
    #expect(Self.seen.organizations == ["clorg1", "acme"])
    #expect(Self.seen.domains == ["cldom1"])
    #expect(Self.seen.connections == ["clcon1"])
  }

  @Test(arguments: [
    ("get_organization cl", ["clorg1"]),
    ("use_organization a", ["acme"]),
    // The first word may be the organization, or the domain with the organization left out.
    ("verify_managed_domain cl", ["cldom1", "clorg1"]),
    ("verify_managed_domain acme cl", ["cldom1"]),
    ("get_sso_connection clorg1 cl", ["clcon1"]),
    // With the organization given as a flag, the word is the connection.
    ("get_sso_connection --organization-id acme cl", ["clcon1"]),
  ])
  func anIdIsOfferedWhereItsKindGoes(line: String, expected: [String]) {
    #expect(complete(line) == expected)
  }

  @Test func idsOfUnknownKindAreOfferedForEveryId() {
    var ids = Self.seen
    ids.collect(from: .list([.record(Record([("id", .string("clx9")), ("name", .string("n"))]))]))
    #expect(ids.unsorted == ["clx9"])
    #expect(ids.candidates(for: ["domainId"]) == ["cldom1", "clx9"])
    #expect(ids.candidates(for: ["organizationId"]) == ["clorg1", "acme", "clx9"])
    // An id already known by its kind stays there.
    ids.collect(from: .record(Record([("id", .string("cldom1"))])))
    #expect(ids.unsorted == ["clx9"])
    // Seen whole later, it moves to its kind.
    ids.collect(
      from: .record(Record([("id", .string("clx9")), ("organizationId", .string("clorg1"))])))
    #expect(ids.unsorted.isEmpty)
    #expect(ids.domains == ["cldom1", "clx9"])
  }

  @Test func theItemsOfAnEnumListAreOffered() {
    #expect(
      complete("create_managed_domain --enforced-logins ") == [
        "github", "google", "password", "sso",
      ])
    #expect(complete("create_managed_domain --enforced-logins sso,p") == ["sso,password"])
  }
}
