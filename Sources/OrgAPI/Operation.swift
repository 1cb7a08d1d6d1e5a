import AstroCore

/// An HTTP method the Organization API uses. Updates are POSTs, never PUT or PATCH.
public enum HTTPMethod: String, Sendable {
  case get = "GET"
  case post = "POST"
  case delete = "DELETE"
}

/// A query parameter of an operation.
public struct QueryParam: Sendable {
  public var name: String
  public var schema: Schema
  public var required: Bool
  /// The server's default, shown by `help`.
  public var defaultValue: String?
  /// Repeated on the wire (`?sorts=a&sorts=b`).
  public var repeated: Bool
  public var description: String

  public init(
    _ name: String, _ schema: Schema, required: Bool = false, default defaultValue: String? = nil,
    repeated: Bool = false, _ description: String
  ) {
    self.name = name
    self.schema = schema
    self.required = required
    self.defaultValue = defaultValue
    self.repeated = repeated
    self.description = description
  }
}

/// What a successful call answers.
public enum ResponseShape: Sendable {
  /// 200 with one JSON object.
  case object(Model)
  /// 200 with a JSON array.
  case array(Schema)
  /// 204 with no body.
  case empty
  /// 200 with gzip-compressed NDJSON (the audit logs), whatever the spec's types say.
  case gzipNDJSON
}

/// One operation of the Organization API: the single source of truth from which the
/// builtins, `help`, completion, dry-run and the emulator's routing are all derived.
public struct Operation: Sendable {
  public var name: String
  public var method: HTTPMethod
  /// The path below the base URL, with `{name}` placeholders.
  public let path: String
  /// Path parameters in the documented (positional) order, with their descriptions.
  public var pathParams: [(name: String, description: String)]
  public var query: [QueryParam]
  public var body: Model?
  public var response: ResponseShape
  public var summary: String
  public var category: String
  public var requiresAuth: Bool
  public var examples: [Example]

  /// Whether the call changes state; dry runs print these instead of sending them.
  public var isMutating: Bool { method != .get }

  /// Whether replaying the call after an unknown outcome could do the work twice.
  /// Creates are not idempotent; updates, verify, upsert and deletes converge.
  public var isIdempotent: Bool { method == .get || !name.hasPrefix("create_") }

  /// The literal and placeholder segments of `path`, split once: the emulator routes
  /// every request through them.
  public let segments: [PathSegment]

  public init(
    name: String, method: HTTPMethod, path: String,
    pathParams: [(name: String, description: String)], query: [QueryParam], body: Model?,
    response: ResponseShape, summary: String, category: String, requiresAuth: Bool,
    examples: [Example]
  ) {
    self.name = name
    self.method = method
    self.path = path
    self.pathParams = pathParams
    self.query = query
    self.body = body
    self.response = response
    self.summary = summary
    self.category = category
    self.requiresAuth = requiresAuth
    self.examples = examples
    segments = path.split(separator: "/").map { part in
      if part.hasPrefix("{"), part.hasSuffix("}") {
        return .parameter(String(part.dropFirst().dropLast()))
      }
      return .literal(String(part))
    }
  }

  /// Fills the path template; values are percent-encoded as one path segment each.
  /// Built as bytes and decoded once: appending to a `String` piece by piece costs
  /// several times more, and this runs for every request.
  public func path(with values: [String: String]) -> String {
    guard !segments.isEmpty else { return "/" }
    var out: [UInt8] = []
    out.reserveCapacity(path.utf8.count + 64)
    for segment in segments {
      out.append(UInt8(ascii: "/"))
      switch segment {
      case .literal(let s): out.appendUTF8(of: s)
      case .parameter(let name): out.appendUTF8(of: PercentEncoding.pathSegment(values[name] ?? ""))
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Matches a request path (below the base URL, already split into decoded segments)
  /// and returns the path parameters, or nil when it is not this operation's path.
  public func match(segments parts: [String]) -> [String: String]? {
    guard segments.count == parts.count else { return nil }
    var params: [String: String] = [:]
    for (segment, part) in zip(segments, parts) {
      switch segment {
      case .literal(let s): if s != part { return nil }
      case .parameter(let name):
        if part.isEmpty { return nil }
        params[name] = part
      }
    }
    return params
  }
}

public enum PathSegment: Sendable, Equatable {
  case literal(String)
  case parameter(String)
}

/// Percent-encoding for the two places the client builds URLs.
public enum PercentEncoding {
  /// Letters, digits and `-._~`: tested by range, as this runs for every request.
  private static func isUnreserved(_ b: UInt8) -> Bool {
    switch b {
    case 48...57, 65...90, 97...122, 45, 46, 95, 126: return true
    default: return false
    }
  }

  public static func encode(_ s: String) -> String {
    // Ids are nearly always plain, and then go out as they are.
    if s.withUTF8Bytes({ $0.allSatisfy(isUnreserved) }) { return s }
    var out = ""
    for b in s.utf8 {
      if isUnreserved(b) {
        out.unicodeScalars.append(Unicode.Scalar(b))
      } else {
        out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return out
  }

  public static func pathSegment(_ s: String) -> String { encode(s) }

  /// Decodes `%XX` escapes (and `+` as space when `plusIsSpace`, for query strings).
  public static func decode(_ s: String, plusIsSpace: Bool = false) -> String {
    var bytes: [UInt8] = []
    var it = Array(s.utf8)[...]
    while let b = it.popFirst() {
      if b == UInt8(ascii: "%"), it.count >= 2,
        let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(v)
        it = it.dropFirst(2)
      } else if plusIsSpace, b == UInt8(ascii: "+") {
        bytes.append(UInt8(ascii: " "))
      } else {
        bytes.append(b)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

extension String {
  fileprivate func leftPadded(to n: Int) -> String {
    count >= n ? self : String(repeating: "0", count: n - count) + self
  }
}
