import Foundation

/// Counts the items of the bulk runs in progress, for a progress line that a host draws
/// from a timer; the builtins only count, they never draw.
public final class BulkMeter: @unchecked Sendable {
  /// One run of a bulk builtin (an `each`, or an API builtin fed by a pipeline).
  public final class Run: @unchecked Sendable {
    public let label: String
    /// Whether its items change things (creates, verifies, deletes): an interruption
    /// names such a run even when it had done all its items, since a later stage may have
    /// dropped what it made.
    public let makesChanges: Bool
    /// Seconds on the monotonic clock when the run started.
    public let started: Double
    private let counts: Locked<(done: Int, failed: Int, total: Int?)>
    fileprivate weak var meter: BulkMeter?

    fileprivate init(label: String, total: Int?, makesChanges: Bool) {
      self.label = label
      self.makesChanges = makesChanges
      started = BulkMeter.now()
      counts = Locked((0, 0, total))
    }

    /// One more item finished; `failed` when it ended in an error.
    public func tick(failed: Bool = false) {
      counts.withLock { c in
        c.done += 1
        if failed { c.failed += 1 }
      }
    }

    /// The number of items, once known (a stream's length is known at its end).
    public func setTotal(_ total: Int) { counts.withLock { $0.total = total } }

    /// The run is over (finished, stopped or abandoned); its line goes away.
    public func end() { meter?.remove(self) }

    public var snapshot: Snapshot {
      let c = counts.current
      return Snapshot(
        label: label, done: c.done, failed: c.failed, total: c.total,
        elapsed: BulkMeter.now() - started)
    }
  }

  /// What a run has done so far.
  public struct Snapshot: Sendable, Equatable {
    public var label: String
    public var done: Int
    public var failed: Int
    public var total: Int?
    public var elapsed: Double

    public init(label: String, done: Int, failed: Int, total: Int?, elapsed: Double) {
      self.label = label
      self.done = done
      self.failed = failed
      self.total = total
      self.elapsed = elapsed
    }
  }

  private let runs = Locked<[Run]>([])
  /// The first runs of the current job (the runs started since none was active), kept
  /// after they end so an interruption can say how far the job got.
  private let job = Locked<[Run]>([])
  /// Enough for a pipeline of bulk stages; runs nested deeper are not what a report names.
  private static let jobRunsKept = 8

  public init() {}

  /// Starts counting a run; call `end` on it when it is over.
  public func start(_ label: String, total: Int?, makesChanges: Bool = false) -> Run {
    let run = Run(label: label, total: total, makesChanges: makesChanges)
    run.meter = self
    runs.withLock { list in
      job.withLock { job in
        if list.isEmpty { job = [run] } else if job.count < Self.jobRunsKept { job.append(run) }
      }
      list.append(run)
    }
    return run
  }

  fileprivate func remove(_ run: Run) {
    runs.withLock { $0.removeAll { $0 === run } }
  }

  /// The runs in progress, outermost first.
  public var active: [Snapshot] { runs.current.map(\.snapshot) }

  /// The runs of the job so far that an interruption cut short, then forgets the job:
  /// those that had not done all their items, and those that make changes, in the order
  /// they started. In `1..40 | each {…} | verify_managed_domain` that is only the verify
  /// run once `each` has produced all 40 items; in `… | create_managed_domain |
  /// verify_managed_domain` the create run too, done or not. When every run had finished,
  /// the first one.
  public func takeUnfinished() -> [Snapshot] {
    let runs = job.withLock { job in
      defer { job = [] }
      return job.map { ($0.snapshot, $0.makesChanges) }
    }
    let named = runs.filter { run, makesChanges in
      makesChanges || run.total.map { run.done < $0 } ?? true
    }.map(\.0)
    return named.isEmpty ? runs.prefix(1).map(\.0) : named
  }

  /// Seconds on a monotonic clock.
  public static func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
  }
}
