import AstroCore

/// Every builtin the running shell knows, for `help` and completion.
///
/// The host builds one from all its builtin lists (data, API, …) and registers it with
/// `services.register(catalog)`. Without one, `help` describes the data builtins only.
public final class BuiltinCatalog: Sendable {
  public let builtins: [Builtin]
  private let byName: [String: Int]

  public init(_ builtins: [Builtin]) {
    self.builtins = builtins
    var index: [String: Int] = [:]
    for (i, b) in builtins.enumerated() where index[b.name] == nil { index[b.name] = i }
    byName = index
  }

  public func builtin(named name: String) -> Builtin? { byName[name].map { builtins[$0] } }

  public var names: [String] { builtins.map(\.name) }

  /// Categories in order of first appearance, each with its builtins sorted by name.
  public var categories: [(name: String, builtins: [Builtin])] {
    var order: [String] = []
    var groups: [String: [Builtin]] = [:]
    for b in builtins {
      if groups[b.category] == nil { order.append(b.category) }
      groups[b.category, default: []].append(b)
    }
    return order.map { ($0, groups[$0]!.sorted { $0.name < $1.name }) }
  }
}

enum HelpBuiltins {
  static let all: [Builtin] = [help]

  static let help = define(
    "help", category: DataCategory.help,
    abstract: "list the builtins by category, or show how to use one",
    details: """
      `help` lists every builtin with a one-line summary. `help NAME` shows its \
      signature, parameters and flags with their types, what it takes from and gives to \
      the pipeline, the details and runnable examples. `help --find WORD` lists the \
      builtins whose name or summary mention WORD.
      """,
    signature: Signature(
      positional: [Parameter("name", .string, optional: true, "the builtin to describe")],
      flags: [Flag("find", short: "f", .string, "search names and summaries")],
      input: "nothing", output: "nothing"),
    examples: [Example("Show how to use where", "help where", result: "null")]
  ) { call in
    let catalog = call.ctx.services.get(BuiltinCatalog.self) ?? BuiltinCatalog(DataBuiltins.all)
    if let word = try call.flagString("find") {
      call.ctx.write(HelpText.search(word, in: catalog))
    } else if let name = try call.optionalString(0, "name") {
      guard let builtin = catalog.builtin(named: name) else {
        throw ShellError.usage(
          "unknown_command", "no builtin is named '\(name)'",
          hint: Suggest.hint(for: name, in: catalog.names) ?? "'help' lists them all")
      }
      call.ctx.write(HelpText.page(for: builtin))
    } else {
      call.ctx.write(HelpText.overview(catalog))
    }
    return .value(.null)
  }
}

/// The text `help` writes; plain text, so it reads the same in a terminal and a file.
enum HelpText {
  static func overview(_ catalog: BuiltinCatalog) -> String {
    let width = (catalog.builtins.map(\.name.count).max() ?? 0) + 2
    var out = ""
    for (category, builtins) in catalog.categories {
      out += "\(category):\n"
      for b in builtins { out += "  " + padded(b.name, width) + b.abstract + "\n" }
      out += "\n"
    }
    out += "Run 'help NAME' for the details of one builtin.\n"
    return out
  }

  static func search(_ word: String, in catalog: BuiltinCatalog) -> String {
    let w = word.lowercased()
    let hits = catalog.builtins.filter {
      $0.name.lowercased().contains(w) || $0.abstract.lowercased().contains(w)
    }
    guard !hits.isEmpty else { return "no builtin mentions '\(word)'\n" }
    let width = (hits.map(\.name.count).max() ?? 0) + 2
    return hits.map { "  " + padded($0.name, width) + $0.abstract + "\n" }.joined()
  }

  static func page(for b: Builtin) -> String {
    let s = b.signature
    var out = "\(b.name): \(b.abstract)\n\nUsage:\n  \(usage(b))\n"
    var params = s.positional.map { p in
      ("\(p.name)\(p.optional ? "?" : "")", p.type.name, p.description)
    }
    if let rest = s.rest { params.append(("...\(rest.name)", rest.type.name, rest.description)) }
    out += table("Parameters", params)
    out += table(
      "Flags",
      s.flags.map { f in
        let short = f.short.map { ", -\($0)" } ?? ""
        return ("--\(f.name)\(short)", f.type?.name ?? "switch", f.description)
      })
    out += "\nInput:  \(s.input)\nOutput: \(s.output)\n"
    if let details = b.details { out += "\n" + details + "\n" }
    if !b.examples.isEmpty {
      out += "\nExamples:\n"
      for e in b.examples {
        out += "  \(e.description):\n    > \(e.code)\n"
        if let result = e.result, result != "null" { out += "    \(result)\n" }
      }
    }
    out += "\nCategory: \(b.category)\n"
    return out
  }

  static func usage(_ b: Builtin) -> String {
    var parts = [b.name]
    for p in b.signature.positional {
      parts.append(p.optional ? "[\(p.name)]" : "<\(p.name)>")
    }
    if let rest = b.signature.rest { parts.append("[...\(rest.name)]") }
    if !b.signature.flags.isEmpty { parts.append("[flags]") }
    return parts.joined(separator: " ")
  }

  private static func table(_ title: String, _ rows: [(String, String, String)]) -> String {
    guard !rows.isEmpty else { return "" }
    let w0 = rows.map(\.0.count).max()! + 2
    let w1 = rows.map(\.1.count).max()! + 2
    return "\n\(title):\n"
      + rows.map { "  " + padded($0.0, w0) + padded($0.1, w1) + $0.2 + "\n" }
      .joined()
  }

  private static func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
  }
}
