import AstroCore

extension Schema {
  /// Every way `value` breaks this schema; empty when it conforms. Unknown keys are allowed,
  /// as the generated clients allow them.
  public func violations(of value: Value, at path: String = "") -> [Violation] {
    var found: [Violation] = []
    check(value, at: path, into: &found)
    return found
  }

  private func check(_ value: Value, at path: String, into found: inout [Violation]) {
    func fail(_ message: String) { found.append(Violation(path: path, message: message)) }
    switch self {
    case .any: return
    case .string(let rule):
      guard case .string(let s) = value else {
        return fail("must be a string, not \(value.typeName)")
      }
      if let values = rule.values, !values.contains(s) {
        fail("must be one of \(values.joined(separator: ", ")), not '\(s)'")
      }
      if let min = rule.minLength, s.count < min { fail("must be at least \(min) characters long") }
      if let max = rule.maxLength, s.count > max { fail("must be at most \(max) characters long") }
    case .integer:
      guard case .int = value else { return fail("must be an integer, not \(value.typeName)") }
    case .boolean:
      guard case .bool = value else { return fail("must be a boolean, not \(value.typeName)") }
    case .dateTime:
      guard case .string(let s) = value, ISODate.parse(s) != nil else {
        if case .date = value { return }
        return fail("must be an ISO-8601 date-time string")
      }
    case .freeform:
      guard case .record = value else { return fail("must be an object, not \(value.typeName)") }
    case .map(let valueSchema):
      guard case .record(let r) = value else {
        return fail("must be an object, not \(value.typeName)")
      }
      for (k, v) in r.pairs { valueSchema.check(v, at: join(path, k), into: &found) }
    case .array(let item, let minItems):
      guard case .list(let items) = value else {
        return fail("must be a list, not \(value.typeName)")
      }
      if let minItems, items.count < minItems {
        fail(minItems == 1 ? "must not be empty" : "must have at least \(minItems) items")
      }
      for (i, v) in items.enumerated() { item.check(v, at: "\(path)[\(i)]", into: &found) }
    case .object(let model):
      guard case .record(let r) = value else {
        return fail("must be an object, not \(value.typeName)")
      }
      for field in model.fields {
        let fieldPath = join(path, field.name)
        guard let v = r[field.name], !v.isNull else {
          if field.required { found.append(Violation(path: fieldPath, message: "is required")) }
          continue
        }
        field.schema.check(v, at: fieldPath, into: &found)
      }
    }
  }

  private func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }
}
