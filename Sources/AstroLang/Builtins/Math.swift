import AstroCore

/// Aggregates over a list of numbers (min and max also order strings and dates).
enum MathBuiltins {
  static let all: [Builtin] = [sum, min, max, avg]

  /// A running numeric total that stays an int until a float or an int overflow appears; a
  /// float overflow is an error.
  struct Total {
    var int = 0
    var float = 0.0
    var isFloat = false
    var count = 0

    mutating func add(_ value: Value, _ call: Invocation) throws {
      switch value {
      case .int(let i) where !isFloat:
        let (s, overflow) = int.addingReportingOverflow(i)
        if overflow {
          isFloat = true
          float = Double(int) + Double(i)
        } else {
          int = s
        }
      case .int(let i): float += Double(i)
      case .float(let d):
        if !isFloat {
          isFloat = true
          float = Double(int)
        }
        float += d
      default:
        throw ShellError.runtime(
          "type_mismatch",
          "'\(call.name)' expects numbers, found \(value.typeName) at item \(count)")
      }
      // Infinity would be written as null; refuse it as the '+' operator does.
      if isFloat && !float.isFinite {
        throw ShellError.runtime(
          "float_overflow",
          "'\(call.name)': the total is too large for a float at item \(count)",
          hint: "floats range up to about ±1.8e308")
      }
      count += 1
    }

    var value: Value { isFloat ? .float(float) : .int(int) }
  }

  static func total(_ call: Invocation) throws -> Total {
    var total = Total()
    try Streams.forEach(call.input, call.ctx) { try total.add($0, call) }
    return total
  }

  static let sum = define(
    "sum", category: DataCategory.math, abstract: "the sum of the numbers (0 for an empty list)",
    signature: Signature(input: "list<number>", output: "number"),
    examples: [
      Example("Add up", "[1, 2, 3] | sum", result: "6"),
      Example("A float makes a float", "[1, 2.5] | sum", result: "3.5"),
    ]
  ) { call in .value(try total(call).value) }

  static let avg = define(
    "avg", category: DataCategory.math,
    abstract: "the mean of the numbers (null for an empty list)",
    signature: Signature(input: "list<number>", output: "float"),
    examples: [Example("Average", "[1, 2, 3, 4] | avg", result: "2.5")]
  ) { call in
    let t = try total(call)
    guard t.count > 0 else { return .value(.null) }
    let sum = t.isFloat ? t.float : Double(t.int)
    return .value(.float(sum / Double(t.count)))
  }

  static let min = extreme("min", "the smallest item (null for an empty list)", sign: -1)
  static let max = extreme("max", "the largest item (null for an empty list)", sign: 1)

  private static func extreme(_ name: String, _ abstract: String, sign: Int) -> Builtin {
    define(
      name, category: DataCategory.math, abstract: abstract,
      signature: Signature(input: "list", output: "any"),
      examples: [
        Example("Of numbers", "[3, 1.5, 2] | \(name)", result: sign < 0 ? "1.5" : "3"),
        Example(
          "Of strings", #"["pear", "apple"] | \#(name)"#,
          result: sign < 0 ? #""apple""# : #""pear""#),
      ]
    ) { call in
      var best: Value?
      var index = 0
      try Streams.forEach(call.input, call.ctx) { item in
        defer { index += 1 }
        guard let current = best else {
          best = item
          return
        }
        guard Value.areComparable(current, item) else {
          throw ShellError.runtime(
            "type_mismatch",
            "'\(name)' cannot compare \(item.typeName) at item \(index) with \(current.typeName)")
        }
        if Value.order(item, current) * sign > 0 { best = item }
      }
      return .value(best ?? .null)
    }
  }
}
