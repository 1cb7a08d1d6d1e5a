import AstroCore

/// The shape of a JSON value in the API's wire contract.
///
/// Request bodies are checked against these before a request leaves the client, and the
/// emulator checks incoming bodies with the same code, so both sides agree on every 400.
public indirect enum Schema: Sendable {
  case string(StringRule)
  case integer
  case boolean
  case dateTime
  case object(Model)
  case array(Schema, minItems: Int?)
  /// A JSON object whose values all have one schema (`entitlements`, token claims).
  case map(Schema)
  /// Any JSON object.
  case freeform
  case any

  public static let text = Schema.string(StringRule())

  public static func oneOf(_ values: [String]) -> Schema { .string(StringRule(values: values)) }

  public static func list(_ item: Schema, minItems: Int? = nil) -> Schema {
    .array(item, minItems: minItems)
  }

  /// The type as `help` prints it.
  public var displayName: String {
    switch self {
    case .string(let rule):
      if let values = rule.values { return values.joined(separator: "|") }
      return "string"
    case .integer: return "int"
    case .boolean: return "bool"
    case .dateTime: return "datetime"
    case .object(let m): return m.name
    case .array(let item, _): return "list<\(item.displayName)>"
    case .map(let v): return "record<string, \(v.displayName)>"
    case .freeform: return "record"
    case .any: return "any"
    }
  }
}

/// Constraints on a string.
public struct StringRule: Sendable {
  public var values: [String]?
  public var minLength: Int?
  public var maxLength: Int?

  public init(values: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil) {
    self.values = values
    self.minLength = minLength
    self.maxLength = maxLength
  }
}

/// One key of a model.
public struct Field: Sendable {
  public var name: String
  public var schema: Schema
  public var required: Bool
  /// Secret values are replaced by a redaction marker in traces, errors and dry runs,
  /// and masked in tables.
  public var secret: Bool

  public init(_ name: String, _ schema: Schema, required: Bool = false, secret: Bool = false) {
    self.name = name
    self.schema = schema
    self.required = required
    self.secret = secret
  }
}

/// A named object model of the contract (`ManagedDomain`, `CreateSsoConnectionRequest`, …).
public struct Model: Sendable {
  public var name: String
  public var fields: [Field]

  public init(_ name: String, _ fields: [Field]) {
    self.name = name
    self.fields = fields
  }

  public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
  public var requiredFields: [Field] { fields.filter(\.required) }
}

/// One way a value breaks its schema.
public struct Violation: Sendable, Equatable {
  /// Where, in JSON-path style: `configuration.strategy`, `managedDomains[0].id`.
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  /// The sentence used in client errors and in the emulator's 400 bodies.
  public var sentence: String { path.isEmpty ? message : "field '\(path)' \(message)" }
}
