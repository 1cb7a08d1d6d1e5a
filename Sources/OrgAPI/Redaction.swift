import AstroCore

/// Replaces secrets by a marker wherever text leaves the client for a human: traces,
/// dry-run lines and error messages.
///
/// It knows the secret keys of the contract (`bypassKey`, `azureClientSecret`,
/// `samlSigningCert`) and the literal values it was given (the API token), and catches
/// them in parsed values, in JSON text that may be truncated or malformed, and in URLs.
public struct Redactor: Sendable {
  /// What stands in place of a secret.
  public static let marker = "[redacted]"

  public var secretKeys: Set<String>
  /// Literal secret values, such as the token, replaced wherever they appear.
  public var secretValues: [String]

  public init(
    secretKeys: Set<String> = Operations.secretKeys, secretValues: [String] = []
  ) {
    self.secretKeys = secretKeys
    // Very short values would blank out ordinary text; a real token is long.
    self.secretValues = secretValues.filter { $0.count >= 4 }
  }

  /// A copy of `value` with every secret key's value replaced, at any depth.
  public func redact(_ value: Value) -> Value {
    switch value {
    case .record(let r):
      var out = Record()
      out.reserveCapacity(r.count)
      for (k, v) in r.pairs {
        let secret = secretKeys.contains(k) && !v.isNull
        out.appendUnchecked(k, secret ? .string(Redactor.marker) : redact(v))
      }
      return .record(out)
    case .list(let items): return .list(items.map(redact))
    case .string(let s): return .string(redact(text: s))
    default: return value
    }
  }

  /// Redacts JSON text: parsed and rewritten when it is valid JSON, otherwise scrubbed
  /// textually so that a truncated body still hides `"bypassKey": "…"`.
  public func redact(json text: String) -> String {
    if let value = try? JSON.parse(text) { return JSON.serialize(redact(value)) }
    return redact(text: scrubKeys(in: text))
  }

  /// Redacts JSON bytes, tolerating bytes that are not UTF-8.
  public func redact(json bytes: [UInt8]) -> String {
    redact(json: String(decoding: bytes, as: UTF8.self))
  }

  /// Replaces the literal secret values in free text.
  public func redact(text: String) -> String {
    var out = text
    for secret in secretValues where out.contains(secret) {
      out = out.replacing(secret, with: Redactor.marker)
    }
    return out
  }

  /// Redacts a request target (`/path?query`): secret query parameters and the bypass
  /// key that the AuthApi path carries as a segment.
  public func redact(target: String) -> String {
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    for i in path.indices.dropLast() where path[i] == "sso-bypass-keys" {
      path[i + 1] = Redactor.marker
    }
    var out = path.joined(separator: "/")
    if parts.count > 1 {
      let items = parts[1].split(separator: "&").map { item -> String in
        let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        return secretKeys.contains(PercentEncoding.decode(name))
          ? "\(name)=\(Redactor.marker)" : String(item)
      }
      out += "?" + items.joined(separator: "&")
    }
    return redact(text: out)
  }

  /// The Authorization header as it may be shown.
  public static func authorization(_ value: String) -> String {
    if value.lowercased().hasPrefix("bearer ") { return "Bearer \(marker)" }
    return marker
  }

  /// Blanks `"key": "value"` pairs of secret keys in text that is not valid JSON,
  /// including a value cut off by the end of the text.
  private func scrubKeys(in text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    for key in secretKeys {
      let needle = Array("\"\(key)\"".unicodeScalars)
      var i = 0
      while let at = scalars.firstRange(of: needle, from: i) {
        i = at.upperBound
        var j = i
        while j < scalars.count, scalars[j] == " " || scalars[j] == ":" || scalars[j] == "\n" {
          j += 1
        }
        guard j < scalars.count, scalars[j] == "\"" else { continue }
        var end = j + 1
        while end < scalars.count, scalars[end] != "\"" {
          end += scalars[end] == "\\" ? 2 : 1
        }
        let replacement = Array("\"\(Redactor.marker)\"".unicodeScalars)
        scalars.replaceSubrange(j..<min(end + 1, scalars.count), with: replacement)
        i = j + replacement.count
      }
    }
    var out = ""
    out.unicodeScalars.append(contentsOf: scalars)
    return out
  }
}

extension Array where Element: Equatable {
  fileprivate func firstRange(of needle: [Element], from start: Int) -> Range<Int>? {
    guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else {
      return nil
    }
    for i in start...(count - needle.count) where self[i] == needle[0] {
      if self[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
    }
    return nil
  }
}
