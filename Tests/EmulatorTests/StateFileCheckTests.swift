import AstroCore
import Foundation
import OrgAPI
import Testing

@testable import Emulator

@Suite("Minted ids")
struct IdentifierTests {
  @Test(arguments: [
    Identifiers.maxSerial + 1, 1 << 52, 4_611_686_018_427_387_904, UInt64.max,
  ])
  func anySerialMakesAnIdWithoutTrapping(serial: UInt64) {
    #expect(Conformance.isCuid(Identifiers.cuid(serial: serial)))
  }

  @Test(arguments: [UInt64(0), 1, 2, 1_000_000, Identifiers.maxSerial])
  func aMintedIdGivesItsSerialBack(serial: UInt64) {
    #expect(Identifiers.serial(ofCuid: Identifiers.cuid(serial: serial)) == serial)
  }

  @Test func maxSerialIsTheLastWhoseClockFits() {
    // Its clock is at most "zzzzzzzz"; one more wraps round and reads back as another.
    let last = Identifiers.cuid(serial: Identifiers.maxSerial)
    #expect(Identifiers.maxSerial == 1_106_559_507)
    #expect(last.dropFirst().prefix(8) == "zzzzzznc", "\(last)")
    let past = Identifiers.maxSerial + 1
    #expect(Identifiers.serial(ofCuid: Identifiers.cuid(serial: past)) != past)
  }

  @Test(arguments: [
    DemoSeed.organizationId, DemoSeed.ssoConnectionId, "", "x",
    Identifiers.cuid(serial: 5, fingerprint: "sbj0"),
  ])
  func idsNotMintedHereHaveNoSerial(id: String) {
    #expect(Identifiers.serial(ofCuid: id) == nil)
  }

  @Test func anIdWithAnyCharacterChangedHasNoSerial() {
    let id = Array(Identifiers.cuid(serial: 7))
    for i in id.indices.dropFirst() {
      var changed = id
      changed[i] = id[i] == "0" ? "1" : "0"
      #expect(Identifiers.serial(ofCuid: String(changed)) == nil, "\(String(changed))")
    }
  }
}

/// What a state file may hold: checked on load, so that a hand-edited file cannot make the
/// engine trap or mint an id that exists already.
@Suite("State file checks")
struct StateFileCheckTests {
  /// A fresh directory, removed by the caller.
  static func directory() throws -> String { try PersistenceTests.directory() }

  /// The demo seed's state file as a JSON value, for editing.
  static var seedValue: Value {
    StateCodec.encode(DemoSeed.state(now: Date(timeIntervalSince1970: 1_714_600_000)))
  }

  /// Writes `value` at `file`.
  static func write(_ value: Value, _ file: String) throws {
    try (JSON.serialize(value, indent: 2) + "\n").write(
      toFile: file, atomically: false, encoding: .utf8)
  }

  /// `value` with the item at `path` (keys and list indexes) replaced; nil removes a key.
  static func setting(_ value: Value, _ path: [any Sendable], to new: Value?) -> Value {
    guard let step = path.first else { return new ?? .null }
    let rest = Array(path.dropFirst())
    switch (value, step) {
    case (.record(var r), let key as String):
      r[key] = rest.isEmpty ? new : setting(r[key] ?? .null, rest, to: new)
      return .record(r)
    case (.list(var items), let index as Int):
      items[index] = setting(items[index], rest, to: new)
      return .list(items)
    default:
      Issue.record("no \(step) in \(value.typeName)")
      return value
    }
  }

  /// The error of loading `value` from a file nobody has claimed yet, and what is left in
  /// its directory afterwards.
  static func loadError(_ value: Value) throws -> (message: String, file: String, left: [String]) {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    try write(value, file)
    let error = #expect(throws: StateFileError.self) {
      try EmulatorEngine(options: .init(stateFile: file))
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    return (error?.message ?? "", file, left)
  }

  static func damaged(_ file: String, _ what: String) -> String {
    "the state file '\(file)' is damaged: \(what); fix or delete it to start again from the "
      + "demo seed"
  }

  // MARK: nextSerial

  @Test func aNextSerialPastWhatIdsCanBeMadeFromIsRefused() throws {
    let value = Self.setting(Self.seedValue, ["nextSerial"], to: .int(4_611_686_018_427_387_904))
    let (message, file, left) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(
          file,
          "'nextSerial' is 4611686018427387904, past 1106559507, the last serial ids can be "
            + "made from"))
    #expect(left == ["state.json"], "no lock file is left beside a file that failed to load")
  }

  @Test func theLastSerialStillMakesItsId() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let last = Int(Identifiers.maxSerial)
    try Self.write(Self.setting(Self.seedValue, ["nextSerial"], to: .int(last)), file)
    let h = try Harness(.sandbox, options: .init(stateFile: file))
    let made = try h.json(.post, "/organizations", json: #"{"name": "Last"}"#)
    #expect(made["id"] == .string(Identifiers.cuid(serial: Identifiers.maxSerial)))
    let saved = try JSON.parse(try #require(FileManager.default.contents(atPath: file)))
    #expect(saved["nextSerial"] == .int(last + 1))
    // No serial is left: the next create fails, and the file still loads.
    let refused = try h.json(.post, "/organizations", json: #"{"name": "One more"}"#, expect: 507)
    #expect(refused["message"]?.stringValue?.contains("has made all the ids it can") == true)
    let again = try Harness(.sandbox, options: .init(stateFile: file))
    try again.json(.post, "/organizations", json: #"{"name": "Still none"}"#, expect: 507)
  }

  @Test func aNextSerialWoundBackBelowAMintedIdIsRefused() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    var domainId = ""
    do {
      let h = try Harness(.sandbox, options: .init(stateFile: file))
      let made = try h.json(
        .post, "/organizations/demo-org/domains", json: #"{"name": "one.example.com"}"#)
      domainId = try #require(made["id"]?.stringValue)
      try h.json(.post, "/organizations", json: #"{"name": "Two"}"#)
    }
    let saved = try JSON.parse(try #require(FileManager.default.contents(atPath: file)))
    #expect(saved["nextSerial"] == .int(3))
    for wound in [0, 1, 2] {
      try Self.write(Self.setting(saved, ["nextSerial"], to: .int(wound)), file)
      let error = #expect(throws: StateFileError.self) {
        try EmulatorEngine(options: .init(stateFile: file))
      }
      // 0 is read as 1, as it always was.
      #expect(
        error?.message
          == Self.damaged(
            file,
            "'nextSerial' is \(max(wound, 1)), but 'organizations[1].id' was made from serial "
              + "2; set nextSerial to 3 or more"))
    }
    try Self.write(Self.setting(saved, ["nextSerial"], to: .int(3)), file)
    let h = try Harness(.sandbox, options: .init(stateFile: file))
    let next = try h.json(
      .post, "/organizations/demo-org/domains", json: #"{"name": "three.example.com"}"#)
    #expect(next["id"] == .string(Identifiers.cuid(serial: 3)))
    #expect(domainId == Identifiers.cuid(serial: 1))
  }

  // MARK: Duplicate ids

  @Test func anOrganizationIdUsedTwiceIsRefused() throws {
    let org = try #require(Self.seedValue["organizations"]?.listValue?.first)
    let value = Self.setting(Self.seedValue, ["organizations"], to: .list([org, org]))
    let (message, file, left) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(
          file,
          "'organizations[1].id' is '\(DemoSeed.organizationId)', the id of "
            + "'organizations[0].id' already"))
    #expect(left == ["state.json"])
  }

  @Test func aDomainIdUsedTwiceIsRefused() throws {
    let first = DemoSeed.verifiedDomains[0].id
    let value = Self.setting(
      Self.seedValue, ["organizations", 0, "domains", 3, "id"], to: .string(first))
    let (message, file, _) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(
          file,
          "'organizations[0].domains[3].id' is '\(first)', the id of "
            + "'organizations[0].domains[0].id' already"))
  }

  @Test func aConnectionIdUsedTwiceIsRefused() throws {
    let connection = try #require(
      Self.seedValue["organizations"]?.listValue?.first?["connections"]?.listValue?.first)
    let value = Self.setting(
      Self.seedValue, ["organizations", 0, "connections"], to: .list([connection, connection]))
    let (message, file, _) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(
          file,
          "'organizations[0].connections[1].id' is '\(DemoSeed.ssoConnectionId)', the id of "
            + "'organizations[0].connections[0].id' already"))
  }

  // MARK: Enums

  @Test(
    arguments: [
      (
        ["organizations", 0, "domains", 1, "status"], "WEIRD",
        "'organizations[0].domains[1].status' must be one of PENDING, VERIFIED, not 'WEIRD'"
      ),
      (
        ["organizations", 0, "status"], "GONE",
        "'organizations[0].status' must be one of ACTIVE, INACTIVE, SUSPENDED, not 'GONE'"
      ),
      (
        ["organizations", 0, "supportPlan"], "GOLD",
        "'organizations[0].supportPlan' must be one of INTERNAL, POV, TRIAL, BASIC, STANDARD, "
          + "PREMIUM, BUSINESS_CRITICAL, not 'GOLD'"
      ),
      (
        ["organizations", 0, "product"], "CLOUD",
        "'organizations[0].product' must be one of HOSTED, HYBRID, not 'CLOUD'"
      ),
      (
        ["organizations", 0, "connections", 0, "configuration", "strategy"], "oidc",
        "'organizations[0].connections[0].configuration.strategy' must be one of samlp, waad, "
          + "not 'oidc'"
      ),
    ] as [([any Sendable], String, String)])
  func aValueOutsideTheContractIsRefused(path: [any Sendable], value: String, what: String)
    throws
  {
    let (message, file, left) = try Self.loadError(
      Self.setting(Self.seedValue, path, to: .string(value)))
    #expect(message == Self.damaged(file, what))
    #expect(left == ["state.json"])
  }

  @Test func anEnforcedLoginOutsideTheContractIsRefused() throws {
    let value = Self.setting(
      Self.seedValue, ["organizations", 0, "domains", 0, "enforcedLogins"],
      to: .list([.string("sso"), .string("magic")]))
    let (message, file, _) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(
          file,
          "'organizations[0].domains[0].enforcedLogins' may hold only sso, password, google, "
            + "github, not 'magic'"))
  }

  @Test func aConnectionWithoutAStrategyIsRefused() throws {
    let value = Self.setting(
      Self.seedValue, ["organizations", 0, "connections", 0, "configuration", "strategy"],
      to: nil)
    let (message, file, _) = try Self.loadError(value)
    #expect(
      message
        == Self.damaged(file, "'organizations[0].connections[0].configuration.strategy' is missing")
    )
  }

  // MARK: The lock file

  @Test func aDirectoryGivenAsTheStateFileLeavesNoLockFile() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/csdir"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    let error = #expect(throws: StateFileError.self) {
      try EmulatorEngine(options: .init(stateFile: path))
    }
    #expect(error?.message == "the state file '\(path)' is a directory; give a file's path")
    #expect(error?.kind == .unusable)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["csdir"])
  }

  @Test func aFileFixedAfterAFailedLoadLoads() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    try "{not json".write(toFile: file, atomically: false, encoding: .utf8)
    #expect(throws: StateFileError.self) { try EmulatorEngine(options: .init(stateFile: file)) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["state.json"])
    try Self.write(Self.seedValue, file)
    let engine = try EmulatorEngine(options: .init(stateFile: file))
    #expect(engine.snapshot.organizations.count == 1)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        == ["state.json", "state.json.lock"], "the lock file stays while the state is in use")
  }

  // MARK: The state's name

  static func savedInstanceId(_ file: String) throws -> Value? {
    try JSON.parse(try #require(FileManager.default.contents(atPath: file)))["instanceId"]
  }

  @Test func aNewStateIsNamedAndKeepsItsNameAcrossSavesAndRestarts() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let engine = try EmulatorEngine(options: .init(stateFile: file))
    let name = try #require(engine.instanceId)
    #expect(name.count == 32 && name.allSatisfy(\.isHexDigit), "\(name)")
    #expect(try Self.savedInstanceId(file) == .string(name))
    let h = try Harness(.sandbox, options: .init(stateFile: file))
    try h.json(.post, "/organizations", json: #"{"name": "Saved"}"#)
    #expect(h.engine.instanceId == name)
    #expect(try Self.savedInstanceId(file) == .string(name))
    try FileManager.default.removeItem(atPath: file)
    let afresh = try EmulatorEngine(options: .init(stateFile: file))
    #expect(afresh.instanceId != nil && afresh.instanceId != name)
    #expect(try EmulatorEngine().instanceId == nil, "a state in memory has no name")
  }

  @Test func aFileWrittenBeforeStatesHadNamesGetsOneWhenLoaded() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let old = Self.setting(Self.seedValue, ["instanceId"], to: nil)
    #expect(old["instanceId"] == nil)
    try Self.write(old, file)
    let engine = try EmulatorEngine(options: .init(stateFile: file))
    let name = try #require(engine.instanceId)
    #expect(try Self.savedInstanceId(file) == .string(name))
  }

  @Test func aResetStateIsRenamed() throws {
    let dir = try Self.directory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/state.json"
    let engine = try EmulatorEngine(options: .init(stateFile: file))
    let before = engine.instanceId
    try engine.reset()
    #expect(engine.instanceId != nil && engine.instanceId != before)
    #expect(try Self.savedInstanceId(file) == engine.instanceId.map(Value.string))
  }

  @Test func anEmptyNameIsRefused() throws {
    let (message, file, _) = try Self.loadError(
      Self.setting(Self.seedValue, ["instanceId"], to: .string("")))
    #expect(message == Self.damaged(file, "'instanceId' must not be empty"))
  }
}
