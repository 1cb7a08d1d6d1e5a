extension Value {
  /// The text a value reads as in `print`, `join`, `into_string` and string
  /// interpolation: strings as they are, null as nothing, numbers and dates in their usual
  /// form, ranges as written, lists and records as compact JSON.
  public var plainText: String {
    switch self {
    case .null: return ""
    case .string(let s): return s
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d):
      if d.isNaN { return "nan" }
      if d.isInfinite { return d < 0 ? "-inf" : "inf" }
      return JSON.formatDouble(d)
    case .date(let d): return ISODate.format(d)
    case .range(let r):
      let op = r.inclusive ? ".." : "..<"
      return "\(r.start)\(op)\(r.end)"
    case .closure: return "<closure>"
    default: return JSON.serialize(self)
    }
  }
}
