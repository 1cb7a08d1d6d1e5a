import AstroCore

/// Calling closures, defs and builtins.
extension Evaluator {
  /// `CallContext.call` lands here: runs a closure with positional arguments.
  ///
  /// A closure without parameters sees the first argument (or else the input) as `$it`;
  /// `$in` is the input (or else the first argument). Only a closure without parameters
  /// passes its input on to the first command of its body. One that names its parameters
  /// has been given the item through them: in `each {|d| verify_managed_domain $d.id }`
  /// the record flowing in as well would fill the domain id and push `$d.id` into the
  /// organization's place.
  func invoke(_ callable: any Callable, _ arguments: [Value], _ input: Value?) throws -> Value {
    guard ObjectIdentifier(type(of: callable)) == ObjectIdentifier(Closure.self) else {
      throw EvalErrors.notCallable("a value of type \(type(of: callable))")
    }
    let closure = unsafeDowncast(callable, to: Closure.self)
    let proto = closure.proto
    try enter()
    let frame: Frame
    do {
      frame = try push(proto)
    } catch {
      depth -= 1
      throw error
    }
    bind(closure, arguments, input, frame)
    // Cleanup is spelled out on both paths rather than in `defer`, which the optimizer
    // turns into an out-of-line call on this hot path.
    let result: Value
    do {
      if proto.isExpression {
        result = try value(proto.expression, frame)
      } else {
        let bodyInput: PipelineData =
          proto.hasParameters ? .empty : input.map { .value($0) } ?? .empty
        result = try data(proto.body, frame, bodyInput).collect()
      }
    } catch {
      pop(proto)
      depth -= 1
      if case ControlSignal.returnValue(let returned) = error { return returned }
      throw error
    }
    pop(proto)
    depth -= 1
    return result
  }

  @inline(__always)
  private func bind(_ closure: Closure, _ arguments: [Value], _ input: Value?, _ frame: Frame) {
    let proto = closure.proto
    if !proto.captureSlots.isEmpty {
      let captured = closure.captured
      for i in 0..<captured.count { frame.slots[proto.captureSlots[i]] = captured[i] }
    }
    if proto.hasParameters {
      for i in 0..<min(arguments.count, proto.parameterNames.count) {
        frame.slots[i] = arguments[i]
      }
    }
    if let slot = proto.itSlot {
      frame.slots[slot] = arguments.isEmpty ? (input ?? .null) : arguments[0]
    }
    if let slot = proto.inSlot {
      frame.slots[slot] = input ?? (arguments.isEmpty ? .null : arguments[0])
    }
  }

  func callBuiltin(_ call: BuiltinCall, _ frame: Frame, _ input: PipelineData) throws
    -> PipelineData
  {
    let name = call.builtin.name
    var positional: [Value] = []
    positional.reserveCapacity(call.positional.count)
    for (code, check) in zip(call.positional, call.positionalChecks) {
      positional.append(try checked(try value(code, frame), check, name, frame))
    }
    var flags: [String: Value] = [:]
    for flag in call.flags {
      flags[flag.name] = try checked(try value(flag.value, frame), flag.check, name, frame)
    }
    let args = CallArgs(positional: positional, flags: flags, input: input, span: call.span)
    do {
      return try call.builtin.run(args, context)
    } catch let error as ShellError {
      throw locate(error, call.span, frame)
    } catch let error as ControlSignal {
      throw error
    } catch let error as ScriptExit {
      throw error
    } catch {
      let wrapped = ShellError.runtime("internal_error", "'\(name)' failed: \(error)")
      throw locate(wrapped, call.span, frame)
    }
  }

  /// `value` when it fits the parameter; otherwise an error naming the type found.
  private func checked(
    _ value: Value, _ check: BuiltinCall.Check, _ command: String, _ frame: Frame
  ) throws -> Value {
    guard let type = check.type, !(value.isNull && check.optional) else { return value }
    if let error = TypeCheck.error(value, type, param: check.name, command: command) {
      throw locate(error, check.span, frame)
    }
    return value
  }

  func callDef(_ call: DefCall, _ frame: Frame, _ input: PipelineData) throws -> PipelineData {
    let function = call.function
    guard let proto = function.proto else {
      throw locate(.runtime("internal_error", "'\(function.name)' has no body"), call.span, frame)
    }
    var values: [Value?] = []
    values.reserveCapacity(call.arguments.count)
    for argument in call.arguments {
      values.append(try argument.map { try value($0.code, frame) })
    }
    try checkDefArguments(call, values, frame)
    do { try enter() } catch let error as ShellError { throw locate(error, call.span, frame) }
    defer { depth -= 1 }
    let callee: Frame
    do { callee = try push(proto) } catch let error as ShellError {
      throw locate(error, call.span, frame)
    }
    defer { pop(proto) }
    for (i, param) in function.params.enumerated() {
      if let given = values[i] {
        callee.slots[i] = given
      } else if let fallback = param.defaultValue {
        callee.slots[i] = try value(fallback, callee)
      } else if param.isFlag && param.type == nil {
        callee.slots[i] = .bool(false)
      }
    }
    var bodyInput = input
    if let slot = proto.inSlot {
      let collected = try input.collect()
      callee.slots[slot] = collected
      bodyInput = .value(collected)
    }
    do {
      return try data(proto.body, callee, bodyInput)
    } catch ControlSignal.returnValue(let result) {
      return .value(result)
    }
  }

  private func checkDefArguments(_ call: DefCall, _ values: [Value?], _ frame: Frame) throws {
    let function = call.function
    for (i, param) in function.params.enumerated() {
      guard let type = param.type, let given = values[i], let span = call.arguments[i]?.span
      else { continue }
      if case .rest = param.kind, case .list(let items) = given {
        for item in items {
          if let error = TypeCheck.error(item, type, param: param.name, command: function.name) {
            throw locate(error, span, frame)
          }
        }
      } else if !(given.isNull && param.optional),
        let error = TypeCheck.error(given, type, param: param.name, command: function.name)
      {
        throw locate(error, span, frame)
      }
    }
  }
}

/// Whether a value fits a parameter type.
enum TypeCheck {
  static func error(_ value: Value, _ type: ParamType, param: String, command: String)
    -> ShellError?
  {
    if case .oneOf(let choices) = type, case .string(let s) = value {
      return choices.contains(s)
        ? nil : EvalErrors.notOneOf(s, choices, param: param, command: command)
    }
    guard !accepts(type, value) else { return nil }
    return EvalErrors.argument(param, of: command, expected: type, found: value)
  }

  static func accepts(_ type: ParamType, _ value: Value) -> Bool {
    switch (type, value) {
    case (.any, _): return true
    case (.string, .string), (.path, .string), (.oneOf, .string): return true
    case (.int, .int), (.bool, .bool), (.record, .record), (.closure, .closure): return true
    case (.float, .int), (.float, .float), (.number, .int), (.number, .float): return true
    case (.list, .list), (.list, .range): return true
    default: return false
    }
  }
}
