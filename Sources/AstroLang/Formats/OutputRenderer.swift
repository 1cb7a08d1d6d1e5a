import AstroCore
import Dispatch

/// The formats the host can show a top-level value in (`--output`).
public enum OutputFormat: String, Sendable, CaseIterable {
  case table, json, ndjson, csv

  /// A table for a person at a terminal, JSON for a program reading a pipe or file.
  public static func automatic(isTerminal: Bool) -> OutputFormat { isTerminal ? .table : .json }
}

/// How the host wants values shown.
public struct RenderOptions: Sendable {
  public var format: OutputFormat
  /// The terminal's width for tables; nil when output is not a terminal, and then no
  /// cell is ever cut.
  public var terminalWidth: Int?
  /// Bold table headers (only when writing to a terminal that wants colour).
  public var color: Bool
  /// Fields whose values are secrets, shown as `••••••` at any depth.
  public var maskedKeys: Set<String>
  /// Shows masked fields as they are (`--show-secrets`).
  public var showSecrets: Bool
  /// Spaces per level for JSON output; 0 writes compact JSON.
  public var jsonIndent: Int

  public init(
    format: OutputFormat = .json, terminalWidth: Int? = nil, color: Bool = false,
    maskedKeys: Set<String> = [], showSecrets: Bool = false, jsonIndent: Int = 2
  ) {
    self.format = format
    self.terminalWidth = terminalWidth
    self.color = color
    self.maskedKeys = maskedKeys
    self.showSecrets = showSecrets
    self.jsonIndent = jsonIndent
  }
}

/// Writes pipeline data in an output format, streaming where the format allows: a JSON
/// array item by item, NDJSON and CSV line by line. Only the table needs every row first.
public struct OutputRenderer: Sendable {
  public static let mask = "••••••"
  /// Output is handed to the writer in chunks of about this size.
  static let chunkSize = 1 << 16

  public var options: RenderOptions

  public init(_ options: RenderOptions) { self.options = options }

  /// Renders `data`, passing text to `write` in order. Empty data writes nothing; any
  /// other value ends with a newline.
  public func render(_ data: PipelineData, to write: (String) throws -> Void) throws {
    if data.isEmpty { return }
    try withoutActuallyEscaping(write) { write in
      var out = ChunkedOutput(write: write)
      do {
        switch options.format {
        case .json: try renderJSON(data, &out)
        case .ndjson: try forEachItem(data) { try out.append(NDJSON.line($0)) }
        case .csv: try renderCSV(data, &out)
        case .table:
          let table = TableRenderer(width: options.terminalWidth, color: options.color)
          try out.append(table.render(masked(try data.collect())))
        }
      } catch {
        // What was rendered before the stream failed (or Ctrl-C) still goes out: with
        // NDJSON those are whole results, and the ids of changes already made.
        try? out.flush()
        throw error
      }
      try out.flush()
    }
  }

  /// The rendered text as one string, for tests and small outputs.
  public func string(_ data: PipelineData) throws -> String {
    var text = ""
    try render(data) { text += $0 }
    return text
  }

  /// The value with every masked field replaced by `••••••`, unless secrets are shown.
  public func masked(_ value: Value) -> Value {
    guard !options.showSecrets, !options.maskedKeys.isEmpty else { return value }
    switch value {
    case .record(let r):
      return .record(
        Record(
          keys: r.keys,
          values: zip(r.keys, r.values).map { key, v in
            options.maskedKeys.contains(key) && !v.isNull ? .string(Self.mask) : masked(v)
          }))
    case .list(let items): return .list(items.map(masked))
    default: return value
    }
  }

  private func forEachItem(_ data: PipelineData, _ body: (Value) throws -> Void) throws {
    switch data {
    case .stream, .value(.list), .value(.range):
      let items = data.items()
      while let item = try items.next() { try body(masked(item)) }
    default: try body(masked(try data.collect()))
    }
  }

  private func renderJSON(_ data: PipelineData, _ out: inout ChunkedOutput) throws {
    let indent = options.jsonIndent
    guard case .stream(let items) = data else {
      try out.append(JSON.serialize(masked(try data.collect()), indent: indent) + "\n")
      return
    }
    var count = 0
    while let item = try items.next() {
      var text = count == 0 ? "[" : ","
      if indent > 0 { text += "\n" + String(repeating: " ", count: indent) }
      JSON.write(masked(item), into: &text, indent: indent, level: 1)
      try out.append(text)
      count += 1
    }
    try out.append(count == 0 ? "[]\n" : (indent > 0 ? "\n]\n" : "]\n"))
  }

  private func renderCSV(_ data: PipelineData, _ out: inout ChunkedOutput) throws {
    do {
      if case .value(.list(let items)) = data {
        try out.append(try CSV.write(items.map(masked)))
        return
      }
      var writer = CSV.Writer()
      try forEachItem(data) { try out.append(try writer.row($0)) }
    } catch let error as CSV.WriteError {
      throw ShellError.runtime(
        "invalid_csv", error.message,
        hint: "collect the stream first (let rows = …) so the header can hold every field")
    }
  }
}

/// Gathers small writes into larger chunks before handing them on.
private struct ChunkedOutput {
  let write: (String) throws -> Void
  var buffer = ""
  /// When the buffer was last written out, in nanoseconds of uptime.
  var flushed = DispatchTime.now().uptimeNanoseconds
  /// Text waits at most this long: a stream of slow API results appears as it arrives.
  static let maxDelay: UInt64 = 100_000_000

  mutating func append(_ text: String) throws {
    buffer += text
    if buffer.utf8.count >= OutputRenderer.chunkSize
      || DispatchTime.now().uptimeNanoseconds - flushed >= Self.maxDelay
    {
      try flush()
    }
  }

  mutating func flush() throws {
    flushed = DispatchTime.now().uptimeNanoseconds
    guard !buffer.isEmpty else { return }
    try write(buffer)
    buffer = ""
  }
}
