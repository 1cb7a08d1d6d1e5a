import AstroCore

/// One planned call of an operation: everything needed to build its HTTP request.
public struct APICall: Sendable {
  public var operation: Operation
  /// Path parameter values by name (unencoded).
  public var pathValues: [String: String]
  /// Query items in order, already rendered as strings; repeated names repeat.
  public var query: [(name: String, value: String)]
  /// The request body (a record) for operations that take one.
  public var body: Value?
  /// For the audit logs: the gzip bytes as they came, instead of decoded records.
  public var raw: Bool

  public init(
    operation: Operation, pathValues: [String: String] = [:],
    query: [(name: String, value: String)] = [], body: Value? = nil, raw: Bool = false
  ) {
    self.operation = operation
    self.pathValues = pathValues
    self.query = query
    self.body = body
    self.raw = raw
  }
}

/// What a call needs from whoever runs it: a way to notice Ctrl-C and a place for trace
/// and dry-run lines (standard error).
public struct CallIO: Sendable {
  public var isCancelled: @Sendable () -> Bool
  public var diagnostics: @Sendable (String) -> Void

  public init(
    isCancelled: @escaping @Sendable () -> Bool = { false },
    diagnostics: @escaping @Sendable (String) -> Void
  ) {
    self.isCancelled = isCancelled
    self.diagnostics = diagnostics
  }

  /// The IO of a builtin call.
  public init(_ context: any CallContext) {
    isCancelled = { [context] in context.isCancelled }
    diagnostics = { [context] line in context.writeError(line) }
  }
}

extension APICall {
  /// The HTTP request for this call, with the headers every request carries.
  /// `Authorization` is added only when the operation needs it and a token is known.
  public func request(token: String?) -> APIRequest {
    request(authorization: token.map(APICall.authorization))
  }

  /// The `Authorization` value for a token. The client makes it once per session, not
  /// once per request.
  static func authorization(_ token: String) -> String { "Bearer \(token)" }

  /// The request, with the `Authorization` value already made from the token.
  func request(authorization: String?) -> APIRequest {
    var headers: [(name: String, value: String)] = []
    headers.reserveCapacity(4)
    headers.append(("Accept", "application/json"))
    headers.append(("User-Agent", AstroshVersion.userAgent))
    if operation.requiresAuth, let authorization {
      headers.append(("Authorization", authorization))
    }
    var bytes: [UInt8]?
    if operation.body != nil {
      bytes = Array(JSON.serialize(body ?? .record(Record())).utf8)
      headers.append(("Content-Type", "application/json"))
    }
    return APIRequest(
      method: operation.method, path: operation.path(with: pathValues), query: query,
      headers: headers, body: bytes)
  }
}
