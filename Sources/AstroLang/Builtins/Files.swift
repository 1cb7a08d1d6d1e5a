import AstroCore
import Foundation

/// `open` and `save`: files in the formats the language reads and writes.
enum FileBuiltins {
  static let all: [Builtin] = [open, save]

  /// The formats a file can be read or written as.
  enum FileFormat: String, CaseIterable {
    case json, ndjson, csv, tsv, text

    /// The format a path's extension implies (after any `.gz`); text when unknown.
    static func of(_ path: String) -> FileFormat {
      switch URL(fileURLWithPath: path).pathExtension.lowercased() {
      case "json": return .json
      case "ndjson", "jsonl": return .ndjson
      case "csv": return .csv
      case "tsv": return .tsv
      default: return .text
      }
    }

    static let names = FileFormat.allCases.map(\.rawValue)
  }

  /// The path without `.gz`, whether it had one, and the format to use.
  static func plan(_ call: Invocation, _ path: String) throws -> (gzip: Bool, format: FileFormat) {
    let gzip = path.lowercased().hasSuffix(".gz")
    let inner = gzip ? String(path.dropLast(3)) : path
    guard let name = try call.flagString("format") else { return (gzip, FileFormat.of(inner)) }
    guard let format = FileFormat(rawValue: name) else {
      throw call.invalid(
        "unknown format '\(name)'",
        hint: Suggest.hint(for: name, in: FileFormat.names)
          ?? "formats: \(FileFormat.names.joined(separator: ", "))")
    }
    return (gzip, format)
  }

  static let open = define(
    "open", category: DataCategory.files,
    abstract: "read a file as data: JSON, NDJSON (streamed), CSV, TSV or text by extension",
    details: """
      `.json` gives a value, `.ndjson`/`.jsonl` a stream read line by line (a big file \
      never sits in memory whole), `.csv`/`.tsv` a list of records (see `from_csv`), and \
      any other file its text. `--format` overrides the extension and `--raw` gives the \
      bytes. A `.gz` suffix is decompressed first when this build can. Files must be \
      UTF-8: invalid UTF-8 is an error naming the line and byte offset, and so is a \
      UTF-16 file; a text file that is not UTF-8 is given as bytes.
      """,
    signature: Signature(
      positional: [Parameter("path", .path, "the file to read")],
      flags: [
        Flag("format", short: "f", .oneOf(FileFormat.names), "read as this format"),
        switchFlag("raw", short: "r", "give the file's bytes as binary, unparsed"),
      ],
      input: "nothing", output: "any"),
    examples: [
      Example(
        "Write a JSON file and read it back",
        #"{a: [1, 2]} | save --force "/tmp/astrosh-open-1.json"; open "/tmp/astrosh-open-1.json""#,
        result: #"{"a":[1,2]}"#),
      Example(
        "Stream an NDJSON file through a filter",
        #"[{outcome: "FAILED"}, {outcome: "OK"}] | save --force "/tmp/astrosh-open-2.ndjson"; "#
          + #"open "/tmp/astrosh-open-2.ndjson" | where outcome == "FAILED" | count"#,
        result: "1"),
    ]
  ) { call in
    let path = FileIO.resolve(try call.string(0, "path"), call.ctx)
    let (gzip, format) = try plan(call, path)
    if call.has("raw") { return .value(.binary(try FileIO.readAll(path))) }
    if format == .ndjson && !gzip {
      let reader = NDJSONFileReader(fd: try FileIO.openForReading(path), path: path)
      return .stream(ValueStream { try reader.next() })
    }
    let codec = gzip ? try FileIO.gzip(call.ctx, path) : nil
    var bytes = try FileIO.readAll(path)
    if let codec { bytes = try decompress(bytes, codec, path) }
    return try decode(bytes, format: format, path: path)
  }

  /// Decompresses, turning the codec's own error into one that names the file.
  static func decompress(_ bytes: [UInt8], _ codec: GzipCodec, _ path: String) throws -> [UInt8] {
    do {
      return try codec.decompress(bytes)
    } catch let error as ShellError {
      throw error
    } catch {
      throw ShellError.runtime("file_error", "cannot decompress '\(path)': \(error)")
    }
  }

  static func decode(_ bytes: [UInt8], format: FileFormat, path: String) throws -> PipelineData {
    // NDJSON is checked line by line as it streams; text that is not UTF-8 is given as bytes.
    if format == .json || format == .csv || format == .tsv {
      try TextEncoding.requireUTF8(bytes, in: path)
    }
    switch format {
    case .json:
      do {
        return .value(try bytes.withUnsafeBufferPointer { try JSON.parse(bytes: $0) })
      } catch let error as JSON.SyntaxError {
        throw FormatBuiltins.jsonError(error, in: path)
      }
    case .ndjson:
      let reader = NDJSONFileReader(bytes: bytes, path: path)
      return .stream(ValueStream { try reader.next() })
    case .csv, .tsv:
      var options = CSV.ReadOptions()
      if format == .tsv { options.separator = 0x09 }
      do {
        return .value(.list(try CSV.parse(bytes: bytes, options: options)))
      } catch let error as CSV.ParseError {
        throw FormatBuiltins.csvError(error, in: path)
      }
    case .text:
      if TextEncoding.startsWithUTF16Mark(bytes) { try TextEncoding.requireUTF8(bytes, in: path) }
      guard let text = String(bytes: bytes, encoding: .utf8) else { return .value(.binary(bytes)) }
      return .value(.string(text))
    }
  }

  static let save = define(
    "save", category: DataCategory.files,
    abstract: "write the input to a file, replacing it atomically",
    details: """
      The format follows the extension as for `open` (or `--format`): JSON (indented), \
      NDJSON (written as the stream arrives), CSV/TSV, or text. A string input and \
      binary input are written as they are; a `.gz` path compresses, except bytes that \
      already are gzip (`get_organization_audit_logs --raw`). The new content goes to a \
      temporary file that is synced and then renamed over the target, so a reader never \
      sees half a file. An existing file is only replaced with `--force`; `--append` adds \
      to the end instead (not atomic). Appending to a CSV/TSV file that has a header \
      writes rows only, and records with other columns than the header are refused; \
      a JSON file holds one value, so appending to it is refused (use NDJSON). Appending \
      nothing leaves the file as it was, and a missing file missing.
      """,
    signature: Signature(
      positional: [Parameter("path", .path, "the file to write")],
      flags: [
        Flag("format", short: "f", .oneOf(FileFormat.names), "write as this format"),
        switchFlag("force", "replace the file if it exists"),
        switchFlag("append", short: "a", "add to the end of the file instead of replacing it"),
      ],
      input: "any", output: "nothing"),
    examples: [
      Example(
        "Save records as CSV and read the text back",
        #"[{a: 1, b: "x,y"}] | save --force "/tmp/astrosh-save-1.csv"; "#
          + #"open --format text "/tmp/astrosh-save-1.csv""#,
        result: #""a,b\n1,\"x,y\"\n""#)
    ]
  ) { call in
    let path = FileIO.resolve(try call.string(0, "path"), call.ctx)
    let (gzip, format) = try plan(call, path)
    let append = call.has("append")
    if !append && !call.has("force") && FileManager.default.fileExists(atPath: path) {
      throw ShellError.runtime(
        "file_exists", "'\(path)' already exists", hint: "use --force to replace it")
    }
    if append && format == .json {
      throw ShellError.runtime(
        "not_appendable",
        "cannot append to '\(path)': a JSON file holds one value, and a second one after it "
          + "would make the file invalid",
        hint: "keep records you append to as NDJSON, one value a line: save them to a "
          + ".ndjson path or with --format ndjson")
    }
    // Bytes that already are gzip (the audit logs' `--raw`) are written as they are.
    var isGzip = false
    if case .value(.binary(let b)) = call.input { isGzip = b.starts(with: [0x1F, 0x8B]) }
    let codec = gzip && !isGzip ? try FileIO.gzip(call.ctx, path) : nil
    var existing: AppendTarget?
    if append, !writesAsIs(call.input), format != .text {
      let separator: UInt8? =
        switch format {
        case .csv: UInt8(ascii: ",")
        case .tsv: 0x09
        default: nil
        }
      existing = try AppendTarget.probe(path, codec: codec, separator: separator)
    }
    var sink: any FileSink =
      append ? try AppendWriter(path: path) : try AtomicWriter(path: path)
    if let codec { sink = GzipSink(inner: sink, codec: codec) }
    do {
      try encode(call, format: format, into: sink, appendingTo: existing, path: path)
      try sink.commit()
    } catch {
      sink.abandon()
      throw error
    }
    return .value(.null)
  }

  /// Whether `save` writes the input as it is, whatever the format: a string or bytes.
  static func writesAsIs(_ input: PipelineData) -> Bool {
    switch input {
    case .value(.string), .value(.binary): return true
    default: return false
    }
  }

  /// Writes the input in `format`. `existing` describes the file an append adds to, when
  /// it has content.
  static func encode(
    _ call: Invocation, format: FileFormat, into sink: any FileSink,
    appendingTo existing: AppendTarget? = nil, path: String
  ) throws {
    if case .value(let v) = call.input {
      if case .string(let s) = v { return try sink.write(s) }
      if case .binary(let b) = v { return try sink.write(bytes: b) }
    }
    if let existing, let header = existing.header {
      return try appendCSV(call, header, format: format, into: sink, path: path, after: existing)
    }
    switch format {
    case .json:
      // The renderer writes a stream item by item, so a long stream is never held whole.
      let json = OutputRenderer(RenderOptions(format: .json, jsonIndent: 2))
      let input = call.input.isEmpty ? PipelineData.value(.null) : call.input
      try json.render(input) { try sink.write($0) }
    case .ndjson:
      // A file whose last line is unfinished gets a line break before the first new line.
      var lineBreak = existing.map { $0.endsWithLineBreak ? "" : "\n" } ?? ""
      try Streams.forEach(call.input, call.ctx) {
        try sink.write(lineBreak + NDJSON.line($0))
        lineBreak = ""
      }
    case .csv, .tsv:
      var options = CSV.WriteOptions()
      if format == .tsv { options.separator = "\t" }
      let items = try Streams.collect(call.input, call.ctx)
      do {
        try sink.write(try CSV.write(items, options: options))
      } catch let error as CSV.WriteError {
        throw ShellError.runtime("invalid_csv", error.message)
      }
    case .text:
      try Streams.forEach(call.input, call.ctx) { try sink.write($0.plainText + "\n") }
    }
  }
}

extension FileBuiltins {
  /// Appends rows to a CSV file that has a header: no second header, the file's column
  /// order and line break, and nothing written unless the records have exactly the
  /// file's columns (in any order).
  static func appendCSV(
    _ call: Invocation, _ header: AppendTarget.Header, format: FileFormat,
    into sink: any FileSink, path: String, after existing: AppendTarget
  ) throws {
    let records = try Streams.collect(call.input, call.ctx).map(CSV.asRecord)
    guard !records.isEmpty else { return }
    var columns: [String] = []
    var known = Set<String>()
    for r in records {
      for key in r.keys where known.insert(key).inserted { columns.append(key) }
    }
    guard known == Set(header.columns) else {
      let list = { (names: [String]) in names.map { "'\($0)'" }.joined(separator: ", ") }
      throw ShellError.runtime(
        "csv_columns_differ",
        "cannot append to '\(path)': its header has the columns \(list(header.columns)) "
          + "but the records have \(list(columns))",
        hint: "give the records the file's columns (select, rename or add them), "
          + "or save them to another file")
    }
    var options = CSV.WriteOptions()
    if format == .tsv { options.separator = "\t" }
    options.header = false
    options.lineEnd = header.lineEnd
    var writer = CSV.Writer(options: options, columns: header.columns)
    var out = existing.endsWithLineBreak ? "" : header.lineEnd
    do {
      for r in records { out += try writer.row(r) }
    } catch let error as CSV.WriteError {
      throw ShellError.runtime("invalid_csv", error.message)
    }
    try sink.write(out)
  }
}

/// Where `save` writes: atomically, appending, or through gzip.
protocol FileSink: AnyObject {
  func write(_ text: String) throws
  func write(bytes: [UInt8]) throws
  func commit() throws
  func abandon()
}

extension AtomicWriter: FileSink {}

/// Appends to a file; used by `save --append`, where atomic replacement does not apply.
///
/// The file is opened at the first byte written, so appending nothing leaves a missing file
/// missing (and an existing one untouched). Whether it could be written is still checked
/// up front, so a path in a missing or read-only directory fails the same either way.
final class AppendWriter: FileSink {
  private let path: String
  private var fd: Int32 = -1

  init(path: String) throws {
    self.path = path
    fd = Foundation.open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
    if fd >= 0 { return }
    guard errno == ENOENT else { throw FileIO.error("write", path) }
    // Missing: the directory must exist and take a new file.
    let directory = (path as NSString).deletingLastPathComponent
    guard access(directory.isEmpty ? "." : directory, W_OK | X_OK) == 0 else {
      throw FileIO.error("write", path)
    }
  }

  deinit { abandon() }

  func write(_ text: String) throws { try write(bytes: Array(text.utf8)) }

  func write(bytes: [UInt8]) throws {
    guard !bytes.isEmpty else { return }
    if fd < 0 {
      fd = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
      guard fd >= 0 else { throw FileIO.error("write", path) }
    }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes {
        Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset)
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw FileIO.error("write", path) }
      offset += n
    }
  }

  func commit() throws {
    guard fd >= 0 else { return }
    guard fsync(fd) == 0 else { throw FileIO.error("write", path) }
    abandon()
  }

  func abandon() {
    if fd >= 0 { close(fd) }
    fd = -1
  }
}

/// Collects the content, then hands it compressed to the inner sink on commit.
final class GzipSink: FileSink {
  private let inner: any FileSink
  private let codec: GzipCodec
  private var content: [UInt8] = []

  init(inner: any FileSink, codec: GzipCodec) {
    self.inner = inner
    self.codec = codec
  }

  func write(_ text: String) throws { content.append(contentsOf: text.utf8) }
  func write(bytes: [UInt8]) throws { content.append(contentsOf: bytes) }

  func commit() throws {
    // Appending nothing adds no gzip member, so the file stays as it was; a file that is
    // replaced gets a valid empty archive.
    if !content.isEmpty || !(inner is AppendWriter) {
      try inner.write(bytes: try codec.compress(content))
    }
    try inner.commit()
  }

  func abandon() { inner.abandon() }
}
