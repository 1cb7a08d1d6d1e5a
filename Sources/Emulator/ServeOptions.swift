import OrgAPI

#if canImport(Glibc)
  import Glibc
#endif

/// A wrong `astrosh serve` command line; the message says what to fix.
struct ServeUsageError: Error, Equatable {
  var message: String
  init(_ message: String) { self.message = message }
}

/// The command line of `astrosh serve`.
struct ServeOptions: Equatable {
  /// How many synthetic audit events may be asked for, by option or control endpoint: a
  /// hundred million already stream for minutes.
  static let auditEventRange = 0...100_000_000

  var host = "127.0.0.1"
  var port: UInt16 = ServeOptions.defaultPort
  var stateFile: String?
  var token: String?
  var threads = 4
  var quiet = false
  var help = false
  var auditEvents = 0
  var faults = FaultConfig.none

  static let defaultPort: UInt16 = 4010

  static let usage = """
    usage: astrosh serve [--host ADDR] [--port N] [--state FILE] [--token T] [--quiet]
                         [fault options]

    Serves the Organization API emulator over HTTP/1.1 under /v1alpha1, seeded with a demo
    organization. Every request needs 'Authorization: Bearer <token>' (any non-empty token
    unless --token pins one), except GET /organizationAuthIds.

    options:
      --host ADDR             numeric address to bind (default 127.0.0.1, loopback only)
      --port N                port to listen on; 0 picks a free one (default 4010)
      --state FILE            load the state from FILE and save it there after every change
      --token T               accept only this bearer token
      --threads N             HTTP polling threads (default 4)
      --audit-events N        add N synthetic audit events to the demo organization
      --quiet                 do not log one line per request on stderr

    fault options (also settable at run time through POST /_emulator/faults):
      --rate-limit METHOD=N   allow N requests per second for METHOD, then 429 + Retry-After
      --fail-share P[:STATUS] answer a share P (0-1) of requests with STATUS (default 503)
      --fail-nth [METHOD:]N,M[:STATUS]
                              answer the Nth and Mth request (of METHOD) with STATUS (500)
      --latency [METHOD=]MS   wait MS milliseconds before answering (every method or one)
      --drop-share P          close a share P of connections without answering
      --drop-nth [METHOD:]N,M close the Nth and Mth request's connection without answering
      --fail-verify PATTERN   verification of domains matching PATTERN (* wildcard) fails
      --fault-seed N          seed of the generator behind --fail-share and --drop-share

    control endpoint (same bearer token; also under /v1alpha1/_emulator/...):
      GET  /_emulator/faults        the fault configuration as JSON
      POST /_emulator/faults        replace it, e.g. {"rateLimits": {"POST": 5},
                                    "failNth": [{"method": "POST", "nth": [3], "status": 500}]};
                                    {} clears every fault
      POST /_emulator/reset         restore the demo organization
      POST /_emulator/audit-events  {"count": N}: N synthetic audit events (last 23 hours)

    SIGINT or SIGTERM stops the server; with --state every change is already saved.
    """

  static let valued: Set<String> = [
    "host", "port", "state", "token", "threads", "audit-events", "rate-limit", "fail-share",
    "fail-nth", "latency", "drop-share", "drop-nth", "fail-verify", "fault-seed",
  ]

  static func parse(_ arguments: [String]) throws(ServeUsageError) -> ServeOptions {
    var o = ServeOptions()
    var rest = arguments[...]
    while let arg = rest.popFirst() {
      guard arg.hasPrefix("--") else {
        throw ServeUsageError("unexpected argument '\(arg)'; serve takes only options")
      }
      var name = String(arg.dropFirst(2))
      var value: String?
      if let eq = name.firstIndex(of: "=") {
        value = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      switch name {
      case "help", "quiet":
        if value != nil { throw ServeUsageError("'--\(name)' takes no value") }
        if name == "help" { o.help = true } else { o.quiet = true }
      case _ where valued.contains(name):
        guard let v = value ?? rest.popFirst() else {
          throw ServeUsageError("'--\(name)' needs a value")
        }
        try o.apply(name, v)
      default:
        throw ServeUsageError("unknown option '--\(name)'")
      }
    }
    return o
  }

  private mutating func apply(_ name: String, _ v: String) throws(ServeUsageError) {
    switch name {
    case "host":
      // The emulator takes any token by default: it must not be reachable from elsewhere.
      guard Self.isLoopback(v) else {
        throw ServeUsageError(
          "'--host' must be a numeric loopback address such as 127.0.0.1 or ::1, not '\(v)'")
      }
      host = v
    case "port": port = UInt16(try Self.number(v, name, in: 0...65535))
    case "state": stateFile = v
    case "token":
      guard !v.isEmpty else { throw ServeUsageError("'--token' must not be empty") }
      token = v
    case "threads": threads = try Self.number(v, name, in: 1...64)
    case "audit-events": auditEvents = try Self.number(v, name, in: Self.auditEventRange)
    case "rate-limit":
      let (method, text) = try Self.methodPrefixed(v, name, separator: "=", required: true)
      guard let rate = Double(text), rate > 0 else {
        throw ServeUsageError("'--rate-limit' needs METHOD=N with N > 0, not '\(v)'")
      }
      faults.rateLimits[method!] = rate
    case "fail-share":
      let parts = v.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      faults.failShare = try Self.share(parts[0], name)
      if parts.count > 1 { faults.failStatus = try Self.status(parts[1], name) }
    case "fail-nth": faults.failNth.append(try Self.nthRule(v, name, withStatus: true))
    case "latency":
      let (method, text) = try Self.methodPrefixed(v, name, separator: "=", required: false)
      let ms = try Self.number(text, name, in: 0...FaultConfig.maxLatencyMs)
      if let method { faults.latencyMs[method] = ms } else { faults.latencyAllMs = ms }
    case "drop-share": faults.dropShare = try Self.share(v, name)
    case "drop-nth": faults.dropNth.append(try Self.nthRule(v, name, withStatus: false))
    case "fail-verify": faults.failVerify.append(v)
    default:
      faults.seed = UInt64(try Self.number(v, name, in: 0...Int.max))
    }
  }

  /// 127.0.0.0/8 or ::1. (An IPv4 address mapped into IPv6 cannot be bound as such.)
  static func isLoopback(_ host: String) -> Bool {
    var v4 = in_addr()
    if inet_pton(AF_INET, host, &v4) == 1 {
      return UInt32(bigEndian: v4.s_addr) >> 24 == 127
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
    return withUnsafeBytes(of: &v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
  }

  private static func number(_ v: String, _ name: String, in range: ClosedRange<Int>)
    throws(ServeUsageError) -> Int
  {
    guard let n = Int(v), range.contains(n) else {
      throw ServeUsageError(
        "'--\(name)' needs a whole number from \(range.lowerBound) to \(range.upperBound), "
          + "not '\(v)'")
    }
    return n
  }

  private static func share(_ v: String, _ name: String) throws(ServeUsageError) -> Double {
    guard let d = Double(v), d >= 0, d <= 1 else {
      throw ServeUsageError("'--\(name)' needs a share from 0 to 1, not '\(v)'")
    }
    return d
  }

  private static func status(_ v: String, _ name: String) throws(ServeUsageError) -> Int {
    guard let s = Int(v), (500...599).contains(s) else {
      throw ServeUsageError("'--\(name)' needs a 5xx status such as 500 or 503, not '\(v)'")
    }
    return s
  }

  /// Splits `METHOD<sep>rest`; the method is optional unless `required`.
  private static func methodPrefixed(
    _ v: String, _ name: String, separator: Character, required: Bool
  ) throws(ServeUsageError) -> (HTTPMethod?, String) {
    guard let cut = v.firstIndex(of: separator) else {
      if required { throw ServeUsageError("'--\(name)' needs METHOD\(separator)VALUE, not '\(v)'") }
      return (nil, v)
    }
    let word = v[..<cut].uppercased()
    guard let method = HTTPMethod(rawValue: word) else {
      throw ServeUsageError("'--\(name)': '\(v[..<cut])' is not GET, POST or DELETE")
    }
    return (method, String(v[v.index(after: cut)...]))
  }

  /// `[METHOD:]N,M[:STATUS]`.
  private static func nthRule(_ v: String, _ name: String, withStatus: Bool)
    throws(ServeUsageError) -> NthRule
  {
    var parts = v.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    var method: HTTPMethod?
    if let first = parts.first, let m = HTTPMethod(rawValue: first.uppercased()) {
      method = m
      parts.removeFirst()
    }
    var status = 500
    if withStatus, parts.count == 2 { status = try Self.status(parts.removeLast(), name) }
    let ordinals = parts.count == 1 ? parts[0].split(separator: ",").compactMap { Int($0) } : []
    guard parts.count == 1, !ordinals.isEmpty,
      ordinals.count == parts[0].split(separator: ",").count, ordinals.allSatisfy({ $0 >= 1 })
    else {
      let shape = withStatus ? "[METHOD:]N,M[:STATUS]" : "[METHOD:]N,M"
      throw ServeUsageError("'--\(name)' needs \(shape) with ordinals from 1, not '\(v)'")
    }
    return NthRule(method: method, ordinals: ordinals, status: status)
  }
}
