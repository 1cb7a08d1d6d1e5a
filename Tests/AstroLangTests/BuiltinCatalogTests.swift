import AstroCore
import Testing

@testable import AstroLang

/// Every builtin describes itself fully, and `help` reads those descriptions.
@Suite struct BuiltinCatalogTests {
  static let required = [
    "where", "each", "select", "reject", "get", "sort_by", "group_by", "first", "last", "skip",
    "count", "uniq", "flatten", "reduce", "enumerate", "range", "length", "lines", "split",
    "join", "upper", "lower", "trim", "replace", "contains", "starts_with", "ends_with", "sum",
    "min", "max", "avg", "print", "open", "save", "from_json", "to_json", "from_csv", "to_csv",
    "from_ndjson", "to_ndjson", "now", "format_date", "into_int", "into_string", "into_float",
    "describe", "help",
  ]

  @Test func everyRequiredBuiltinExists() {
    let names = Set(DataBuiltins.all.map(\.name))
    for name in Self.required { #expect(names.contains(name), "\(name)") }
    #expect(names.count == DataBuiltins.all.count, "names are unique")
  }

  @Test(arguments: DataBuiltins.all.map(\.name))
  func describesItself(name: String) {
    let b = builtin(name)
    #expect(b.name.allSatisfy { $0.isLowercase || $0 == "_" }, "snake_case name")
    #expect(!b.abstract.isEmpty && b.abstract.first!.isLowercase && !b.abstract.hasSuffix("."))
    #expect(!b.category.isEmpty)
    #expect((1...3).contains(b.examples.count), "1 to 3 examples")
    for flag in b.signature.flags {
      #expect(flag.name.allSatisfy { $0.isLowercase || $0 == "-" }, "kebab-case --\(flag.name)")
    }
    let shorts = b.signature.flags.compactMap(\.short)
    #expect(Set(shorts).count == shorts.count, "short flags are unique")
    for e in b.examples {
      #expect(e.code.contains(name), "an example of \(name) uses it: \(e.code)")
      if let result = e.result { #expect((try? JSON.parse(result)) != nil, "result is JSON") }
    }
  }

  @Test func helpListsCategoriesAndDescribesOne() throws {
    let ctx = FakeContext()
    #expect(try run("help", ctx: ctx) == .null)
    let overview = ctx.output.current
    #expect(overview.hasPrefix("filters:\n  each "))
    #expect(overview.contains("\nfiles:\n"))
    #expect(overview.contains("  where        keep the items for which a condition holds\n"))

    let page = FakeContext()
    _ = try run("help", [.string("save")], ctx: page)
    let text = page.output.current
    #expect(
      text.hasPrefix(
        "save: write the input to a file, replacing it atomically\n\nUsage:\n  save <path> [flags]\n"
      ))
    #expect(text.contains("  --format, -f  json|ndjson|csv|tsv|text  write as this format\n"))
    #expect(text.contains("  --force       switch"))
    #expect(text.contains("Input:  any\nOutput: nothing\n"))
    #expect(text.contains("Examples:\n  Save records as CSV"))
  }

  @Test func helpUsesTheHostCatalogAndSuggests() throws {
    let ctx = FakeContext()
    let api = Builtin("list_domains", category: "api", abstract: "list the domains") { _, _ in
      .empty
    }
    ctx.services.register(BuiltinCatalog(DataBuiltins.all + [api]))
    _ = try run("help", [.string("list_domains")], ctx: ctx)
    #expect(ctx.output.current.hasPrefix("list_domains: list the domains\n"))
    let e = errorOf { try run("help", [.string("list_domain")], ctx: ctx) }
    #expect(e?.message == "no builtin is named 'list_domain'")
    #expect(e?.hint == "did you mean 'list_domains'?")
  }

  @Test func helpFind() throws {
    let ctx = FakeContext()
    _ = try run("help", flags: ["find": .string("csv")], ctx: ctx)
    #expect(ctx.output.current.contains("from_csv"))
    #expect(ctx.output.current.contains("to_csv"))
    #expect(!ctx.output.current.contains("upper"))
  }

  @Test func catalogGroupsByCategoryInOrder() {
    let catalog = BuiltinCatalog(DataBuiltins.all)
    #expect(catalog.categories.first?.name == "filters")
    #expect(catalog.builtin(named: "sum")?.category == "math")
    #expect(catalog.builtin(named: "nope") == nil)
  }
}
