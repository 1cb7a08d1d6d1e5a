import AstroCore

/// Turns the arguments of an API builtin into an `APICall`, checking everything the
/// contract says before any request is sent.
///
/// Where each path parameter comes from, first match wins: a positional argument (in the
/// documented order), a flag (`--domain-id`), the piped record's field of the same name,
/// the piped record's `id` (for the last path parameter), and for
/// `organizationId` the default organization. Without piped items the organization may
/// be left out of the arguments: `get_managed_domain d1`.
public struct CallBinder: Sendable {
  public let operation: Operation
  /// Flags that are not part of the operation but of the builtin (`raw`, `keep-going`).
  public let extraFlags: Set<String>
  /// The path parameters' names in positional order, listed once rather than per item.
  private let params: [String]

  public init(operation: Operation, extraFlags: Set<String> = []) {
    self.operation = operation
    self.extraFlags = extraFlags
    params = operation.pathParams.map(\.name)
  }

  /// The flag arguments, sorted by what they set. Unknown flags fail here, once, before
  /// any item of a bulk run is processed.
  public struct Flags: Sendable {
    public var path: [String: String] = [:]
    public var query: [String: Value] = [:]
    public var body: [String: Value] = [:]
    /// Builtin flags such as `raw`, by normalized name.
    public var extra: [String: Value] = [:]
  }

  /// Sorts and coerces flags; unknown ones get a did-you-mean over the valid spellings.
  public func flags(_ raw: [String: Value]) throws -> Flags {
    var out = Flags()
    for (name, value) in raw.sorted(by: { $0.key < $1.key }) {
      let key = FlagNames.normalized(name)
      if let extra = extraFlags.first(where: { FlagNames.normalized($0) == key }) {
        out.extra[FlagNames.normalized(extra)] = value
      } else if let p = operation.pathParams.first(where: { FlagNames.normalized($0.name) == key })
      {
        out.path[p.name] = try scalarText(value, flag: name)
      } else if let q = operation.query.first(where: { FlagNames.normalized($0.name) == key }) {
        out.query[q.name] = try coerceFlag(value, to: q.schema, flag: name, repeated: q.repeated)
      } else if let f = operation.body?.fields.first(where: { FlagNames.normalized($0.name) == key }
      ) {
        out.body[f.name] = try coerceFlag(value, to: f.schema, flag: name, repeated: false)
      } else {
        throw unknownFlag(name)
      }
    }
    return out
  }

  /// Every flag spelling `help` shows for this operation, kebab-case, without dashes.
  public var flagNames: [String] {
    operation.pathParams.map { FlagNames.kebab($0.name) }
      + operation.query.map { FlagNames.kebab($0.name) }
      + (operation.body?.fields.map { FlagNames.kebab($0.name) } ?? []) + extraFlags.sorted()
  }

  /// Builds the call for one item (nil when nothing is piped in).
  public func bind(
    positional: [Value], flags: Flags, item: Value?, defaultOrganization: String?,
    raw: Bool = false
  ) throws -> APICall {
    var (pathArgs, bodyArg) = try splitPositional(positional)
    var path: [String: String] = [:]
    path.reserveCapacity(params.count)
    // One argument short means the organization was left out: `verify_managed_domain d1`
    // verifies d1 in the organization of `--organization-id`, of the piped record, or
    // the default one. The argument means the same whether or not a record is piped in
    // (a block's input flows into its first command, so `each { verify_managed_domain
    // $it.id }` has one): it is never taken for the organization.
    if params.count >= 2, pathArgs.count == params.count - 1, params[0] == "organizationId" {
      let org =
        flags.path["organizationId"]
        ?? fromItem(item, param: "organizationId", isLast: false) ?? defaultOrganization
      guard let org, !org.isEmpty else { throw missing("organizationId") }
      pathArgs.insert(org, at: 0)
    }
    for (i, name) in params.enumerated() {
      if i < pathArgs.count {
        path[name] = pathArgs[i]
      } else if let v = flags.path[name] {
        path[name] = v
      } else if let v = fromItem(item, param: name, isLast: i == params.count - 1) {
        path[name] = v
      } else if name == "organizationId", let org = defaultOrganization {
        path[name] = org
      } else {
        throw missing(name)
      }
    }
    // An empty id would collapse the path onto another operation's
    // (`POST /organizations/` creates an organization), so it never goes out.
    // `.` and `..` would be folded by a proxy that normalises paths, sending the call to
    // another resource.
    for name in params {
      let value = path[name] ?? ""
      if Self.isBlank(value) {
        throw usage(
          "empty_argument", "\(operation.name): \(name) is empty",
          hint: "give a non-empty id; an empty CSV cell or a missing field is a common cause")
      }
      // A NUL or line break in an id is never meant, and a server that reads paths as C
      // strings would cut the id there and act on another object.
      if value == "." || value == ".."
        || value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
      {
        throw usage(
          "invalid_argument",
          "\(operation.name): '\(value.escapingControls(keepingLineBreaks: false))' is not a "
            + "valid \(name)")
      }
    }
    if bodyArg == nil, operation.body != nil, case .record(let r)? = item {
      bodyArg = try bodyFromItem(r)
    }
    let body = try buildBody(bodyArg, flags: flags.body)
    let query = try buildQuery(flags.query)
    return APICall(
      operation: operation, pathValues: path, query: query, body: body, raw: raw)
  }

  /// Empty or only white space. A visible ASCII first character settles it at once,
  /// as it does for every real id; only the rest is looked at character by character.
  static func isBlank(_ value: String) -> Bool {
    if let first = value.utf8.first, first > 32, first < 127 { return false }
    return value.allSatisfy(\.isWhitespace)
  }

  // MARK: Positional arguments

  private func splitPositional(_ args: [Value]) throws -> ([String], Record?) {
    var path: [String] = []
    var body: Record?
    for arg in args {
      if case .record(let r) = arg {
        guard operation.body != nil else {
          throw usage(
            "unexpected_body", "\(operation.name) takes no body, but a record was given",
            hint: usageLine)
        }
        guard body == nil else {
          throw usage("unexpected_body", "\(operation.name) takes one body record, not two")
        }
        body = r
        continue
      }
      guard path.count < operation.pathParams.count else {
        throw usage(
          "too_many_arguments",
          "\(operation.name) takes \(operation.pathParams.count) path argument"
            + (operation.pathParams.count == 1 ? "" : "s") + ", but more were given",
          hint: usageLine)
      }
      path.append(try scalarText(arg, flag: operation.pathParams[path.count].name))
    }
    return (path, body)
  }

  /// Only records fill parameters: a bare string or number flowing in may just be the
  /// input of the closure the call sits in (`each {|n| create_managed_domain …}`).
  /// What a piped item gives a path parameter: a record's field of that name (or its `id`
  /// for the last parameter), or a piped string, which is the last parameter itself, so
  /// `["d1", "d2"] | verify_managed_domain` verifies both.
  private func fromItem(_ item: Value?, param: String, isLast: Bool) -> String? {
    if isLast, case .string(let id)? = item { return id }
    guard case .record(let r)? = item else { return nil }
    if let v = r[param], let s = try? scalarText(v, flag: param) { return s }
    if isLast, let v = r["id"], let s = try? scalarText(v, flag: param) { return s }
    return nil
  }

  // MARK: Body and query

  /// The fields of a piped record that the body model names, in any spelling; a CSV row
  /// with an `enforced_logins` column fills `enforcedLogins`.
  private func bodyFromItem(_ item: Record) throws -> Record {
    guard let model = operation.body else { return Record() }
    var out = Record()
    for field in model.fields {
      let key = FlagNames.normalized(field.name)
      guard let (name, value) = item.pairs.first(where: { FlagNames.normalized($0.0) == key }),
        !value.isNull
      else { continue }
      out[field.name] =
        name == field.name && !isCSVText(value, for: field.schema)
        ? value : try coerceFlag(value, to: field.schema, flag: name, repeated: false)
    }
    return out
  }

  private func isCSVText(_ value: Value, for schema: Schema) -> Bool {
    guard case .string = value else { return false }
    switch schema {
    case .string: return false
    default: return true
    }
  }

  private func buildBody(_ base: Record?, flags: [String: Value]) throws -> Value? {
    guard let model = operation.body else { return nil }
    var body = base ?? Record()
    for field in model.fields {
      if let v = flags[field.name] { body[field.name] = v }
    }
    body = Self.integersAsText(.record(body), for: .object(model)).recordValue ?? body
    let violations = Schema.object(model).violations(of: .record(body))
    if !violations.isEmpty { throw invalid(violations, model: model) }
    return .record(body)
  }

  /// Whole numbers where the schema wants text, as their digits: a CSV cell `123`
  /// (a connection name, an id) is read as a number, and the API would refuse it. The
  /// change loses nothing; other mismatches are left for validation to report.
  static func integersAsText(_ value: Value, for schema: Schema) -> Value {
    switch (schema, value) {
    case (.string, .int(let n)): return .string(String(n))
    case (.object(let model), .record(var r)):
      for field in model.fields {
        if let v = r[field.name] { r[field.name] = integersAsText(v, for: field.schema) }
      }
      return .record(r)
    case (.array(let item, _), .list(let items)):
      return .list(items.map { integersAsText($0, for: item) })
    default: return value
    }
  }

  private func buildQuery(_ values: [String: Value]) throws -> [(name: String, value: String)] {
    var out: [(name: String, value: String)] = []
    for param in operation.query {
      guard let value = values[param.name], !value.isNull else {
        if param.required {
          throw usage(
            "missing_argument", "\(operation.name) needs --\(FlagNames.kebab(param.name))",
            hint: usageLine)
        }
        continue
      }
      let items = param.repeated ? (value.listValue ?? [value]) : [value]
      for item in items {
        let problems = param.schema.violations(of: item)
        if let first = problems.first {
          throw usage(
            "invalid_argument",
            "\(operation.name): flag '--\(FlagNames.kebab(param.name))' \(first.message)")
        }
        out.append((param.name, queryText(item)))
      }
    }
    return out
  }

  private func queryText(_ value: Value) -> String {
    switch value {
    case .string(let s): return s
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d): return JSON.formatDouble(d)
    default: return JSON.serialize(value)
    }
  }
}
