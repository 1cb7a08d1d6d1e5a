import AstroCore
import Foundation

/// Deterministic identifiers in the shapes the real API uses.
///
/// Every id is a pure function of a serial number and a fixed seed, so a fresh emulator
/// always mints the same ids in the same order: tests and README examples can quote them.
enum Identifiers {
  static let seed: UInt64 = 0x5EED_A57A_0000_0001

  /// The clock of serial 0: May 2024 in milliseconds.
  private static let clockBase: UInt64 = 1_714_550_400_000

  /// The last serial whose cuid's clock still fits its 8 base-36 characters. Past it the
  /// clock would wrap and ids could repeat, so a state file may not ask for more.
  static let maxSerial: UInt64 = (2_821_109_907_456 - 1 - clockBase) / 1000

  /// A cuid-shaped id: `c`, 8 "timestamp" characters, a 4-character counter, a 4-character
  /// fingerprint and 8 "random" characters, 25 lowercase alphanumerics in all.
  ///
  /// Any serial gives an id without trapping (the arithmetic wraps); ids are distinct only
  /// up to `maxSerial`.
  static func cuid(serial: UInt64, fingerprint: String = "emu0") -> String {
    // A plausible millisecond clock that moves one second per id (starts in May 2024).
    let clock = clockBase &+ serial &* 1000
    var out = "c"
    out += base36(clock, width: 8)
    out += base36(serial, width: 4)
    out += fingerprint
    out += base36(mix(seed ^ serial) % 2_821_109_907_456, width: 8)
    return out
  }

  /// The serial a minted cuid was made from, or nil for an id not minted here (the demo
  /// seed's, or one written by hand): the clock characters give the serial back, and the
  /// id must be exactly what that serial makes.
  static func serial(ofCuid id: String) -> UInt64? {
    let chars = Array(id.utf8)
    guard chars.count == 25, chars[0] == UInt8(ascii: "c") else { return nil }
    var clock: UInt64 = 0
    for c in chars[1..<9] {
      guard let digit = digits36.firstIndex(of: Character(UnicodeScalar(c))) else { return nil }
      clock = clock * 36 + UInt64(digit)
    }
    guard clock >= clockBase, (clock - clockBase) % 1000 == 0 else { return nil }
    let serial = (clock - clockBase) / 1000
    return cuid(serial: serial) == id ? serial : nil
  }

  /// An Auth0-style id with a prefix (`org_`, `con_`) and 16 alphanumerics.
  static func auth0(prefix: String, serial: UInt64) -> String {
    prefix + alphanumeric(mix(seed &+ serial &* 7), count: 16)
  }

  /// A 32-character bypass key.
  static func bypassKey(serial: UInt64) -> String {
    alphanumeric(mix(seed ^ (serial << 1)), count: 16)
      + alphanumeric(mix(seed ^ (serial << 1 | 1)), count: 16)
  }

  /// A UUID-shaped request id (version 4 layout), deterministic in `serial`.
  static func requestId(serial: UInt64) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(36)
    appendRequestId(serial: serial, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends a request id's ASCII bytes; the audit-log writer's fast path.
  static func appendRequestId(serial: UInt64, to bytes: inout [UInt8]) {
    let hi = mix(seed &+ serial)
    let lo = mix(~seed &+ serial)
    // 8-4-4-4-12 hex digits; the version nibble is 4 and the variant nibble is 'a'.
    for i in 0..<32 {
      if i == 8 || i == 12 || i == 16 || i == 20 { bytes.append(UInt8(ascii: "-")) }
      let word = i < 16 ? hi : lo
      var nibble = Int(word >> UInt64(60 - (i % 16) * 4) & 0xF)
      if i == 12 { nibble = 4 }
      if i == 16 { nibble = 10 }
      bytes.append(hexDigits[nibble])
    }
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// A subject id for an API token, so audit events name a stable subject without ever
  /// containing the token itself.
  static func subject(forToken token: String) -> String { subject(hash: hash(token)) }

  static func subject(hash: UInt64) -> String {
    cuid(serial: hash % 1_000_000, fingerprint: "sbj0")
  }

  /// FNV-1a, for deriving subject ids from tokens.
  static func hash(_ text: Substring.UTF8View) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }

  static func hash(_ text: String) -> UInt64 { hash(Substring(text).utf8) }

  /// SplitMix64's finaliser: a cheap, well-spread hash of a 64-bit value.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  private static let digits36 = Array("0123456789abcdefghijklmnopqrstuvwxyz")
  private static let digits62 = Array(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

  static func base36(_ value: UInt64, width: Int) -> String {
    var v = value
    var chars = [Character](repeating: "0", count: width)
    for i in stride(from: width - 1, through: 0, by: -1) {
      chars[i] = digits36[Int(v % 36)]
      v /= 36
    }
    return String(chars)
  }

  /// `count` base-62 characters; 10 characters use up about 60 bits, then the value is
  /// re-hashed for more.
  private static func alphanumeric(_ value: UInt64, count: Int) -> String {
    var state = value
    var out = ""
    for i in 0..<count {
      if i > 0, i % 10 == 0 { state = mix(state) }
      out.append(digits62[Int(state % 62)])
      state /= 62
    }
    return out
  }
}

/// UTC timestamps in the API's `YYYY-MM-DDTHH:MM:SSZ` form, written without Foundation's
/// formatters because a million audit records are stamped in one response.
enum Timestamp {
  static func format(_ date: Date) -> String {
    format(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
  }

  static func format(epochSeconds: Int64) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(20)
    append(epochSeconds: epochSeconds, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the timestamp's ASCII bytes; the audit-log writer's fast path.
  static func append(epochSeconds: Int64, to bytes: inout [UInt8]) {
    let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
    let secs = Int(epochSeconds - days * 86_400)
    let (year, month, day) = ISODate.civil(days: Int(days))
    digits(year, 4, &bytes)
    bytes.append(UInt8(ascii: "-"))
    digits(month, 2, &bytes)
    bytes.append(UInt8(ascii: "-"))
    digits(day, 2, &bytes)
    bytes.append(UInt8(ascii: "T"))
    digits(secs / 3600, 2, &bytes)
    bytes.append(UInt8(ascii: ":"))
    digits(secs / 60 % 60, 2, &bytes)
    bytes.append(UInt8(ascii: ":"))
    digits(secs % 60, 2, &bytes)
    bytes.append(UInt8(ascii: "Z"))
  }

  /// The whole-second instant of `date`; stored times drop fractions so that a state file
  /// read back compares equal to the state that wrote it.
  static func truncate(_ date: Date) -> Date {
    Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
  }

  private static func digits(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var v = value
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
      v %= divisor
      divisor /= 10
    }
  }
}
