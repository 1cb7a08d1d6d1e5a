import Foundation

/// Script-wide settings of bulk work, registered in `Services` by the host and read by
/// every builtin that runs one piece of work per item: `each` and the API builtins fed
/// by a pipeline.
///
/// Without it (a host that registers none, or a test) each builtin behaves on its own:
/// its `--keep-going` flag decides, and its summary is printed when it finishes.
public final class BulkSettings: Sendable {
  /// `--keep-going` for the whole script: failed items are left out of the results,
  /// reported in the summary at the end, and the run exits with the partial-failure code.
  public let keepGoing: Bool
  /// Where keep-going failures are collected for the summary.
  public let ledger: BulkLedger
  /// Counts items as they finish, for the progress line; nil when nothing shows progress.
  public let meter: BulkMeter?

  public init(keepGoing: Bool = false, ledger: BulkLedger = BulkLedger(), meter: BulkMeter? = nil) {
    self.keepGoing = keepGoing
    self.ledger = ledger
    self.meter = meter
  }

  /// The settings of the session `ctx` runs in, if the host registered any.
  public static func of(_ ctx: any CallContext) -> BulkSettings? {
    ctx.services.get(BulkSettings.self)
  }

  /// What a bulk builtin does with a failed item, given whether it was called with its
  /// own `--keep-going`.
  public static func policy(explicitKeepGoing: Bool, _ ctx: any CallContext) -> FailurePolicy {
    if explicitKeepGoing { return .record }
    return of(ctx)?.keepGoing == true ? .skip : .stop
  }
}

/// What a bulk builtin does when one item fails.
public enum FailurePolicy: Sendable, Equatable {
  /// The first failure stops the run with its error (the default).
  case stop
  /// Every item gives a result record, `{ok: true, value}` or `{ok: false, error, item}`
  /// (the builtin's own `--keep-going`).
  case record
  /// Failed items are left out of the results, so later stages keep their data shape;
  /// they are counted and reported in the summary (the script-wide `--keep-going`).
  case skip

  public var keepsGoing: Bool { self != .stop }
}

/// Every item that failed in a keep-going run, and how many succeeded, for the summary
/// printed at the end of a script and for its exit code.
public final class BulkLedger: @unchecked Sendable {
  /// One failed item.
  public struct Failure: Sendable {
    /// The builtin that ran it, e.g. `verify_managed_domain` or `each`.
    public var builtin: String
    /// The item's position in its run's input, when the builtin knows it.
    public var index: Int?
    /// The item's ids and names, or the item itself when it is short.
    public var label: String
    public var error: ShellError
  }

  private struct State {
    var succeeded: [String: Int] = [:]
    var failures: [Failure] = []
    var order: [String] = []
    var deferred = false
  }

  private let state = Locked(State())

  public init() {}

  /// When set (by a script runner), builtins leave the summary to the end of the run
  /// instead of printing their own when they finish.
  public var defersSummary: Bool {
    get { state.current.deferred }
    set { state.withLock { $0.deferred = newValue } }
  }

  public func succeeded(_ builtin: String, count: Int = 1) {
    state.withLock { s in
      if s.succeeded[builtin] == nil, !s.order.contains(builtin) { s.order.append(builtin) }
      s.succeeded[builtin, default: 0] += count
    }
  }

  public func failed(_ builtin: String, index: Int?, item: Value, error: ShellError) {
    let failure = Failure(
      builtin: builtin, index: index, label: BulkLedger.label(item), error: error)
    state.withLock { s in
      if !s.order.contains(builtin) { s.order.append(builtin) }
      s.failures.append(failure)
    }
  }

  public var failures: [Failure] { state.current.failures }
  public var failedCount: Int { state.current.failures.count }
  public var succeededCount: Int { state.current.succeeded.values.reduce(0, +) }
  /// Whether any keep-going run recorded anything.
  public var isEmpty: Bool { state.current.order.isEmpty }

  /// `summary: 1 item failed`, then per builtin how many items were ok and how many
  /// failed, with one line per failed item naming it and the reason.
  public var summary: String {
    let s = state.current
    let n = s.failures.count
    var out =
      "summary: " + (n == 0 ? "no item failed" : n == 1 ? "1 item failed" : "\(n) items failed")
    out += "\n"
    for builtin in s.order {
      let failed = s.failures.filter { $0.builtin == builtin }
      out += "  \(builtin): \(s.succeeded[builtin] ?? 0) ok, \(failed.count) failed\n"
      for f in failed {
        var who = f.label.isEmpty ? "an item" : f.label
        if let index = f.index { who = "item \(index)" + (f.label.isEmpty ? "" : " (\(f.label))") }
        out += "    \(who): \(f.error.message)\n"
      }
    }
    return out
  }

  /// The ids and names of a record (`id`, `name`, `auth0ConnectionName`, `shortName`),
  /// or a short scalar item itself.
  public static func label(_ item: Value) -> String {
    switch item {
    case .record(let r):
      let keys = ["id", "name", "domain", "auth0ConnectionName", "shortName"]
      return keys.compactMap { key in r[key]?.scalarText }.joined(separator: ", ")
    default:
      let text = item.scalarText ?? ""
      return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
  }
}

extension Value {
  /// A string, number or boolean as text; nil for anything else.
  fileprivate var scalarText: String? {
    switch self {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .float(let d): return String(d)
    case .bool(let b): return b ? "true" : "false"
    default: return nil
    }
  }
}
