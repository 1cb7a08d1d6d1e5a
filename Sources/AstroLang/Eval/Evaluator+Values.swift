import AstroCore

/// Expressions that produce one value. Pipelines, calls and control flow are in
/// `Evaluator+Statements`; each `Code` case is handled in exactly one of the two.
extension Evaluator {
  func value(_ code: Code, _ frame: Frame) throws -> Value {
    switch code {
    case .constant(let v):
      return v
    case .local(let slot):
      return frame.slots[slot]
    case .global(let slot):
      return engine.globals.read(slot)
    case .localConstant(let op, let slot, let b, let span):
      return try binary(op, frame.slots[slot], b, span, frame)
    case .binaryConstant(let op, let lhs, let b, let span):
      return try binary(op, try value(lhs, frame), b, span, frame)
    case .localLocal(let op, let a, let b, let span):
      return try binary(op, frame.slots[a], frame.slots[b], span, frame)
    case .binary(let op, let lhs, let rhs, let span):
      let a = try value(lhs, frame)
      return try binary(op, a, try value(rhs, frame), span, frame)
    case .and(let lhs, let rhs):
      return .bool(try value(lhs, frame).isTruthy && value(rhs, frame).isTruthy)
    case .or(let lhs, let rhs):
      return .bool(try value(lhs, frame).isTruthy || value(rhs, frame).isTruthy)
    case .not(let operand):
      return .bool(!(try value(operand, frame).isTruthy))
    default:
      return try compound(code, frame)
    }
  }

  @inline(__always)
  private func binary(_ op: BinaryOp, _ a: Value, _ b: Value, _ span: Span, _ frame: Frame)
    throws -> Value
  {
    if case .int(let x) = a, case .int(let y) = b, let result = Operators.int(op, x, y) {
      return result
    }
    return try binarySlow(op, a, b, span, frame)
  }

  @inline(never)
  private func binarySlow(_ op: BinaryOp, _ a: Value, _ b: Value, _ span: Span, _ frame: Frame)
    throws -> Value
  {
    do {
      return try Operators.apply(op, a, b)
    } catch let error as ShellError {
      throw locate(error, span, frame)
    }
  }

  /// Values built from parts: strings, lists, records, ranges, access paths, closures.
  private func compound(_ code: Code, _ frame: Frame) throws -> Value {
    switch code {
    case .negate(let operand, let span):
      do {
        return try Operators.negate(try value(operand, frame))
      } catch let error as ShellError {
        throw locate(error, span, frame)
      }
    case .interpolation(let parts):
      var text = ""
      for part in parts { text += try value(part, frame).plainText }
      return .string(text)
    case .list(let items):
      var out: [Value] = []
      out.reserveCapacity(items.count)
      for item in items { out.append(try value(item, frame)) }
      return .list(out)
    case .record(let keys, let codes):
      var values: [Value] = []
      values.reserveCapacity(codes.count)
      for code in codes { values.append(try value(code, frame)) }
      return .record(Record(keys: keys, values: values))
    case .range(let lower, let upper, let inclusive, let span):
      do {
        return try Operators.range(
          try value(lower, frame), try value(upper, frame), inclusive: inclusive)
      } catch let error as ShellError {
        throw locate(error, span, frame)
      }
    case .access(let base, let steps, _):
      return try access(try value(base, frame), steps, frame)
    case .closure(let proto, let captures):
      var captured: [Value] = []
      captured.reserveCapacity(captures.count)
      for capture in captures { captured.append(try value(capture, frame)) }
      return .closure(Closure(proto: proto, captured: captured))
    default:
      return try data(code, frame, .empty).collect()
    }
  }
}
