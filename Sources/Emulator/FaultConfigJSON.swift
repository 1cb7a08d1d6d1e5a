import AstroCore
import OrgAPI

/// A fault configuration that cannot be accepted; the message names the key at fault.
public struct FaultConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension FaultConfig {
  static let keys: Set<String> = [
    "rateLimits", "failShare", "failStatus", "failNth", "latencyMs", "dropShare", "dropNth",
    "failVerify", "seed",
  ]

  /// Reads the control endpoint's JSON form. Unknown keys are refused so that a typo does
  /// not silently leave a fault unset.
  public init(json: Value) throws(FaultConfigError) {
    guard case .record(let r) = json else { throw FaultConfigError("faults must be an object") }
    if let unknown = r.keys.first(where: { !Self.keys.contains($0) }) {
      let known = Self.keys.sorted().joined(separator: ", ")
      throw FaultConfigError("unknown fault '\(unknown)'; known faults: \(known)")
    }
    self.init()
    if let v = r["rateLimits"] { rateLimits = try Self.methodTable(v, "rateLimits", Self.rate) }
    if let v = r["failShare"] { failShare = try Self.share(v, "failShare") }
    if let v = r["failStatus"] { failStatus = try Self.status(v, "failStatus") }
    if let v = r["failNth"] { failNth = try Self.rules(v, "failNth") }
    if let v = r["latencyMs"] { try readLatency(v) }
    if let v = r["dropShare"] { dropShare = try Self.share(v, "dropShare") }
    if let v = r["dropNth"] { dropNth = try Self.rules(v, "dropNth") }
    if let v = r["failVerify"] {
      let patterns = v.listValue?.map(\.stringValue) ?? [nil]
      guard patterns.allSatisfy({ $0 != nil }) else {
        throw FaultConfigError("failVerify must be a list of domain-name patterns")
      }
      failVerify = patterns.compactMap { $0 }
    }
    if let v = r["seed"] {
      guard let n = v.intValue, n >= 0 else {
        throw FaultConfigError("seed must be a non-negative integer")
      }
      seed = UInt64(n)
    }
  }

  /// The control endpoint's JSON form; keys at their defaults are left out.
  public var json: Value {
    var r = Record()
    if !rateLimits.isEmpty {
      r["rateLimits"] = .record(Record(Self.sorted(rateLimits).map { ($0.0, .float($0.1)) }))
    }
    if failShare > 0 { r["failShare"] = .float(failShare) }
    if failStatus != 503 { r["failStatus"] = .int(failStatus) }
    if !failNth.isEmpty { r["failNth"] = .list(failNth.map { $0.json(withStatus: true) }) }
    if latencyAllMs > 0 || !latencyMs.isEmpty {
      var table = Record()
      if latencyAllMs > 0 { table["*"] = .int(latencyAllMs) }
      for (m, ms) in Self.sorted(latencyMs) { table[m] = .int(ms) }
      r["latencyMs"] = .record(table)
    }
    if dropShare > 0 { r["dropShare"] = .float(dropShare) }
    if !dropNth.isEmpty { r["dropNth"] = .list(dropNth.map { $0.json(withStatus: false) }) }
    if !failVerify.isEmpty { r["failVerify"] = .list(failVerify.map(Value.string)) }
    if seed != 1 { r["seed"] = .int(Int(truncatingIfNeeded: seed)) }
    return .record(r)
  }

  private mutating func readLatency(_ v: Value) throws(FaultConfigError) {
    if v.intValue != nil {
      latencyAllMs = try Self.milliseconds(v, "latencyMs")
      return
    }
    guard case .record(var table) = v else {
      throw FaultConfigError("latencyMs must be milliseconds or an object of them by method")
    }
    if let all = table["*"] {
      latencyAllMs = try Self.milliseconds(all, "latencyMs.*")
      table["*"] = nil
    }
    latencyMs = try Self.methodTable(.record(table), "latencyMs", Self.milliseconds)
  }

  private static func sorted<T>(_ table: [HTTPMethod: T]) -> [(String, T)] {
    table.map { ($0.key.rawValue, $0.value) }.sorted { $0.0 < $1.0 }
  }

  private static func methodTable<T>(
    _ v: Value, _ key: String, _ read: (Value, String) throws(FaultConfigError) -> T
  ) throws(FaultConfigError) -> [HTTPMethod: T] {
    guard case .record(let r) = v else {
      throw FaultConfigError("\(key) must be an object keyed by GET, POST or DELETE")
    }
    var out: [HTTPMethod: T] = [:]
    for (name, value) in r.pairs {
      guard let method = HTTPMethod(rawValue: name.uppercased()) else {
        throw FaultConfigError("\(key): '\(name)' is not GET, POST or DELETE")
      }
      out[method] = try read(value, "\(key).\(name)")
    }
    return out
  }

  private static func rate(_ v: Value, _ key: String) throws(FaultConfigError) -> Double {
    guard let d = v.doubleValue, d > 0 else {
      throw FaultConfigError("\(key) must be a positive number of requests per second")
    }
    return d
  }

  private static func milliseconds(_ v: Value, _ key: String) throws(FaultConfigError) -> Int {
    guard let ms = v.intValue, (0...maxLatencyMs).contains(ms) else {
      throw FaultConfigError("\(key) must be milliseconds from 0 to \(maxLatencyMs)")
    }
    return ms
  }

  private static func share(_ v: Value, _ key: String) throws(FaultConfigError) -> Double {
    guard let d = v.doubleValue, d >= 0, d <= 1 else {
      throw FaultConfigError("\(key) must be a number from 0 to 1")
    }
    return d
  }

  static func status(_ v: Value, _ key: String) throws(FaultConfigError) -> Int {
    guard let s = v.intValue, (500...599).contains(s) else {
      throw FaultConfigError("\(key) must be a 5xx status such as 500 or 503")
    }
    return s
  }

  private static func rules(_ v: Value, _ key: String) throws(FaultConfigError) -> [NthRule] {
    guard let items = v.listValue else { throw FaultConfigError("\(key) must be a list") }
    var out: [NthRule] = []
    for (i, item) in items.enumerated() {
      out.append(try NthRule(json: item, at: "\(key)[\(i)]"))
    }
    return out
  }
}

extension NthRule {
  init(json: Value, at key: String) throws(FaultConfigError) {
    guard case .record(let r) = json else {
      throw FaultConfigError("\(key) must be an object like {\"method\": \"POST\", \"nth\": [3]}")
    }
    var method: HTTPMethod?
    if let m = r["method"], m.stringValue != "*" {
      guard let name = m.stringValue, let parsed = HTTPMethod(rawValue: name.uppercased()) else {
        throw FaultConfigError("\(key).method must be GET, POST, DELETE or *")
      }
      method = parsed
    }
    let ordinals = r["nth"]?.listValue?.map { $0.intValue ?? 0 } ?? []
    guard !ordinals.isEmpty, ordinals.allSatisfy({ $0 >= 1 }) else {
      throw FaultConfigError("\(key).nth must be a non-empty list of ordinals from 1")
    }
    var status = 500
    if let s = r["status"] { status = try FaultConfig.status(s, "\(key).status") }
    self.init(method: method, ordinals: ordinals, status: status)
  }

  func json(withStatus: Bool) -> Value {
    var r = Record()
    r["method"] = .string(method?.rawValue ?? "*")
    r["nth"] = .list(ordinals.map(Value.int))
    if withStatus { r["status"] = .int(status) }
    return .record(r)
  }
}
