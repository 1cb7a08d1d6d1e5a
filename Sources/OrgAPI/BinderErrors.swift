import AstroCore
import Foundation

/// The usage errors of API builtins, each naming the field or flag and the way out.
extension CallBinder {
  /// `verify_managed_domain [organizationId] domainId`, for hints.
  var usageLine: String {
    var parts = [operation.name]
    for p in operation.pathParams {
      parts.append(p.name == "organizationId" ? "[\(p.name)]" : p.name)
    }
    if let body = operation.body { parts.append("[{\(body.name)} | --field value…]") }
    return "usage: " + parts.joined(separator: " ")
  }

  func usage(_ code: String, _ message: String, hint: String? = nil) -> ShellError {
    ShellError(
      .usage, code: code, message, hint: hint,
      details: Record([("operation", .string(operation.name))]))
  }

  func unknownFlag(_ name: String) -> ShellError {
    let shown = name.hasPrefix("-") ? name : "--\(name)"
    let suggestion = Suggest.closest(to: FlagNames.kebab(name), in: flagNames)
    return usage(
      "unknown_flag", "\(operation.name) has no flag '\(shown)'",
      hint: suggestion.map { "did you mean '--\($0)'?" }
        ?? (flagNames.isEmpty
          ? "\(operation.name) takes no flags"
          : "its flags: " + flagNames.map { "--\($0)" }.joined(separator: ", ")))
  }

  func missing(_ param: String) -> ShellError {
    let hint: String
    if param == "organizationId" {
      hint =
        "pass the organization id first, or set a default with 'use_organization ID' or "
        + "ASTRO_ORGANIZATION_ID"
    } else {
      hint = "pass it as an argument, or pipe in records that have an 'id' (\(usageLine))"
    }
    return usage("missing_argument", "\(operation.name) needs \(param)", hint: hint)
  }

  /// One error for every way the body breaks the contract, naming the fields.
  func invalid(_ violations: [Violation], model: Model) -> ShellError {
    let sentences = violations.map(\.sentence)
    var hint: String?
    if let first = violations.first {
      let top = String(first.path.prefix { $0 != "." && $0 != "[" })
      if first.message == "is required", model.field(top) != nil {
        hint = "pass --\(FlagNames.kebab(top)) or a body record with '\(top)'"
      } else if let enumValues = Self.allowedValues(at: first.path, in: model),
        case .string(let bad)? = Self.badValue(first.message)
      {
        hint = Suggest.hint(for: bad, in: enumValues)
      }
    }
    return ShellError(
      .usage, code: "invalid_body",
      "\(operation.name): " + sentences.joined(separator: "; "), hint: hint,
      details: Record([
        ("operation", .string(operation.name)),
        ("fields", .list(violations.map { .string($0.path) })),
      ]))
  }

  private static func badValue(_ message: String) -> Value? {
    guard let open = message.range(of: ", not '", options: .backwards), message.hasSuffix("'")
    else { return nil }
    return .string(String(message[open.upperBound...].dropLast()))
  }

  /// The enum values allowed at a violation's path, by walking the model.
  static func allowedValues(at path: String, in model: Model) -> [String]? {
    var schema = Schema.object(model)
    let keys = path.split(whereSeparator: { $0 == "." || $0 == "[" })
    for key in keys {
      if key.hasSuffix("]") {
        guard case .array(let item, _) = schema else { return nil }
        schema = item
        continue
      }
      switch schema {
      case .object(let m):
        guard let f = m.field(String(key)) else { return nil }
        schema = f.schema
      case .array(let item, _):
        schema = item
      default: return nil
      }
    }
    if case .array(let item, _) = schema { schema = item }
    if case .string(let rule) = schema { return rule.values }
    return nil
  }
}
