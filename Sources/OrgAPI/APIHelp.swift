import AstroCore

/// The help text of the API builtins, generated from the operation table: method and
/// path, parameters, body fields with types, enums and required marks, query flags.
enum APIHelp {
  static func abstract(_ op: Operation) -> String {
    guard let first = op.summary.first else { return op.summary }
    return first.lowercased() + op.summary.dropFirst()
  }

  static func outputName(_ shape: ResponseShape) -> String {
    switch shape {
    case .object(let m): return m.name
    case .array(let item): return "list<\(item.displayName)>"
    case .empty: return "nothing"
    case .gzipNDJSON: return "stream<record> (binary with --raw)"
    }
  }

  static func details(_ op: Operation) -> String {
    var out = "\(op.method.rawValue) \(op.path)\n"
    out += op.requiresAuth ? "" : "No token is needed.\n"
    if !op.pathParams.isEmpty {
      out += "\nPath parameters, positional in this order:\n"
      let last = op.pathParams.last?.name
      for p in op.pathParams {
        var text = p.description
        if p.name == "organizationId" {
          text += " (default: use_organization, $ASTRO_ORGANIZATION_ID)"
          if op.pathParams.count > 1 {
            text +=
              "; left out when one argument fewer is given, as it is then taken from "
              + "--organization-id, a piped record's organizationId, or the default"
          }
        }
        if p.name == last { text += "; or the 'id' of piped records, or piped strings" }
        out += row(p.name, text)
      }
    }
    if let body = op.body {
      out += "\nBody \(body.name), as a record argument or as flags:\n"
      for f in body.fields { out += row("--" + FlagNames.kebab(f.name), fieldText(f)) }
      out += nestedModels(of: body)
    }
    if !op.query.isEmpty {
      out += "\nQuery flags:\n"
      for q in op.query { out += row("--" + FlagNames.kebab(q.name), queryText(q)) }
    }
    out += "\nAnswer: \(outputName(op.response))\n"
    out += "\n" + pipelineText(op)
    return out
  }

  private static func pipelineText(_ op: Operation) -> String {
    var s = ""
    if !op.pathParams.isEmpty {
      s +=
        "Piped records fill the missing path parameters: one call per item, run "
        + "concurrently within the rate limits, results in input order. The first failure "
        + "stops the run; --keep-going carries on and gives {ok, value|error} per item "
        + "(astrosh --keep-going instead leaves failed items out), with a summary at the end."
      if op.body != nil { s += " They also fill the body fields they have." }
      s += "\n"
    }
    if op.isMutating {
      var answersNothing = false
      if case .empty = op.response { answersNothing = true }
      s +=
        "With --dry-run the request is printed, not sent, and a stand-in for the answer, "
        + "marked dryRun: true, is returned"
        + (answersNothing ? " (the object as it is now)" : "") + ".\n"
    }
    if op.changesState {
      s += "With --journal FILE a rerun does not send it again once it is done.\n"
    }
    if op.response.isStreamed {
      s += "The log arrives as gzip-compressed NDJSON and streams out as records; --raw "
      s += "gives the gzip bytes.\n"
    }
    s += "Flags may also be spelled in snake_case or camelCase."
    return s.wrapped(width: 90, indent: "")
  }

  private static func fieldText(_ f: Field) -> String {
    var s = typeText(f.schema)
    if f.required { s += ", required" }
    if f.secret { s += ", secret (never shown in traces)" }
    return s
  }

  private static func queryText(_ q: QueryParam) -> String {
    var s = typeText(q.schema)
    if q.repeated { s += ", repeatable or comma-separated" }
    if q.required { s += ", required" }
    if let d = q.defaultValue { s += ", default \(d)" }
    return s + ": " + q.description
  }

  private static func typeText(_ schema: Schema) -> String {
    switch schema {
    case .string(let rule):
      var s = rule.values.map { "one of " + $0.joined(separator: ", ") } ?? "string"
      if let min = rule.minLength { s += ", at least \(min) characters" }
      if let max = rule.maxLength { s += ", at most \(max) characters" }
      return s
    case .boolean: return "bool (a switch; --flag=false for false)"
    case .array(let item, let minItems):
      var s = "list of \(itemText(item))"
      if case .string = item { s += ", or comma-separated" }
      if let minItems, minItems > 0 { s += ", at least \(minItems)" }
      return s
    default: return schema.displayName
    }
  }

  private static func itemText(_ schema: Schema) -> String {
    if case .string(let rule) = schema, let values = rule.values {
      return values.joined(separator: "|")
    }
    if case .object(let m) = schema { return "\(m.name) records" }
    return schema.displayName
  }

  /// The fields of the models nested in a body, each once.
  private static func nestedModels(of model: Model) -> String {
    var seen: Set<String> = [model.name]
    var out = ""
    var pending = model.fields.compactMap { nestedModel($0.schema) }
    while !pending.isEmpty {
      let m = pending.removeFirst()
      guard seen.insert(m.name).inserted else { continue }
      out += "\n\(m.name):\n"
      for f in m.fields { out += row(f.name, fieldText(f)) }
      pending += m.fields.compactMap { nestedModel($0.schema) }
    }
    return out
  }

  private static func nestedModel(_ schema: Schema) -> Model? {
    switch schema {
    case .object(let m): return m
    case .array(let item, _): return nestedModel(item)
    case .map(let v): return nestedModel(v)
    default: return nil
    }
  }

  /// A name column and its text, the text wrapped under itself.
  private static func row(_ name: String, _ text: String) -> String {
    let column = 30
    let indent = String(repeating: " ", count: column)
    var head = "  \(name)"
    if head.count >= column {
      head += "\n" + indent
    } else {
      head += String(repeating: " ", count: column - head.count)
    }
    return head + text.wrapped(width: 100 - column, indent: indent) + "\n"
  }
}
