/// The one error type every layer raises into the language.
///
/// Messages never contain their own location: the location travels beside the message and
/// `Diagnostic.render` places it. Texts are lower case, without a trailing period, and
/// quote source text in single quotes.
public struct ShellError: Error, Sendable {
  /// What kind of failure this is; it decides the process exit code.
  public enum Category: String, Sendable, CaseIterable {
    case usage
    case syntax
    case runtime
    case apiClient = "api_client"
    case apiServer = "api_server"
    case network
    case partial
    case interrupted

    /// Exit codes, also listed in the README.
    public var exitCode: Int32 {
      switch self {
      case .runtime: return 1
      case .usage: return 2
      case .syntax: return 3
      case .apiClient: return 4
      case .apiServer, .network: return 5
      case .partial: return 6
      case .interrupted: return 130
      }
    }
  }

  public var category: Category
  /// A stable identifier such as `unknown_command` or `api_not_found`.
  public var code: String
  public var message: String
  public var hint: String?
  public var location: SourceLocation?
  /// Extra fields a `catch` block sees, such as `status` and `requestId` for API errors.
  public var details: Record

  public init(
    _ category: Category, code: String, _ message: String, hint: String? = nil,
    at location: SourceLocation? = nil, details: Record = Record()
  ) {
    self.category = category
    self.code = code
    self.message = message
    self.hint = hint
    self.location = location
    self.details = details
  }

  public static func runtime(_ code: String, _ message: String, hint: String? = nil) -> ShellError {
    ShellError(.runtime, code: code, message, hint: hint)
  }

  public static func usage(_ code: String, _ message: String, hint: String? = nil) -> ShellError {
    ShellError(.usage, code: code, message, hint: hint)
  }

  public static let interrupted = ShellError(.interrupted, code: "interrupted", "interrupted")

  /// Attaches a location unless the error already has a more precise one.
  public func located(_ location: SourceLocation?) -> ShellError {
    guard self.location == nil, let location else { return self }
    var copy = self
    copy.location = location
    return copy
  }

  /// The record a `catch {|e| … }` block receives.
  public var asRecord: Record {
    var r = Record()
    r["message"] = .string(message)
    r["code"] = .string(code)
    r["category"] = .string(category.rawValue)
    if let hint { r["hint"] = .string(hint) }
    for (k, v) in details.pairs { r[k] = v }
    if let location {
      let lc = location.file.lineAndColumn(of: location.span.start)
      r["file"] = .string(location.file.name)
      r["line"] = .int(lc.line)
      r["column"] = .int(lc.column)
    }
    return r
  }
}
