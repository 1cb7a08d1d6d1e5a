import AstroCore

/// Builtins that keep, drop or reshape items one at a time; all are lazy over streams.
enum FilterBuiltins {
  static let all: [Builtin] = [where_, each, select, reject, get, first, last, skip]

  static let where_ = define(
    "where", category: DataCategory.filters,
    abstract: "keep the items for which a condition holds",
    details: """
      The condition is an expression in which a bare name at the start of an operand is a \
      field of the current item, so `where status == "PENDING"` reads `$it.status`. A \
      closure works too: `where {|d| $d.count > 1}`. Items for which the condition is \
      false or null are dropped. Streams stay lazy: nothing is collected.
      """,
    signature: Signature(
      positional: [Parameter("condition", .closure, "the test run for each item")],
      input: "list", output: "list"),
    examples: [
      Example(
        "Keep the pending domains",
        #"[{name: "a.example", status: "PENDING"}, {name: "b.example", status: "VERIFIED"}] "#
          + #"| where status == "PENDING""#,
        result: #"[{"name":"a.example","status":"PENDING"}]"#),
      Example(
        "Use a closure with a named parameter", "[1, 5, 2, 8] | where {|n| $n > 3}",
        result: "[5,8]"),
    ]
  ) { call in
    let test = try call.itemClosure(0, "condition")
    return Streams.mapCalling(call.input) { item in try test(item).isTruthy ? item : nil }
  }

  static let each = define(
    "each", category: DataCategory.filters,
    abstract: "run a closure for each item and collect the results",
    details: """
      The closure sees the item as `$it` or as its named parameter. Null results are \
      dropped, so `each { print $it }` gives nothing back.

      `--parallel N` runs up to N items at once on worker threads and still returns the \
      results in input order. Without `--keep-going` the first error stops the run and is \
      raised (the count of other failed items is in its `failedCount` field). With \
      `--keep-going` every item gives one record `{item, ok, value, error}`: `ok` is true \
      with the closure's `value`, or false with the `error` record a `catch` block would see.
      """,
    signature: Signature(
      positional: [Parameter("closure", .closure, "what to run for each item")],
      flags: [
        Flag("parallel", short: "p", .int, "how many items to run at once (default 1, at most 64)"),
        switchFlag("keep-going", short: "k", "record each item's error instead of stopping"),
      ],
      input: "list", output: "list"),
    examples: [
      Example("Double each number", "[1, 2, 3] | each { $it * 2 }", result: "[2,4,6]"),
      Example(
        "Run four at a time, results in input order",
        "1..5 | each --parallel 4 {|n| $n * $n}", result: "[1,4,9,16,25]"),
      Example(
        "Keep going past errors, one result per item",
        #"[1, 0] | each --keep-going {|n| if $n == 0 { error "zero" } else { $n } } | get ok"#,
        result: "[true,false]"),
    ]
  ) { call in
    let body = try EachBody(call)
    let workers = try call.flagInt("parallel") ?? 1
    guard (1...ParallelEach.maxWorkers).contains(workers) else {
      // A usage error (exit 2), as the API builtins' own --parallel gives.
      throw ShellError.usage(
        "invalid_argument", "'each': --parallel must be 1 to \(ParallelEach.maxWorkers)")
    }
    let keepGoing = call.has("keep-going")
    if workers > 1 {
      return .stream(ParallelEach.stream(call, body, workers: workers, keepGoing: keepGoing))
    }
    if keepGoing {
      return Streams.mapCalling(call.input) { item in
        try ParallelEach.outcome(item) { try body(item) }
      }
    }
    return Streams.mapCalling(call.input) { item in
      let out = try body(item)
      return out.isNull ? nil : out
    }
  }

  static let select = define(
    "select", category: DataCategory.filters,
    abstract: "keep only the named fields of a record or of each record",
    signature: Signature(
      rest: Parameter("fields", .string, "field names or cell paths, in the order wanted"),
      flags: [
        switchFlag("optional", short: "o", "give null for a missing field instead of failing")
      ],
      input: "record | list<record>", output: "record | list<record>"),
    examples: [
      Example(
        "Pick two fields", #"{name: "a.example", status: "PENDING", id: "d1"} | select id name"#,
        result: #"{"id":"d1","name":"a.example"}"#)
    ]
  ) { call in
    let fields = call.rest(from: 0).map { ($0.plainText, PathMember.parse($0)) }
    let optional = call.has("optional")
    let pick = { (value: Value, item: Int?) throws -> Value in
      guard case .record = value else {
        throw call.inputError(expected: "records", found: value)
      }
      var out = Record()
      for (name, path) in fields {
        out[name] = try FieldAccess.follow(path, in: value, optional: optional, item: item)
      }
      return .record(out)
    }
    if call.input.isSequence { return Streams.map(call.input, call.ctx) { try pick($0, $1) } }
    return .value(try pick(try call.input.collect(), nil))
  }

  static let reject = define(
    "reject", category: DataCategory.filters,
    abstract: "remove the named fields from a record or from each record",
    signature: Signature(
      rest: Parameter("fields", .string, "the field names to remove"),
      flags: [switchFlag("optional", short: "o", "ignore fields that are not there")],
      input: "record | list<record>", output: "record | list<record>"),
    examples: [
      Example(
        "Drop a field", #"[{name: "a", secret: "x"}, {name: "b", secret: "y"}] | reject secret"#,
        result: #"[{"name":"a"},{"name":"b"}]"#)
    ]
  ) { call in
    let fields = call.rest(from: 0).map(\.plainText)
    let optional = call.has("optional")
    let drop = { (value: Value, item: Int?) throws -> Value in
      guard case .record(var r) = value else {
        throw call.inputError(expected: "records", found: value)
      }
      for field in fields {
        if r[field] == nil, !optional { throw FieldAccess.missingField(field, in: r, item: item) }
        r[field] = nil
      }
      return .record(r)
    }
    if call.input.isSequence { return Streams.map(call.input, call.ctx) { try drop($0, $1) } }
    return .value(try drop(try call.input.collect(), nil))
  }

  static let get = define(
    "get", category: DataCategory.filters,
    abstract: "read a field or cell path from a record, or from each record of a list",
    details: """
      A path is field names and list indexes joined by dots: `get managedDomains.0.name`. \
      On a list, a leading index picks an item and a leading name reads that field of \
      every item, lazily.
      """,
    signature: Signature(
      positional: [Parameter("path", .string, "a field name, index or dotted cell path")],
      flags: [switchFlag("optional", short: "o", "give null when the path is missing")],
      input: "record | list", output: "any"),
    examples: [
      Example(
        "Read a nested field", #"{d: {domains: [{name: "a.example"}]}} | get d.domains.0.name"#,
        result: #""a.example""#),
      Example(
        "Read one field of every record", #"[{id: 1}, {id: 2}] | get id"#, result: "[1,2]"),
    ]
  ) { call in
    let path = PathMember.parse(try call.required(0, "path"))
    let optional = call.has("optional")
    if case .field = path.first, call.input.isSequence {
      return Streams.map(call.input, call.ctx) { item, index in
        try FieldAccess.follow(path, in: item, optional: optional, item: index)
      }
    }
    return .value(try FieldAccess.follow(path, in: try call.input.collect(), optional: optional))
  }

  static let first = define(
    "first", category: DataCategory.filters,
    abstract: "the first item, or a list of the first N items",
    signature: Signature(
      positional: [Parameter("count", .int, optional: true, "how many items to take")],
      input: "list", output: "any"),
    examples: [
      Example("The first item", "[3, 4, 5] | first", result: "3"),
      Example("The first two items", "[3, 4, 5] | first 2", result: "[3,4]"),
    ]
  ) { call in
    let source = call.input.items()
    guard let n = try call.optionalInt(0, "count") else {
      return .value(try source.next() ?? .null)
    }
    guard n >= 0 else { throw call.invalid("the count must not be negative") }
    var taken = 0
    return .stream(
      ValueStream {
        guard taken < n, let item = try source.next() else { return nil }
        taken += 1
        return item
      })
  }

  static let last = define(
    "last", category: DataCategory.filters,
    abstract: "the last item, or a list of the last N items",
    signature: Signature(
      positional: [Parameter("count", .int, optional: true, "how many items to take")],
      input: "list", output: "any"),
    examples: [
      Example("The last item", "[3, 4, 5] | last", result: "5"),
      Example("The last two items", "[3, 4, 5] | last 2", result: "[4,5]"),
    ]
  ) { call in
    let n = try call.optionalInt(0, "count")
    guard (n ?? 1) >= 0 else { throw call.invalid("the count must not be negative") }
    let keep = n ?? 1
    var ring: [Value] = []
    var start = 0
    try Streams.forEach(call.input, call.ctx) { item in
      guard keep > 0 else { return }
      if ring.count < keep {
        ring.append(item)
      } else {
        ring[start] = item
        start = (start + 1) % keep
      }
    }
    let ordered = Array(ring[start...] + ring[..<start])
    guard n != nil else { return .value(ordered.last ?? .null) }
    return .value(.list(ordered))
  }

  static let skip = define(
    "skip", category: DataCategory.filters,
    abstract: "drop the first N items (1 when N is not given)",
    signature: Signature(
      positional: [Parameter("count", .int, optional: true, "how many items to drop")],
      input: "list", output: "list"),
    examples: [Example("Drop two items", "[3, 4, 5, 6] | skip 2", result: "[5,6]")]
  ) { call in
    let n = try call.optionalInt(0, "count") ?? 1
    guard n >= 0 else { throw call.invalid("the count must not be negative") }
    return Streams.map(call.input, call.ctx) { item, index in index < n ? nil : item }
  }
}
