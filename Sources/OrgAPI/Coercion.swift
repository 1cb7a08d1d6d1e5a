import AstroCore

/// Flag values arrive as the language parsed them, or as CSV text; these helpers bring
/// them to the type the contract wants (`sso,password` to a list, `"true"` to a bool),
/// leaving anything unconvertible alone for validation to report.
extension CallBinder {
  func coerceFlag(_ value: Value, to schema: Schema, flag: String, repeated: Bool) throws -> Value {
    if repeated {
      return .list(listItems(value).map { coerce($0, to: schema) })
    }
    return coerce(value, to: schema)
  }

  func coerce(_ value: Value, to schema: Schema) -> Value {
    switch (schema, value) {
    case (.string, .int(let i)): return .string(String(i))
    case (.string, .float(let d)): return .string(JSON.formatDouble(d))
    case (.string, .bool(let b)): return .string(b ? "true" : "false")
    case (.integer, .string(let s)): return Int(s.trimmingSpaces).map(Value.int) ?? value
    case (.integer, .float(let d)) where d.rounded() == d: return .int(Int(d))
    case (.boolean, .string(let s)): return Self.boolean(s).map(Value.bool) ?? value
    case (.boolean, .int(let i)) where i == 0 || i == 1: return .bool(i == 1)
    case (.array(let item, _), _):
      if case .record = value { return .list([coerce(value, to: item)]) }
      return .list(listItems(value).map { coerce($0, to: item) })
    default: return value
    }
  }

  /// A list, or a comma-separated string split into items.
  private func listItems(_ value: Value) -> [Value] {
    switch value {
    case .list(let items): return items
    case .string(let s):
      return s.split(separator: ",").map { .string(String($0).trimmingSpaces) }
        .filter { $0.stringValue?.isEmpty == false }
    default: return [value]
    }
  }

  static func boolean(_ s: String) -> Bool? {
    switch s.trimmingSpaces.lowercased() {
    case "true", "yes", "1", "on": return true
    case "false", "no", "0", "off": return false
    default: return nil
    }
  }

  /// A path value: strings as they are, numbers in their plain form.
  func scalarText(_ value: Value, flag: String) throws -> String {
    switch value {
    case .string(let s): return s
    case .int(let i): return String(i)
    default:
      throw usage(
        "invalid_argument",
        "\(operation.name): '\(flag)' must be a string, not \(value.typeName)", hint: usageLine)
    }
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
