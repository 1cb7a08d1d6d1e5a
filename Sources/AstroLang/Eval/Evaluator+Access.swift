import AstroCore

/// Reading and assigning access paths: `$d.name`, `$list.0`, `$d.name?`, `$r.a.b = 1`.
extension Evaluator {
  /// A step resolved to a field name or an index.
  private enum Key {
    case field(String)
    case index(Int)

    var text: String {
      switch self {
      case .field(let f): return f
      case .index(let i): return String(i)
      }
    }
  }

  /// Follows `steps` into `base`. A missing optional step (`?`) makes the whole path null.
  func access(_ base: Value, _ steps: [Step], _ frame: Frame) throws -> Value {
    var current = base
    for step in steps {
      let key = try self.key(step, frame)
      do {
        guard let next = try member(key, of: current, optional: step.isOptional) else {
          return .null
        }
        current = next
      } catch let error as ShellError {
        throw locate(error, step.span, frame)
      }
    }
    return current
  }

  private func key(_ step: Step, _ frame: Frame) throws -> Key {
    switch step {
    case .field(let name, _, _): return .field(name)
    case .index(let i, _, _): return .index(i)
    case .dynamic(let code, _, let span):
      switch try value(code, frame) {
      case .int(let i): return .index(i)
      case .string(let s): return .field(s)
      case let other:
        let error = EvalErrors.typeMismatch(
          "a computed field", expected: "a string or int", found: other)
        throw locate(error, span, frame)
      }
    }
  }

  /// One step; nil when an optional step finds nothing.
  private func member(_ key: Key, of value: Value, optional: Bool) throws -> Value? {
    switch (key, value) {
    case (.field(let name), .record(let record)):
      if let found = record[name] { return found }
      if optional { return nil }
      throw EvalErrors.missingField(name, in: record)
    case (.index(let i), .record(let record)):
      if let found = record[String(i)] { return found }
      if optional { return nil }
      throw EvalErrors.missingField(String(i), in: record)
    case (.index(let i), .list(let items)):
      let position = i < 0 ? items.count + i : i
      if position >= 0 && position < items.count { return items[position] }
      if optional { return nil }
      throw EvalErrors.indexOutOfRange(i, count: items.count)
    case (.index(let i), .range(let range)):
      let count = range.count
      let position = i < 0 ? count + i : i
      if position >= 0 && position < count { return .int(range.element(at: position)) }
      if optional { return nil }
      throw EvalErrors.indexOutOfRange(i, count: count)
    case (.field, .list(let items)):
      return .list(try items.map { try member(key, of: $0, optional: optional) ?? .null })
    default:
      if optional { return nil }
      throw EvalErrors.cannotAccess(key.text, in: value)
    }
  }

  /// `$x = v`, `$x += v`, `$r.a.0 = v` …
  func assign(_ assignment: Assignment, _ frame: Frame) throws {
    let new = try data(assignment.value, frame, .empty).collect()
    let op = assignment.op
    if assignment.path.isEmpty {
      guard let binary = op.binaryOp else { return store(new, assignment.slot, frame) }
      let old = frame.slots[assignment.slot]
      if case .int(let x) = old, case .int(let y) = new, let r = Operators.int(binary, x, y) {
        return store(r, assignment.slot, frame)
      }
      do {
        store(try Operators.apply(binary, old, new), assignment.slot, frame)
      } catch let error as ShellError {
        throw locate(error, assignment.span, frame)
      }
      return
    }
    let combine: (Value) throws -> Value = { old in
      guard let binary = op.binaryOp else { return new }
      if case .int(let x) = old, case .int(let y) = new, let r = Operators.int(binary, x, y) {
        return r
      }
      return try Operators.apply(binary, old, new)
    }
    // Steps are computed first, so the update itself runs no code of the script and may
    // hold the top-level frame's lock.
    let keys = try assignment.path.map { try key($0, frame) }
    let rewrite = {
      var root = frame.slots[assignment.slot]
      frame.slots[assignment.slot] = .null
      defer { frame.slots[assignment.slot] = root }
      try self.update(&root, keys[...], assignment.path[...], frame, combine)
    }
    do {
      if let global = frame.global { try global.withLock(rewrite) } else { try rewrite() }
    } catch let error as ShellError {
      throw locate(error, assignment.span, frame)
    }
  }

  /// Rewrites the value at `path` inside `target` in place (the root was taken out of its
  /// slot, so copy-on-write finds the storage unshared). Assigning a field of null starts
  /// a new record.
  private func update(
    _ target: inout Value, _ keys: ArraySlice<Key>, _ path: ArraySlice<Step>, _ frame: Frame,
    _ combine: (Value) throws -> Value
  ) throws {
    guard let key = keys.first, let step = path.first else {
      target = try combine(target)
      return
    }
    let rest = path.dropFirst()
    let restKeys = keys.dropFirst()
    switch (key, target) {
    case (.field(let name), .record(var record)):
      target = .null
      var child = record[name] ?? .null
      record[name] = .null
      defer {
        record[name] = child
        target = .record(record)
      }
      try update(&child, restKeys, rest, frame, combine)
    case (.field(let name), .null):
      var child = Value.null
      try update(&child, restKeys, rest, frame, combine)
      target = .record(Record([(name, child)]))
    case (.index(let i), .list(var items)):
      let position = i < 0 ? items.count + i : i
      guard position >= 0 && position < items.count else {
        throw locate(EvalErrors.indexOutOfRange(i, count: items.count), step.span, frame)
      }
      target = .null
      var child = items[position]
      items[position] = .null
      defer {
        items[position] = child
        target = .list(items)
      }
      try update(&child, restKeys, rest, frame, combine)
    case (let key, let other):
      throw locate(EvalErrors.cannotAccess(key.text, in: other), step.span, frame)
    }
  }
}

extension AssignOp {
  /// The operator of a compound assignment; nil for plain `=`.
  var binaryOp: BinaryOp? {
    switch self {
    case .set: return nil
    case .add: return .add
    case .subtract: return .subtract
    case .multiply: return .multiply
    case .divide: return .divide
    }
  }
}
