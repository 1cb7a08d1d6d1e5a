import AstroCore

/// The closure of `each`, counted for the progress line and, when the run keeps going
/// past failures, for the summary at the end of the script.
///
/// Under the script-wide `--keep-going` (policy `.skip`) a failed item gives null, which
/// `each` drops, so later stages see only the items that worked; the failure goes to the
/// ledger instead. An interruption is never an item's failure: it always propagates.
struct EachBody {
  let closure: ItemClosure
  let policy: FailurePolicy
  private let tracker: EachTracker?

  init(_ call: Invocation) throws {
    closure = try call.itemClosure(0, "closure")
    policy = BulkSettings.policy(explicitKeepGoing: call.has("keep-going"), call.ctx)
    tracker = EachTracker(call, policy: policy)
  }

  func callAsFunction(_ item: Value) throws -> Value {
    do {
      let value = try closure(item)
      tracker?.finished(item, nil)
      return value
    } catch let error as ShellError where error.category != .interrupted {
      tracker?.finished(item, error)
      if policy == .skip { return .null }
      throw error
    }
  }
}

/// Reports one `each` run to the session's meter and ledger; the run's progress line
/// ends when the run's stream (which holds the tracker) goes away.
private final class EachTracker: @unchecked Sendable {
  private let run: BulkMeter.Run?
  private let ledger: BulkLedger?
  /// Where a left-out item is reported when no summary comes at the end (the
  /// interactive shell), so that it is never dropped silently.
  private let reportNow: (@Sendable (String) -> Void)?

  init?(_ call: Invocation, policy: FailurePolicy) {
    guard let settings = BulkSettings.of(call.ctx) else { return nil }
    var total: Int?
    switch call.input {
    case .stream(let s): total = s.knownCount
    case .value(.list(let l)): total = l.count
    case .value(.range(let r)): total = r.count
    default: total = nil
    }
    run = settings.meter?.start("each", total: total)
    let deferred = settings.ledger.defersSummary
    ledger = policy.keepsGoing && deferred ? settings.ledger : nil
    if policy == .skip && !deferred {
      let ctx = call.ctx
      reportNow = { text in ctx.writeError(text) }
    } else {
      reportNow = nil
    }
    if run == nil && ledger == nil && reportNow == nil { return nil }
  }

  deinit { run?.end() }

  func finished(_ item: Value, _ error: ShellError?) {
    run?.tick(failed: error != nil)
    if let error, let reportNow {
      let label = BulkLedger.label(item)
      reportNow("each: left out \(label.isEmpty ? "an item" : label): \(error.message)\n")
    }
    guard let ledger else { return }
    if let error {
      ledger.failed("each", index: nil, item: item, error: error)
    } else {
      ledger.succeeded("each")
    }
  }
}
