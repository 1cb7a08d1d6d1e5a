import AstroCore

/// Pipelines, blocks and control flow: code that takes pipeline input and may produce a
/// stream.
extension Evaluator {
  func data(_ code: Code, _ frame: Frame, _ input: PipelineData) throws -> PipelineData {
    switch code {
    case .pipeline(let stages):
      var current = input
      for stage in stages { current = try data(stage, frame, current) }
      return current
    case .stage(let slot, let expression):
      store(try input.collect(), slot, frame)
      return .value(try value(expression, frame))
    case .builtinCall(let call):
      return try callBuiltin(call, frame, input)
    case .defCall(let call):
      return try callDef(call, frame, input)
    case .block(let statements):
      return try block(statements, frame, input)
    case .ifElse(let condition, let then, let otherwise):
      if try value(condition, frame).isTruthy { return try data(then, frame, .empty) }
      if let otherwise { return try data(otherwise, frame, .empty) }
      return .value(.null)
    case .letValue(let slot, let code):
      store(try data(code, frame, .empty).collect(), slot, frame)
      return .empty
    case .assign(let assignment):
      try assign(assignment, frame)
      return .empty
    default:
      return try control(code, frame)
    }
  }

  private func control(_ code: Code, _ frame: Frame) throws -> PipelineData {
    switch code {
    case .forLoop(let slot, let sequence, let body, let span):
      try forLoop(slot, sequence, body, span, frame)
      return .value(.null)
    case .whileLoop(let condition, let body):
      while try value(condition, frame).isTruthy {
        try tick()
        if try !iterate(body, frame) { break }
      }
      return .value(.null)
    case .tryCatch(let body, let errorSlot, let handler):
      return try tryCatch(body, errorSlot, handler, frame)
    case .returnValue(let result):
      throw ControlSignal.returnValue(try result.map { try value($0, frame) } ?? .null)
    case .breakLoop:
      throw ControlSignal.breakLoop
    case .continueLoop:
      throw ControlSignal.continueLoop
    default:
      return .value(try value(code, frame))
    }
  }

  /// Runs statements in order; only the first sees the block's input, and the value of
  /// each but the last is consumed and dropped.
  func block(_ statements: [Statement], _ frame: Frame, _ input: PipelineData) throws
    -> PipelineData
  {
    guard let last = statements.last else { return .value(.null) }
    var input = input
    for statement in statements.dropLast() {
      do {
        try drain(try data(statement.code, frame, input))
      } catch let error as ShellError {
        throw locate(error, statement.span, frame)
      }
      input = .empty
    }
    do {
      return try data(last.code, frame, input)
    } catch let error as ShellError {
      throw locate(error, last.span, frame)
    }
  }

  /// Pulls a stream to its end so its side effects happen.
  func drain(_ data: PipelineData) throws {
    guard case .stream(let stream) = data else { return }
    while try stream.next() != nil {}
  }

  private func forLoop(
    _ slot: Int, _ sequence: Code, _ body: Code, _ span: Span, _ frame: Frame
  ) throws {
    switch try data(sequence, frame, .empty) {
    case .empty, .value(.null):
      return
    case .value(.range(let range)):
      let count = range.count
      var i = 0
      while i < count {
        try tick()
        store(.int(range.element(at: i)), slot, frame)
        if try !iterate(body, frame) { return }
        i += 1
      }
    case .value(.list(let items)):
      for item in items {
        try tick()
        store(item, slot, frame)
        if try !iterate(body, frame) { return }
      }
    case .stream(let stream):
      while let item = try stream.next() {
        try tick()
        store(item, slot, frame)
        if try !iterate(body, frame) { return }
      }
    case .value(let other):
      throw locate(EvalErrors.notIterable(other), span, frame)
    }
  }

  /// One pass of a loop body; false once it says `break`.
  private func iterate(_ body: Code, _ frame: Frame) throws -> Bool {
    do {
      try drain(try data(body, frame, .empty))
    } catch let signal as ControlSignal {
      switch signal {
      case .breakLoop: return false
      case .continueLoop: return true
      case .returnValue: throw signal
      }
    }
    return true
  }

  /// The body's value is collected inside the `try`, so errors raised while a stream is
  /// consumed are caught too. Ctrl-C is never caught.
  private func tryCatch(_ body: Code, _ errorSlot: Int?, _ handler: Code?, _ frame: Frame)
    throws -> PipelineData
  {
    do {
      return .value(try data(body, frame, .empty).collect())
    } catch let error as ShellError where error.category != .interrupted {
      guard let handler else { return .value(.null) }
      if let errorSlot { store(.record(error.asRecord), errorSlot, frame) }
      return .value(try data(handler, frame, .empty).collect())
    }
  }
}
