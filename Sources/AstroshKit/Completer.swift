import AstroCore
import Foundation

/// Works out Tab completions for a line of the interactive shell.
///
/// It knows builtins and defs (command position), their flags and the values of enum
/// flags (after the last comma of a list), variables and the fields of their records,
/// file paths for `open` and `save`, and the ids of organizations, domains and SSO
/// connections seen earlier in the session, each offered where a parameter of its kind
/// is. It is pure apart from listing directories, so it is tested without a terminal.
struct Completer {
  var commands: [String: Signature]
  var variables: [String: Value]
  var seenIDs: SeenIDs
  var listDirectory: (String) -> [(name: String, isDirectory: Bool)] = Completer.list

  /// Completions for the word that ends at `cursor` (in Unicode scalars).
  func complete(line: String, cursor: Int) -> (start: Int, candidates: [String], terminator: String)
  {
    let scalars = Array(line.unicodeScalars.prefix(cursor))
    var start = scalars.count
    while start > 0, !Completer.isBoundary(scalars[start - 1]) { start -= 1 }
    let word = String(String.UnicodeScalarView(scalars[start...]))
    let before = String(String.UnicodeScalarView(scalars[..<start]))
    let stage = Completer.currentStage(before)
    if word.hasPrefix("$") {
      return (start, variableCandidates(word), "")
    }
    guard let command = stage.first else {
      return (start, matching(word, Array(commands.keys)), " ")
    }
    if word.hasPrefix("-") {
      let flags = commands[command]?.flags.map { "--\($0.name)" } ?? []
      return (start, matching(word, flags), " ")
    }
    if let last = stage.last, last.hasPrefix("--"),
      let values = enumValues(command, String(last.dropFirst(2)))
    {
      // `sso,pa` completes the item after the last comma.
      let head = word.lastIndex(of: ",").map { String(word[...$0]) } ?? ""
      return (start, matching(word, values.map { head + $0 }), " ")
    }
    if command == "open" || command == "save" || command == "cd" {
      let (candidates, terminator) = pathCandidates(word)
      return (start, candidates, terminator)
    }
    let parameters = positionalParameters(of: command, stage: stage)
    let ids = parameters.map { seenIDs.candidates(for: $0) } ?? seenIDs.all
    return (start, matching(word, ids), " ")
  }

  /// The names of the positional parameters the next word may fill, skipping flags and
  /// the values of those that take one; nil when it is not known. The first word of
  /// `verify_managed_domain` may be the organization or, with the organization left
  /// out, the domain.
  private func positionalParameters(of command: String, stage: [String]) -> [String]? {
    guard let signature = commands[command] else { return nil }
    var index = 0
    var words = stage.dropFirst()[...]
    while let word = words.popFirst() {
      if word.hasPrefix("-") && word.count > 1 && Double(word) == nil {
        let name = String(word.drop { $0 == "-" })
        if !name.contains("="), signature.flag(named: name).map({ !$0.isSwitch }) ?? false {
          _ = words.popFirst()
        }
        continue
      }
      index += 1
    }
    let names = signature.positional.map(\.name)
    guard index < names.count else { return nil }
    if index == 0, names.first == "organizationId", names.count > 1 {
      return Array(names.prefix(2))
    }
    return [names[index]]
  }

  private func matching(_ word: String, _ candidates: [String]) -> [String] {
    candidates.filter { $0.hasPrefix(word) }.sorted()
  }

  private func enumValues(_ command: String, _ flag: String) -> [String]? {
    guard let flag = commands[command]?.flag(named: flag) else { return nil }
    if case .oneOf(let values)? = flag.type { return values }
    return flag.choices
  }

  /// `$na` → variable names; `$d.na` → fields of `$d` (of its first item for a list).
  private func variableCandidates(_ word: String) -> [String] {
    let path = word.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(
      String.init)
    if path.count == 1 { return matching(word, variables.keys.map { "$" + $0 }) }
    guard var value = variables[path[0]] else { return [] }
    for key in path.dropFirst().dropLast() {
      guard let next = Completer.field(key, of: value) else { return [] }
      value = next
    }
    let prefix = "$" + path.dropLast().joined(separator: ".") + "."
    return matching(word, Completer.fieldNames(of: value).map { prefix + $0 })
  }

  private static func field(_ key: String, of value: Value) -> Value? {
    switch value {
    case .record(let r): return r[key]
    case .list(let items): return Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
    default: return nil
    }
  }

  private static func fieldNames(of value: Value) -> [String] {
    switch value {
    case .record(let r): return r.keys
    case .list(let items):
      let indices = items.indices.prefix(20).map(String.init)
      if case .record(let first)? = items.first { return indices + first.keys }
      return indices
    default: return []
    }
  }

  private func pathCandidates(_ word: String) -> ([String], String) {
    let slash = word.lastIndex(of: "/")
    let dir = slash.map { String(word[...$0]) } ?? ""
    let stem = slash.map { String(word[word.index(after: $0)...]) } ?? word
    let entries = listDirectory(dir.isEmpty ? "." : dir).filter {
      $0.name.hasPrefix(stem) && (!$0.name.hasPrefix(".") || stem.hasPrefix("."))
    }
    let candidates = entries.map { dir + $0.name + ($0.isDirectory ? "/" : "") }.sorted()
    let terminator = candidates.count == 1 && candidates[0].hasSuffix("/") ? "" : " "
    return (candidates, terminator)
  }

  private static func list(_ dir: String) -> [(name: String, isDirectory: Bool)] {
    let expanded = (dir as NSString).expandingTildeInPath
    let names = (try? FileManager.default.contentsOfDirectory(atPath: expanded)) ?? []
    return names.map { name in
      var isDir: ObjCBool = false
      FileManager.default.fileExists(
        atPath: (expanded as NSString).appendingPathComponent(name), isDirectory: &isDir)
      return (name, isDir.boolValue)
    }
  }

  private static func isBoundary(_ s: Unicode.Scalar) -> Bool {
    s == " " || s == "\t" || s == "|" || s == "(" || s == "[" || s == "{" || s == ";"
      || s == "\n"
  }

  /// The words of the pipeline stage the cursor is in, before the word being completed.
  static func currentStage(_ before: String) -> [String] {
    var stageText = Substring(before)
    if let bar = before.lastIndex(where: { "|;({\n".contains($0) }) {
      stageText = before[before.index(after: bar)...]
    }
    return stageText.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
  }
}

/// Ids seen in results of the session, by kind, newest last, for completion.
struct SeenIDs: Sendable {
  /// Organization ids and short names.
  var organizations: [String] = []
  var domains: [String] = []
  var connections: [String] = []
  /// Ids of records whose kind cannot be told (`select id name` dropped the fields that
  /// say it): offered for every id.
  var unsorted: [String] = []
  /// Every id in the lists above, so that adding one costs no search of them.
  private var known: Set<String> = []

  /// The most kept of each kind.
  static let limit = 5_000

  /// The ids the parameters take: organizations for `organizationId` (and
  /// `use_organization`'s `organization`), domains for `domainId`, connections for
  /// `connectionId`; none for other parameters.
  func candidates(for parameters: [String]) -> [String] {
    var out: [String] = []
    for parameter in parameters {
      switch parameter {
      case "organizationId", "organization": out += organizations
      case "domainId": out += domains
      case "connectionId": out += connections
      default: continue
      }
      if !unsorted.isEmpty { out += unsorted.filter { !out.contains($0) } }
    }
    return out
  }

  /// Every id seen, for a place whose parameter is not known.
  var all: [String] { organizations + domains + connections + unsorted }

  /// Adds the ids of the records in `value` (looking into lists, a few levels deep): a
  /// record with an `organizationId` is an SSO connection when it has an
  /// `auth0ConnectionName` and a domain otherwise; one with a `shortName` is an
  /// organization.
  mutating func collect(from value: Value) {
    func visit(_ v: Value, depth: Int) {
      guard depth < 4 else { return }
      switch v {
      case .record(let r):
        guard case .string(let id)? = r["id"] else { return }
        if r["organizationId"] != nil {
          if r["auth0ConnectionName"] != nil {
            add(id, to: \.connections)
          } else {
            add(id, to: \.domains)
          }
        } else if case .string(let short)? = r["shortName"] {
          add(id, to: \.organizations)
          add(short, to: \.organizations)
        } else if !known.contains(id) {
          add(id, to: \.unsorted)
        }
      case .list(let items):
        for item in items.prefix(10_000) { visit(item, depth: depth + 1) }
      default: break
      }
    }
    visit(value, depth: 0)
  }

  private mutating func add(_ id: String, to list: WritableKeyPath<SeenIDs, [String]>) {
    // An id first seen without its kind moves to its kind's list when it shows up whole.
    if known.contains(id) {
      guard list != \.unsorted, let at = unsorted.firstIndex(of: id) else { return }
      unsorted.remove(at: at)
    }
    known.insert(id)
    self[keyPath: list].append(id)
    if self[keyPath: list].count > Self.limit {
      known.remove(self[keyPath: list].removeFirst())
    }
  }
}
