import AstroCore
import Foundation

/// Builtins that work on a list as a whole: ordering, grouping, counting, folding.
enum ListBuiltins {
  static let all: [Builtin] = [
    sortBy, groupBy, count, length, uniq, flatten, reduce, enumerate, range,
  ]

  static let sortBy = define(
    "sort_by", category: DataCategory.lists,
    abstract: "sort items by fields, by a closure's result, or by their own value",
    details: """
      With field names, items compare by the first field, then the next on a tie. A \
      missing field sorts as null (first); naming a field no item has is an error. The \
      sort is stable. Numbers compare by value, strings by Unicode order.
      """,
    signature: Signature(
      rest: Parameter("keys", .any, "field names, or one closure that computes the key"),
      flags: [switchFlag("reverse", short: "r", "largest first")],
      input: "list", output: "list"),
    examples: [
      Example(
        "Sort records by a field",
        #"[{name: "b", n: 2}, {name: "a", n: 1}] | sort_by name | get n"#, result: "[1,2]"),
      Example("Sort numbers, largest first", "[3, 1, 2] | sort_by --reverse", result: "[3,2,1]"),
      Example(
        "Sort by a computed key", #"["ccc", "a", "bb"] | sort_by {|s| $s | length}"#,
        result: #"["a","bb","ccc"]"#),
    ]
  ) { call in
    let items = try Streams.collect(call.input, call.ctx)
    let keyOf = try keyFunction(call, items: items)
    var keyed = try items.enumerated().map { (i, item) in (try keyOf(item), i, item) }
    let reverse = call.has("reverse")
    keyed.sort { a, b in
      let c = Value.order(a.0, b.0)
      if c != 0 { return reverse ? c > 0 : c < 0 }
      return a.1 < b.1
    }
    return .value(.list(keyed.map(\.2)))
  }

  /// How `sort_by` and `group_by` compute an item's key from their arguments.
  static func keyFunction(_ call: Invocation, items: [Value]) throws -> (Value) throws -> Value {
    let keys = call.rest(from: 0)
    if keys.count == 1, case .closure(let c) = keys[0] {
      return { item in try call.call(c, [item], input: item) }
    }
    if keys.isEmpty { return { $0 } }
    let paths = keys.map(PathMember.parse)
    for (key, path) in zip(keys, paths) { try requirePresent(path, key: key, in: items) }
    return { item in
      let parts = try paths.map { try FieldAccess.follow($0, in: item, optional: true) }
      return parts.count == 1 ? parts[0] : .list(parts)
    }
  }

  /// Fails when no item has the field, which is almost always a typo.
  static func requirePresent(_ path: [PathMember], key: Value, in items: [Value]) throws {
    guard case .field(let name) = path.first else { return }
    var sample: Record?
    for item in items {
      guard case .record(let r) = item else { continue }
      if r[name] != nil { return }
      sample = sample ?? r
    }
    if let sample {
      throw ShellError.runtime(
        "missing_field", "no item has the field '\(name)'",
        hint: FieldAccess.missingField(name, in: sample).hint)
    }
  }

  static let groupBy = define(
    "group_by", category: DataCategory.lists,
    abstract: "group items into a record of lists keyed by a field or a closure's result",
    details: "Groups appear in the order their first item appears. Keys become text.",
    signature: Signature(
      positional: [Parameter("key", .any, "a field name, or a closure that computes the key")],
      input: "list", output: "record"),
    examples: [
      Example(
        "Group domains by status",
        #"[{n: "a", s: "PENDING"}, {n: "b", s: "OK"}, {n: "c", s: "PENDING"}] | group_by s"#,
        result:
          #"{"PENDING":[{"n":"a","s":"PENDING"},{"n":"c","s":"PENDING"}],"#
          + #""OK":[{"n":"b","s":"OK"}]}"#
      )
    ]
  ) { call in
    _ = try call.required(0, "key")
    let items = try Streams.collect(call.input, call.ctx)
    let keyOf = try keyFunction(call, items: items)
    var groups: [String: [Value]] = [:]
    var order: [String] = []
    for item in items {
      let key = try keyOf(item)
      let text = key.isNull ? "null" : key.plainText
      if groups[text] == nil { order.append(text) }
      groups[text, default: []].append(item)
    }
    return .value(.record(Record(keys: order, values: order.map { .list(groups[$0]!) })))
  }

  static let count = define(
    "count", category: DataCategory.lists,
    abstract: "the number of items in the input, pulled one by one without keeping them",
    signature: Signature(input: "list", output: "int"),
    examples: [Example("Count items", "[1, 2, 3] | count", result: "3")]
  ) { call in
    switch call.input {
    case .value(.range(let r)): return .value(.int(r.count))
    case .value(.list(let l)): return .value(.int(l.count))
    default:
      var n = 0
      try Streams.forEach(call.input, call.ctx) { _ in n += 1 }
      return .value(.int(n))
    }
  }

  static let length = define(
    "length", category: DataCategory.lists,
    abstract: "the size of a value: items of a list, characters of a string, fields of a record",
    signature: Signature(input: "list | string | record | binary", output: "int"),
    examples: [
      Example("Items of a list", "[1, 2, 3] | length", result: "3"),
      Example("Characters of a string", #""héllo" | length"#, result: "5"),
    ]
  ) { call in
    if case .stream = call.input { return try count.run(call.args, call.ctx) }
    switch try call.input.collect() {
    case .list(let l): return .value(.int(l.count))
    case .range(let r): return .value(.int(r.count))
    case .string(let s): return .value(.int(s.count))
    case .record(let r): return .value(.int(r.count))
    case .binary(let b): return .value(.int(b.count))
    case .null: return .value(.int(0))
    case let other: throw call.inputError(expected: "a list, string or record", found: other)
    }
  }

  static let uniq = define(
    "uniq", category: DataCategory.lists,
    abstract: "drop repeated items, keeping the first of each",
    signature: Signature(input: "list", output: "list"),
    examples: [Example("Unique values", "[1, 2, 1, 3, 2] | uniq", result: "[1,2,3]")]
  ) { call in
    var seen = Set<HashableValue>()
    return Streams.map(call.input, call.ctx) { item, _ in
      seen.insert(HashableValue(item)).inserted ? item : nil
    }
  }

  static let flatten = define(
    "flatten", category: DataCategory.lists,
    abstract: "splice nested lists into the outer list",
    signature: Signature(
      flags: [switchFlag("all", short: "a", "flatten every level, not just one")],
      input: "list", output: "list"),
    examples: [
      Example("One level", "[[1, 2], [3, [4]], 5] | flatten", result: "[1,2,3,[4],5]"),
      Example("Every level", "[[1, 2], [3, [4]], 5] | flatten --all", result: "[1,2,3,4,5]"),
    ]
  ) { call in
    let all = call.has("all")
    let source = call.input.items()
    var pending: [Value] = []
    return .stream(
      ValueStream {
        while true {
          if let item = pending.popLast() {
            guard case .list(let inner) = item, all else { return item }
            pending.append(contentsOf: inner.reversed())
            continue
          }
          guard let item = try source.next() else { return nil }
          guard case .list(let inner) = item else { return item }
          pending = inner.reversed()
        }
      })
  }

  static let reduce = define(
    "reduce", category: DataCategory.lists,
    abstract: "combine the items into one value with a closure {|acc, item| …}",
    details: """
      The closure gets the accumulator and the item, and returns the new accumulator. \
      Without `--fold` the first item is the starting value, and an empty list is an error.
      """,
    signature: Signature(
      positional: [Parameter("closure", .closure, "{|acc, item| …} returning the new accumulator")],
      flags: [Flag("fold", short: "f", .any, "the starting value of the accumulator")],
      input: "list", output: "any"),
    examples: [
      Example(
        "Sum with a closure", "[1, 2, 3, 4] | reduce {|acc, n| $acc + $n}", result: "10"),
      Example(
        "Fold from a starting value", #"["a", "b"] | reduce --fold "x" {|acc, s| $acc + $s}"#,
        result: #""xab""#),
    ]
  ) { call in
    let body = try call.closure(0, "closure")
    let source = call.input.items()
    guard var acc = try call.flagValue("fold") ?? source.next() else {
      throw call.invalid("the input is empty", hint: "give a starting value with --fold")
    }
    let arity = min(body.parameterNames.count, 2)
    while let item = try source.next() {
      let arguments = arity == 2 ? [acc, item] : (arity == 1 ? [acc] : [])
      acc = try call.ctx.call(body, arguments, input: item)
    }
    return .value(acc)
  }

  static let enumerate = define(
    "enumerate", category: DataCategory.lists,
    abstract: "pair each item with its index as {index, item}",
    signature: Signature(input: "list", output: "list<record>"),
    examples: [
      Example(
        "Number the items", #"["a", "b"] | enumerate"#,
        result: #"[{"index":0,"item":"a"},{"index":1,"item":"b"}]"#)
    ]
  ) { call in
    Streams.map(call.input, call.ctx) { item, index in
      .record(Record(keys: ["index", "item"], values: [.int(index), item]))
    }
  }

  static let range = define(
    "range", category: DataCategory.lists,
    abstract: "the integers from START to END, or the items of the input at a range of indexes",
    details: """
      Without input, `range 1 5` gives 1 to 5 (inclusive; `--exclusive` leaves out END) \
      and `--step` sets the stride. With input, `range 1..2` keeps the items at those \
      indexes. Both are lazy.
      """,
    signature: Signature(
      positional: [
        Parameter("start", .any, "the first integer, or a range of indexes to keep"),
        Parameter("end", .int, optional: true, "the last integer"),
      ],
      flags: [
        Flag("step", short: "s", .int, "the stride (default 1, may be negative)"),
        switchFlag("exclusive", short: "x", "leave out END"),
      ],
      input: "nothing | list", output: "list<int> | list"),
    examples: [
      Example("Count up", "range 1 5", result: "[1,2,3,4,5]"),
      Example("Even numbers below ten", "range 0 10 --step 2 --exclusive", result: "[0,2,4,6,8]"),
      Example(
        "Items at indexes 1 to 2", #"["a", "b", "c", "d"] | range 1..2"#,
        result: #"["b","c"]"#),
    ]
  ) { call in
    var first = try call.required(0, "start")
    if case .string(let text) = first, let r = rangeLiteral(text) { first = .range(r) }
    if case .range(let r) = first {
      if call.input.isEmpty { return .value(.range(r)) }
      return slice(call, r)
    }
    let start = try call.asInt(first, "start")
    let end = try call.asInt(try call.required(1, "end"), "end")
    let step = try call.flagInt("step") ?? (end >= start ? 1 : -1)
    guard step != 0 else { throw call.invalid("--step must not be 0") }
    let r = ValueRange(start: start, end: end, inclusive: !call.has("exclusive"), step: step)
    return .value(.range(r))
  }

  /// Reads `a..b` or `a..<b` given as text, as a bare word argument may arrive.
  static func rangeLiteral(_ text: String) -> ValueRange? {
    let exclusive = text.contains("..<")
    let parts = text.components(separatedBy: exclusive ? "..<" : "..")
    guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
    return ValueRange(start: a, end: b, inclusive: !exclusive, step: b >= a ? 1 : -1)
  }

  private static func slice(_ call: Invocation, _ r: ValueRange) -> PipelineData {
    let last = r.inclusive ? r.end : r.end - 1
    let source = call.input.items()
    var index = 0
    return .stream(
      ValueStream {
        while index <= last, let item = try source.next() {
          defer { index += 1 }
          if index >= r.start { return item }
        }
        return nil
      })
  }
}
