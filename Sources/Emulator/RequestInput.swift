import AstroCore
import OrgAPI

/// Reads and checks what a request carries: the query string against the operation's
/// query parameters, the body against its model. Every rule broken is a 400.
enum RequestInput {
  /// The query as name -> values, after checking every parameter the operation declares.
  /// Unknown parameters are ignored, as the real API's clients assume.
  static func query(_ request: APIRequest, for op: Operation) throws(APIFailure) -> [String:
    [String]]
  {
    var values: [String: [String]] = [:]
    for item in request.query { values[item.name, default: []].append(item.value) }
    var problems: [String] = []
    for param in op.query {
      guard let given = values[param.name], !given.isEmpty else {
        if param.required { problems.append("query parameter '\(param.name)' is required") }
        continue
      }
      for value in param.repeated ? given : [given[0]] {
        if let problem = check(value, of: param) { problems.append(problem) }
      }
    }
    if op.name == "list_organization_auth_ids", let email = values["email"]?.first,
      emailDomain(email) == nil
    {
      problems.append("query parameter 'email' must be an email address, not '\(email)'")
    }
    if !problems.isEmpty { throw .invalid(problems.joined(separator: "; ")) }
    return values
  }

  /// The body parsed and checked against the operation's model; nil for operations
  /// without a body, whose body is ignored.
  static func body(_ request: APIRequest, for op: Operation) throws(APIFailure) -> Value? {
    guard let model = op.body else { return nil }
    guard let bytes = request.body, bytes.contains(where: { !isSpace($0) }) else {
      throw .invalid("a JSON request body (\(model.name)) is required")
    }
    let value: Value
    do {
      value = try bytes.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
    } catch {
      throw .invalid("the request body is not valid JSON: \(error)")
    }
    let violations = Schema.object(model).violations(of: value)
    guard violations.isEmpty else {
      let sentences = violations.map { v in
        v.path.isEmpty ? "the request body \(v.message)" : v.sentence
      }
      throw .invalid(sentences.joined(separator: "; "))
    }
    return value
  }

  /// The lower-cased domain of an email address, or nil when it is not one.
  static func emailDomain(_ email: String) -> String? {
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
      !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
    else { return nil }
    return parts[1].lowercased()
  }

  /// Query booleans are read case-insensitively: the generated Python client sends `True`.
  static func bool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true": return true
    case "false": return false
    default: return nil
    }
  }

  private static func check(_ value: String, of param: QueryParam) -> String? {
    let name = "query parameter '\(param.name)'"
    if param.name == "earliest" {
      guard let days = Int(value), (1...90).contains(days) else {
        return "\(name) must be a whole number of days from 1 to 90, not '\(value)'"
      }
      return nil
    }
    if param.name == "sorts" { return checkSort(value) }
    switch param.schema {
    case .boolean:
      return bool(value) == nil ? "\(name) must be true or false, not '\(value)'" : nil
    case .integer:
      return Int(value) == nil ? "\(name) must be an integer, not '\(value)'" : nil
    case .string(let rule):
      if let allowed = rule.values, !allowed.contains(value) {
        return "\(name) must be one of \(allowed.joined(separator: ", ")), not '\(value)'"
      }
      return nil
    default:
      return nil
    }
  }

  static let sortFields = [
    "authServiceId", "createdAt", "id", "name", "product", "shortName", "supportPlan",
    "updatedAt",
  ]

  private static func checkSort(_ value: String) -> String? {
    let parts = value.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, sortFields.contains(String(parts[0])),
      parts[1] == "asc" || parts[1] == "desc"
    else {
      return "query parameter 'sorts' must be field:asc or field:desc with field one of "
        + "\(sortFields.joined(separator: ", ")), not '\(value)'"
    }
    return nil
  }

  private static func isSpace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
  }
}
