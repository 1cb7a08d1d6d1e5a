import AstroCore

/// The command line of `astrosh`, parsed.
///
/// Global options come before the script; everything after the script path (or after
/// `-c CODE`) is handed to the script as `$args`, with the first `--` taken out. An
/// astrosh option written after the script is refused rather than handed on: a
/// `--dry-run` or `--sandbox` that silently became a script argument would make the run
/// real. `astrosh FILE -- --dry-run` passes it to the script on purpose.
public struct Options: Sendable {
  public enum Mode: Sendable, Equatable {
    case interactiveOrStdin
    /// `astrosh -`: the script comes from standard input even when it is a terminal.
    case standardInput
    case file(String)
    case code(String)
    case serve([String])
    case help
    case version
  }

  public var mode: Mode = .interactiveOrStdin
  public var scriptArguments: [String] = []
  public var sandbox = false
  public var sandboxState: String?
  public var apiURL: String?
  public var organization: String?
  public var output: String?
  public var trace = false
  public var dryRun = false
  public var keepGoing = false
  public var progress = false
  public var journal: String?
  public var rateLimits: String?
  /// `--timeout`: seconds a request may wait for its answer.
  public var timeout: Double?
  public var retryUnsafe = false
  public var showSecrets = false
  public var color: Bool?

  public init() {}

  /// Options that take a value, with the text `--help` shows for each.
  static let valued: [(name: String, value: String, help: String)] = [
    ("sandbox-state", "FILE", "keep the sandbox's state in FILE across runs (implies --sandbox)"),
    (
      "api-url", "URL",
      "API base URL (default $ASTRO_API_URL or https://api.astronomer.io/v1alpha1)"
    ),
    ("organization", "ID", "default organization id or short name ($ASTRO_ORGANIZATION_ID)"),
    ("output", "FORMAT", "how results are shown: table, json, ndjson or csv"),
    ("journal", "FILE", "record completed changes in FILE; a rerun skips what is done"),
    ("rate-limit", "SPEC", "client-side limits per second, e.g. get=10,post=5,delete=5"),
    ("timeout", "SECONDS", "seconds a request waits for data (default 30); twice that in all"),
  ]

  /// Switches, with the text `--help` shows for each.
  static let switches: [(name: String, help: String)] = [
    ("sandbox", "talk to the built-in emulator of the API instead of Astronomer"),
    ("trace", "print every request and response line with timings to stderr"),
    ("dry-run", "send no changing request; print what would be sent"),
    ("keep-going", "in bulk work, carry on after a failed item and report them all"),
    ("progress", "show bulk progress on stderr even when it is not a terminal"),
    ("retry-unsafe", "also retry a create after a server error or timeout (may duplicate)"),
    ("show-secrets", "show secret fields in results instead of masking them"),
    ("color", "force coloured output"),
    ("no-color", "never colour output (also $NO_COLOR)"),
  ]

  static let formats = ["table", "json", "ndjson", "csv"]

  /// Parses the arguments after the program name.
  public static func parse(_ arguments: [String]) throws -> Options {
    var o = Options()
    var rest = arguments[...]
    if rest.first == "serve" {
      o.mode = .serve(Array(rest.dropFirst()))
      return o
    }
    while let arg = rest.popFirst() {
      if arg == "--" {
        if let file = rest.popFirst() { o.mode = .file(file) }
        o.scriptArguments = Array(rest)
        return o
      }
      if arg == "-h" || arg == "--help" {
        o.mode = .help
        return o
      }
      if arg == "-V" || arg == "--version" {
        o.mode = .version
        return o
      }
      if arg == "-c" {
        guard let code = rest.popFirst() else {
          throw ShellError.usage(
            "missing_value", "'-c' needs the code to run", hint: "astrosh -c 'print 1'")
        }
        o.mode = .code(code)
        o.scriptArguments = try scriptArguments(rest, after: "-c CODE")
        return o
      }
      if arg.hasPrefix("--") {
        try o.apply(flag: String(arg.dropFirst(2)), from: &rest)
        continue
      }
      if arg == "-" {
        o.mode = .standardInput
        o.scriptArguments = try scriptArguments(rest, after: "-")
        return o
      }
      if arg.hasPrefix("-") && arg.count > 1 {
        throw ShellError.usage(
          "unknown_option", "unknown option '\(arg)'", hint: "run 'astrosh --help' for the options")
      }
      o.mode = .file(arg)
      o.scriptArguments = try scriptArguments(rest, after: arg)
      return o
    }
    return o
  }

  /// The script's `$args`: the arguments with the first `--` taken out, provided none
  /// before it is one of astrosh's own options.
  private static func scriptArguments(_ rest: ArraySlice<String>, after script: String) throws
    -> [String]
  {
    let marker = rest.firstIndex(of: "--") ?? rest.endIndex
    if let option = rest[..<marker].first(where: isOwnOption) {
      throw ShellError.usage(
        "misplaced_option",
        "'\(option)' comes after '\(script)', so it would reach the script in $args "
          + "instead of applying to this run",
        hint: "put astrosh's options before the script, or write '--' before the script's "
          + "own arguments to pass them on")
    }
    return Array(rest[..<marker]) + Array(rest[marker...].dropFirst())
  }

  /// Whether `arg` names one of astrosh's options, with or without `=VALUE`.
  private static func isOwnOption(_ arg: String) -> Bool {
    if ["-c", "-h", "-V"].contains(arg) { return true }
    guard arg.hasPrefix("--") else { return false }
    let name = arg.dropFirst(2).prefix { $0 != "=" }
    return name == "help" || name == "version" || switches.contains { $0.name == name }
      || valued.contains { $0.name == name }
  }

  private mutating func apply(flag raw: String, from rest: inout ArraySlice<String>) throws {
    var name = raw
    var inlineValue: String?
    if let eq = raw.firstIndex(of: "=") {
      name = String(raw[..<eq])
      inlineValue = String(raw[raw.index(after: eq)...])
    }
    if Options.switches.contains(where: { $0.name == name }) {
      guard inlineValue == nil else {
        throw ShellError.usage("unexpected_value", "'--\(name)' takes no value")
      }
      setSwitch(name)
      return
    }
    guard Options.valued.contains(where: { $0.name == name }) else {
      let all = Options.switches.map(\.name) + Options.valued.map(\.name)
      // `--url` is a typo too far for edit distance from `--api-url`; a name that ends
      // an option's name is the likelier meaning.
      let near = Suggest.closest(to: name, in: all) ?? all.first { $0.hasSuffix("-" + name) }
      throw ShellError.usage(
        "unknown_option", "unknown option '--\(name)'",
        hint: near.map { "did you mean '--\($0)'?" } ?? "run 'astrosh --help' for the options")
    }
    let placeholder = Options.valued.first { $0.name == name }!.value
    if inlineValue == nil, let next = rest.first, next.count > 1, next.hasPrefix("-"),
      Double(next) == nil
    {
      // `--journal --dry-run` would otherwise journal into a file named `--dry-run` and
      // make the run real.
      throw ShellError.usage(
        "missing_value",
        "'--\(name)' needs a value (\(placeholder)), but the next argument '\(next)' is an "
          + "option",
        hint: "write '--\(name)=\(next)' if that really is the \(placeholder)")
    }
    guard let value = inlineValue ?? rest.popFirst(), !value.isEmpty else {
      throw ShellError.usage("missing_value", "'--\(name)' needs a value (\(placeholder))")
    }
    try setValue(name, value)
  }

  private mutating func setSwitch(_ name: String) {
    switch name {
    case "sandbox": sandbox = true
    case "trace": trace = true
    case "dry-run": dryRun = true
    case "keep-going": keepGoing = true
    case "progress": progress = true
    case "retry-unsafe": retryUnsafe = true
    case "show-secrets": showSecrets = true
    case "color": color = true
    case "no-color": color = false
    default: break
    }
  }

  private mutating func setValue(_ name: String, _ value: String) throws {
    switch name {
    case "sandbox-state":
      sandboxState = value
      sandbox = true
    case "api-url": apiURL = value
    case "organization": organization = value
    case "output":
      guard Options.formats.contains(value) else {
        throw ShellError.usage(
          "invalid_value", "unknown output format '\(value)'",
          hint: "use one of \(Options.formats.joined(separator: ", "))")
      }
      output = value
    case "journal": journal = value
    case "rate-limit": rateLimits = value
    case "timeout":
      guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
        throw ShellError.usage(
          "invalid_value",
          "'--timeout' needs a number of seconds from above 0 to 3600, not "
            + "'\(value)'")
      }
      timeout = seconds
    default: break
    }
  }

  /// The text of `astrosh --help`.
  public static var usage: String {
    var s = """
      astrosh: a scriptable shell for the Astronomer Organization API

      usage:
        astrosh [options]                      interactive shell (or a script on stdin)
        astrosh [options] FILE.astro [args…]   run a script
        astrosh [options] -c CODE [args…]      run CODE
        astrosh [options] - [args…]            run the script on standard input
        astrosh serve [--help]                 serve the API emulator over HTTP

      Options go before the script; its own arguments that look like astrosh's options
      go after '--' (astrosh FILE -- --dry-run).

      options:

      """
    for v in valued {
      s +=
        "  --\(v.name) \(v.value)".padding(toLength: 28, withPad: " ", startingAt: 0) + v.help
        + "\n"
    }
    for sw in switches {
      s += "  --\(sw.name)".padding(toLength: 28, withPad: " ", startingAt: 0) + sw.help + "\n"
    }
    s += """
        -h, --help                show this help
        -V, --version             show the version

      environment: ASTRO_API_TOKEN, ASTRO_API_URL, ASTRO_ORGANIZATION_ID, NO_COLOR,
      XDG_STATE_HOME (see docs/environment.md)
      exit codes: 0 ok, 1 runtime error, 2 usage error, 3 syntax error, 4 API client error
      (4xx), 5 API server or network error, 6 partial failure, 130 interrupted

      """
    return s
  }
}
