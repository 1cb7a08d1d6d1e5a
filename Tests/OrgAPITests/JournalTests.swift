import AstroCore
import Emulator
import Foundation
import Testing

@testable import OrgAPI

/// The journal of `--journal`: what it writes, how it reads a file a killed run left
/// behind, and how the client uses it so that no change is sent twice.
@Suite struct JournalTests {
  /// The sandbox, with a log of the requests that reached it.
  final class CountingSandbox: Transport, @unchecked Sendable {
    let sandbox: Sandbox
    let sent = Locked<[String]>([])
    init() throws { sandbox = try Sandbox() }
    var targetDescription: String { "counting sandbox" }
    func send(_ request: APIRequest, isCancelled: @escaping @Sendable () -> Bool) throws
      -> APIResponse
    {
      sent.withLock { $0.append("\(request.method.rawValue) \(request.path)") }
      return try sandbox.send(request, isCancelled: isCancelled)
    }
    func count(_ prefix: String) -> Int { sent.current.filter { $0.hasPrefix(prefix) }.count }
  }

  let dir: String
  let transport: CountingSandbox

  init() throws {
    dir = NSTemporaryDirectory() + "journal-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    transport = try CountingSandbox()
  }

  private func client(_ journal: Journal?) -> APIClient {
    let client = APIClient(
      .init(
        transport: transport, token: "sandbox-token", rateLimits: .unlimited,
        defaultOrganization: "demo-org"))
    client.journal = journal
    return client
  }

  private func create(_ name: String, _ client: APIClient) throws -> Value {
    let ctx = TestContext(client: client)
    return try Fixture.run(
      "create_managed_domain", flags: ["name": .string(name), "enforced-logins": .string("sso")],
      in: ctx)
  }

  private var path: String { dir + "/j.journal" }
  private func lines() throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test func sha256KnownVectors() {
    #expect(
      SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(
      SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  @Test func keyIgnoresFieldOrderButNotValues() {
    let op = Fixture.op("create_managed_domain")
    func key(_ body: String) -> String {
      JournalKey.of(
        APICall(operation: op, pathValues: ["organizationId": "o"], body: Fixture.json(body)))
    }
    #expect(
      key(#"{"name":"a","enforcedLogins":["sso"]}"#)
        == key(#"{"enforcedLogins":["sso"],"name":"a"}"#))
    #expect(key(#"{"name":"a"}"#) != key(#"{"name":"b"}"#))
  }

  @Test func aRerunReusesTheResultWithoutARequest() throws {
    let first = try create("a.example.com", client(try Journal(path: path)))
    #expect(transport.count("POST") == 1)
    let again = try create("a.example.com", client(try Journal(path: path)))
    #expect(transport.count("POST") == 1)
    #expect(again.recordValue?["id"] == first.recordValue?["id"])
    // The header, then a pending and a done line.
    #expect(try lines().count == 3)
  }

  @Test func theSameCallTwiceInOneRunIsSentTwice() throws {
    let journal = try Journal(path: path)
    _ = try create("a.example.com", client(journal))
    let ctx = TestContext(client: client(journal))
    let second = throwing {
      try Fixture.run(
        "create_managed_domain",
        flags: ["name": .string("a.example.com"), "enforced-logins": .string("password")],
        in: ctx)
    }
    // Different fields: a real conflict, not the same create.
    #expect(second?.code == "api_bad_request")
    #expect(transport.count("POST") == 2)
  }

  @Test func aPendingCreateFoundOnTheServerIsNotSentAgain() throws {
    // A run that sent the create and was killed before the answer was recorded.
    let created = try create("b.example.com", client(nil))
    do {  // the killed run; its journal closes, and its lock goes, at the end of the block
      let journal = try Journal(path: path)
      let call = try CallBinder(operation: Fixture.op("create_managed_domain")).bind(
        positional: [],
        flags: .init(body: [
          "name": .string("b.example.com"), "enforcedLogins": .list([.string("sso")]),
        ]),
        item: nil, defaultOrganization: "demo-org")
      try journal.begin(journal.claim(JournalKey.of(call)), call, redactor: Redactor())
    }
    let posts = transport.count("POST")

    let again = try create("b.example.com", client(try Journal(path: path)))
    #expect(transport.count("POST") == posts)
    #expect(again.recordValue?["id"] == created.recordValue?["id"])
    #expect(try lines().last?.contains(#""how":"found""#) == true)
  }

  @Test func aCreateOfSomethingAlreadyThereWithTheSameFieldsCountsAsDone() throws {
    let created = try create("c.example.com", client(nil))
    let adopted = try create("c.example.com", client(try Journal(path: path)))
    #expect(adopted.recordValue?["id"] == created.recordValue?["id"])
    #expect(try Journal(path: path).statistics.reused == 0)
  }

  @Test func aTornLastLineIsCutOff() throws {
    _ = try create("d.example.com", client(try Journal(path: path)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"key":"abc","n":0,"sta"#.utf8))
    try handle.close()
    _ = try create("d.example.com", client(try Journal(path: path)))
    #expect(transport.count("POST") == 1)
    #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("}\n"))
  }

  @Test func aDamagedLineInTheMiddleIsAnError() throws {
    _ = try create("e.example.com", client(try Journal(path: path)))
    var text = try lines()
    text[1] = "not json"
    try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let error = throwing { _ = try Journal(path: path) }
    #expect(error?.code == "journal_damaged")
    #expect(error?.message.contains("line 2") == true)
  }

  @Test(arguments: [
    "{\"hello\":1}\n", "1..100 | each { {name: $it} } | create_managed_domain\n", "hello",
    "just one line, no line break", "{\"journal\":\"astrosh\"", "a,b\n1,2\n",
  ])
  func aForeignFileIsRefusedAndLeftAsItIs(_ content: String) throws {
    try content.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throwing { _ = try Journal(path: path) }?.code == "journal_foreign")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
  }

  @Test func aDirectoryIsNotAJournal() throws {
    let directory = path + ".d"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let error = throwing { _ = try Journal(path: directory) }
    #expect(error?.category == .usage)
    #expect(error?.message == "the journal '\(directory)' is a directory")
  }

  @Test(arguments: ["/dev/zero", "/dev/null"])
  func aDeviceIsNotAJournal(device: String) throws {
    let error = throwing { _ = try Journal(path: device) }
    #expect(error?.code == "journal_not_a_file")
    #expect(error?.message == "the journal '\(device)' is not a regular file")
  }

  @Test func aJournalInUseByAnotherRunIsRefusedUntilThatRunEnds() throws {
    var first: Journal? = try Journal(path: path, target: "sandbox")
    let error = throwing { _ = try Journal(path: path, target: "sandbox") }
    #expect(error?.code == "journal_in_use")
    #expect(error?.message == "the journal '\(path)' is in use by another astrosh run")
    #expect(first?.path == path)
    first = nil
    #expect(throwing { _ = try Journal(path: path, target: "sandbox") } == nil)
  }

  @Test func aJournalWrittenAgainstAnotherTargetIsRefused() throws {
    _ = try Journal(path: path, target: "sandbox")
    let error = throwing { _ = try Journal(path: path, target: "127.0.0.1:4010") }
    #expect(error?.code == "journal_target")
    #expect(error?.message.contains("written against sandbox") == true)
    #expect(throwing { _ = try Journal(path: path, target: "sandbox") } == nil)
  }

  @Test func secretsNeverReachTheFile() throws {
    let client = client(try Journal(path: path))
    let key = try Fixture.run("upsert_sso_bypass_key", in: TestContext(client: client))
    let secret = try #require(key.recordValue?["bypassKey"]?.stringValue)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(!text.contains(secret))
    #expect(text.contains(Redactor.marker))
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func dryRunLeavesTheJournalAlone() throws {
    let journal = try Journal(path: path)
    let before = try lines()
    let client = APIClient(
      .init(transport: transport, token: "t", dryRun: true, defaultOrganization: "demo-org"))
    client.journal = journal
    _ = try create("f.example.com", client)
    #expect(try lines() == before)
    #expect(transport.count("POST") == 0)
  }

  @Test func aRefusedCallIsSentAgainOnARerun() throws {
    do {
      let ctx = TestContext(client: client(try Journal(path: path)))
      let e = throwing { try Fixture.run("verify_managed_domain", [.string("nope")], in: ctx) }
      #expect(e?.code == "api_not_found")
      #expect(try lines().last?.contains(#""state":"failed""#) == true)
    }
    let ctx2 = TestContext(client: client(try Journal(path: path)))
    _ = throwing { try Fixture.run("verify_managed_domain", [.string("nope")], in: ctx2) }
    #expect(transport.count("POST") == 2)
  }

  @Test(arguments: [
    (
      #"{"name":"a","enforcedLogins":["sso","password"]}"#,
      #"{"id":"d1","name":"a","enforcedLogins":["password","sso"],"status":"PENDING"}"#, true
    ),
    (#"{"name":"a","enforcedLogins":["sso"]}"#, #"{"name":"a","enforcedLogins":[]}"#, false),
    (
      #"{"name":"a","configuration":{"azureClientSecret":"s"}}"#,
      #"{"name":"a","configuration":{"azureClientSecret":"[redacted]"}}"#, true
    ),
  ])
  func recoveryComparesTheFieldsTheBodySets(wanted: String, found: String, agrees: Bool) {
    #expect(JournalRecovery.agrees(Fixture.json(wanted), with: Fixture.json(found)) == agrees)
  }
}
