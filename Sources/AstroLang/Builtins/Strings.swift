import AstroCore
import Foundation

/// String helpers. The ones that transform a string (upper, lower, trim, replace) also
/// apply to each string of a list or stream, lazily.
enum StringBuiltins {
  static let all: [Builtin] = [
    lines, split, join, upper, lower, trim, replace, contains, startsWith, endsWith,
  ]

  /// Reads the input as one string, or fails naming the type that came instead.
  static func inputString(_ call: Invocation) throws -> String {
    let value = try call.input.collect()
    guard case .string(let s) = value else {
      throw call.inputError(expected: "a string", found: value)
    }
    return s
  }

  /// Maps strings, lazily over lists and streams.
  static func mapStrings(_ call: Invocation, _ transform: @escaping (String) throws -> String)
    throws -> PipelineData
  {
    try Streams.mapEach(call.input, call.ctx) { value in
      guard case .string(let s) = value else {
        throw call.inputError(expected: "a string or a list of strings", found: value)
      }
      return .string(try transform(s))
    }
  }

  static let lines = define(
    "lines", category: DataCategory.strings,
    abstract: "split text into its lines (LF or CRLF); a final newline adds no empty line",
    signature: Signature(input: "string", output: "list<string>"),
    examples: [Example("Split text", #""a\nb\r\nc\n" | lines"#, result: #"["a","b","c"]"#)]
  ) { call in
    let text = try inputString(call)
    // "\r\n" is one Character, so both line ends are matched as characters.
    let isEnd = { (c: Character) in c == "\n" || c == "\r\n" }
    var out = text.split(omittingEmptySubsequences: false, whereSeparator: isEnd).map {
      Value.string(String($0))
    }
    if text.last.map(isEnd) ?? true { out.removeLast() }
    return .value(.list(out))
  }

  static let split = define(
    "split", category: DataCategory.strings,
    abstract: "split a string at each separator",
    signature: Signature(
      positional: [Parameter("separator", .string, "the text (or regex) to split at")],
      flags: [switchFlag("regex", short: "r", "treat the separator as a regular expression")],
      input: "string", output: "list<string>"),
    examples: [
      Example("Split at commas", #""a,b,,c" | split ",""#, result: #"["a","b","","c"]"#),
      Example(
        "Split at runs of spaces", #""a  b c" | split --regex " +""#, result: #"["a","b","c"]"#),
    ]
  ) { call in
    let text = try inputString(call)
    let separator = try call.string(0, "separator")
    guard !separator.isEmpty else {
      return .value(.list(text.map { .string(String($0)) }))
    }
    if call.has("regex") {
      let regex = try TextRegex.compile(separator, call)
      return .value(.list(TextRegex.split(text, regex).map { .string($0) }))
    }
    return .value(.list(text.components(separatedBy: separator).map { .string($0) }))
  }

  static let join = define(
    "join", category: DataCategory.strings,
    abstract: "join the items of a list into one string",
    signature: Signature(
      positional: [Parameter("separator", .string, optional: true, "put between items")],
      input: "list", output: "string"),
    examples: [Example("Join with a comma", #"["a", "b", 3] | join ", ""#, result: #""a, b, 3""#)]
  ) { call in
    let separator = try call.optionalString(0, "separator") ?? ""
    var out = ""
    var first = true
    try Streams.forEach(call.input, call.ctx) { item in
      if !first { out += separator }
      first = false
      out += item.plainText
    }
    return .value(.string(out))
  }

  static let upper = define(
    "upper", category: DataCategory.strings, abstract: "the string in upper case",
    signature: Signature(input: "string | list<string>", output: "string | list<string>"),
    examples: [Example("Shout", #""hello" | upper"#, result: #""HELLO""#)]
  ) { call in try mapStrings(call) { $0.uppercased() } }

  static let lower = define(
    "lower", category: DataCategory.strings, abstract: "the string in lower case",
    signature: Signature(input: "string | list<string>", output: "string | list<string>"),
    examples: [
      Example(
        "Each string of a list", #"["A.Example", "B"] | lower"#, result: #"["a.example","b"]"#)
    ]
  ) { call in try mapStrings(call) { $0.lowercased() } }

  static let trim = define(
    "trim", category: DataCategory.strings,
    abstract: "remove whitespace (or the given characters) from both ends",
    signature: Signature(
      flags: [
        switchFlag("left", short: "l", "only at the start"),
        switchFlag("right", short: "r", "only at the end"),
        Flag("char", short: "c", .string, "the characters to remove instead of whitespace"),
      ],
      input: "string | list<string>", output: "string | list<string>"),
    examples: [
      Example("Trim spaces", #""  hi  " | trim"#, result: #""hi""#),
      Example(
        "Trim slashes at the end", #""/a/b//" | trim --right --char "/""#,
        result: #""/a/b""#),
    ]
  ) { call in
    let set = try call.flagString("char").map { CharacterSet(charactersIn: $0) }
    let left = call.has("left") || !call.has("right")
    let right = call.has("right") || !call.has("left")
    return try mapStrings(call) { s in
      let isTrimmed = { (c: Character) in
        c.unicodeScalars.allSatisfy { set?.contains($0) ?? $0.properties.isWhitespace }
      }
      var sub = Substring(s)
      if left { sub = sub.drop(while: isTrimmed) }
      if right {
        while let last = sub.last, isTrimmed(last) { sub = sub.dropLast() }
      }
      return String(sub)
    }
  }

  static let replace = define(
    "replace", category: DataCategory.strings,
    abstract: "replace the first match (or every match with --all) of a text or regex",
    details: "With `--regex`, the replacement may refer to groups as `$1`, `$2`.",
    signature: Signature(
      positional: [
        Parameter("find", .string, "the text or regular expression to find"),
        Parameter("with", .string, "the replacement"),
      ],
      flags: [
        switchFlag("all", short: "a", "replace every match"),
        switchFlag("regex", short: "r", "treat 'find' as a regular expression"),
      ],
      input: "string | list<string>", output: "string | list<string>"),
    examples: [
      Example("Every dash", #""a-b-c" | replace --all "-" "+""#, result: #""a+b+c""#),
      Example(
        "Swap with regex groups", #""key=value" | replace --regex '(\w+)=(\w+)' '$2=$1'"#,
        result: #""value=key""#),
    ]
  ) { call in
    let find = try call.string(0, "find")
    let with = try call.string(1, "with")
    let all = call.has("all")
    if call.has("regex") {
      let regex = try TextRegex.compile(find, call)
      return try mapStrings(call) { TextRegex.replace($0, regex, with, all: all) }
    }
    guard !find.isEmpty else { throw call.invalid("the text to find is empty") }
    return try mapStrings(call) { s in
      if all { return s.replacingOccurrences(of: find, with: with) }
      guard let r = s.range(of: find) else { return s }
      return s.replacingCharacters(in: r, with: with)
    }
  }

  static let contains = define(
    "contains", category: DataCategory.strings,
    abstract: "whether a string contains a text, a list an item, or a record a field",
    signature: Signature(
      positional: [Parameter("needle", .any, "what to look for")],
      flags: [switchFlag("ignore-case", short: "i", "compare strings without regard to case")],
      input: "string | list | record", output: "bool"),
    examples: [
      Example("Substring", #""astronomer" | contains "nom""#, result: "true"),
      Example("List membership", "[1, 2, 3] | contains 4", result: "false"),
    ]
  ) { call in
    let needle = try call.required(0, "needle")
    let fold = call.has("ignore-case")
    switch try call.input.collect() {
    case .string(let s):
      let n = try call.asString(needle, "needle")
      return .value(.bool(fold ? s.lowercased().contains(n.lowercased()) : s.contains(n)))
    case .list(let items):
      return .value(.bool(items.contains { equal($0, needle, fold: fold) }))
    case .range(let r):
      return .value(.bool((0..<r.count).contains { .int(r.element(at: $0)) == needle }))
    case .record(let r):
      let key = try call.asString(needle, "needle")
      return .value(
        .bool(r.keys.contains { fold ? $0.lowercased() == key.lowercased() : $0 == key }))
    case let other:
      throw call.inputError(expected: "a string, list or record", found: other)
    }
  }

  private static func equal(_ a: Value, _ b: Value, fold: Bool) -> Bool {
    if fold, case .string(let x) = a, case .string(let y) = b {
      return x.lowercased() == y.lowercased()
    }
    return a == b
  }

  static let startsWith = affix(
    "starts_with", "whether the string starts with a prefix",
    Example("Test a prefix", #""astro.example" | starts_with "astro""#, result: "true")
  ) { $0.hasPrefix($1) }

  static let endsWith = affix(
    "ends_with", "whether the string ends with a suffix",
    Example("Test a suffix", #""astro.example" | ends_with ".com""#, result: "false")
  ) { $0.hasSuffix($1) }

  private static func affix(
    _ name: String, _ abstract: String, _ example: Example,
    _ test: @escaping @Sendable (String, String) -> Bool
  ) -> Builtin {
    define(
      name, category: DataCategory.strings, abstract: abstract,
      signature: Signature(
        positional: [Parameter("text", .string, "the text to look for")],
        flags: [switchFlag("ignore-case", short: "i", "compare without regard to case")],
        input: "string", output: "bool"),
      examples: [example]
    ) { call in
      var s = try inputString(call)
      var text = try call.string(0, "text")
      if call.has("ignore-case") {
        s = s.lowercased()
        text = text.lowercased()
      }
      return .value(.bool(test(s, text)))
    }
  }
}

/// Regular expressions, through NSRegularExpression like the language's `=~`.
enum TextRegex {
  static func compile(_ pattern: String, _ call: Invocation) throws -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern)
    } catch {
      throw call.invalid("'\(pattern)' is not a valid regular expression")
    }
  }

  static func split(_ text: String, _ regex: NSRegularExpression) -> [String] {
    let ns = text as NSString
    var parts: [String] = []
    var start = 0
    for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length))
    where m.range.length > 0 {
      parts.append(ns.substring(with: NSRange(location: start, length: m.range.location - start)))
      start = m.range.location + m.range.length
    }
    parts.append(ns.substring(from: start))
    return parts
  }

  static func replace(_ text: String, _ regex: NSRegularExpression, _ template: String, all: Bool)
    -> String
  {
    let ns = text as NSString
    let full = NSRange(location: 0, length: ns.length)
    if all { return regex.stringByReplacingMatches(in: text, range: full, withTemplate: template) }
    guard let m = regex.firstMatch(in: text, range: full) else { return text }
    let replacement = regex.replacementString(for: m, in: text, offset: 0, template: template)
    return ns.replacingCharacters(in: m.range, with: replacement)
  }
}
