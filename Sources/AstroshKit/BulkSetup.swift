import AstroCore
import Emulator
import Foundation
import Interactive
import OrgAPI

/// The bulk-work side of a session, built from the options: the script-wide
/// `--keep-going` that every bulk builtin reads, the journal the API client records
/// changes in, and the progress line. The script runner reports through it when a run
/// ends: the keep-going summary, the interruption, the journal.
final class BulkSetup: @unchecked Sendable {
  let settings: BulkSettings
  let journal: Journal?
  private let meter: BulkMeter
  private let progress: ProgressLine?
  private let status: StatusLine
  private let client: APIClient

  init(
    options: Options, environment: [String: String], client: APIClient, services: Services,
    status: StatusLine, stderrIsTerminal: Bool
  ) throws {
    meter = BulkMeter()
    settings = BulkSettings(keepGoing: options.keepGoing, meter: meter)
    services.register(settings)
    self.status = status
    self.client = client
    journal = try BulkSetup.journal(
      options, target: BulkSetup.journalTarget(options, client), status: status)
    client.journal = journal
    if stderrIsTerminal || options.progress {
      progress = ProgressLine(
        meter: meter, screen: status, inPlace: stderrIsTerminal,
        width: stderrIsTerminal ? terminalWidth(environment: environment) : 200)
    } else {
      progress = nil
    }
  }

  /// The journal of `--journal`; a dry run neither reads nor writes it.
  private static func journal(_ options: Options, target: String, status: StatusLine) throws
    -> Journal?
  {
    guard let path = options.journal else { return nil }
    if options.dryRun {
      status.print("dry-run: the journal '\(path)' is neither read nor written\n")
      return nil
    }
    return try Journal(path: path, target: target)
  }

  /// What a journal is bound to: the server, or the sandbox's state: its file and the
  /// random name written into it, so that a file deleted and made afresh at the same path
  /// (whose domains are gone) does not reuse the old state's journal. A sandbox in memory
  /// starts afresh each run, so a journal of one is never reused.
  private static func journalTarget(_ options: Options, _ client: APIClient) -> String {
    guard options.sandbox else { return client.configuration.transport.targetDescription }
    guard let state = options.sandboxState else {
      return "a sandbox in memory (run of \(ISODate.format(Date())), pid \(getpid()))"
    }
    let path = URL(fileURLWithPath: state).standardizedFileURL.path
    let name = (client.configuration.transport as? Sandbox)?.stateInstanceId ?? "unnamed"
    return "the sandbox state \(name) kept in \(path)"
  }

  /// A script starts: keep-going summaries wait for its end, and progress may show.
  func scriptStarts() {
    settings.ledger.defersSummary = true
    progress?.start()
  }

  /// A script ended with `code` (130 when interrupted): erases the progress line, says
  /// what was done, and returns the exit code, which is the partial-failure code when
  /// the script otherwise succeeded but items failed under keep-going. `stopped` is a run
  /// cut short by something other than a signal (its output failing), which is reported
  /// as an interruption is.
  func scriptEnds(code: Int32, error: String?, stopped: Bool = false) -> Int32 {
    progress?.stop()
    if let error { status.print(error) }
    let ledger = settings.ledger
    if !ledger.isEmpty { status.print(ledger.summary) }
    if code == ShellError.Category.interrupted.exitCode || stopped {
      status.print(interruptionReport(word: stopped ? "stopped" : "interrupted") + "\n")
    } else if let note = journalNote() {
      status.print(note + "\n")
    }
    if code == 0, ledger.failedCount > 0 { return ShellError.Category.partial.exitCode }
    return code
  }

  /// A command typed at the prompt starts: progress may show while it runs, as in a
  /// script. Runs left over from an earlier command are forgotten.
  func commandStarts() {
    _ = meter.takeUnfinished()
    progress?.start()
  }

  /// Erases the progress line and draws it no more for this command or script.
  func stopProgress() { progress?.stop() }

  /// The command ended: the progress line is erased and, when Ctrl-C cut a bulk run
  /// short, the shell says how far it got. Keep-going summaries were printed as each run
  /// ended (`APIBuiltins.report`).
  func commandEnds(interrupted: Bool) {
    progress?.stop()
    let runs = meter.takeUnfinished()
    let cutOff = client.takeCutOffChanges()
    guard interrupted else { return }
    if !runs.isEmpty { status.print(interruptionReport(of: runs) + "\n") }
    if let note = cutOffNote(cutOff) { status.print(note) }
  }

  /// `interrupted: 12 of 40 done in verify_managed_domain; journal at FILE, rerun to
  /// continue`, naming every run the interruption cut short, and then the changes whose
  /// answers it cut off.
  func interruptionReport(word: String = "interrupted") -> String {
    let report = interruptionReport(of: meter.takeUnfinished(), word: word)
    guard let note = cutOffNote(client.takeCutOffChanges()) else { return report }
    return report + "\n" + note.dropLast()
  }

  /// The changes sent whose answers Ctrl-C cut off: the server may or may not have made
  /// them, which a user about to run the command again must know.
  private func cutOffNote(_ changes: [String]) -> String? {
    guard !changes.isEmpty else { return nil }
    var text = "cut off before its answer came, so the server may or may not have made it:\n"
    if changes.count > 1 {
      text =
        "cut off before their answers came, so the server may or may not have made "
        + "them:\n"
    }
    let shown = changes.prefix(10)
    for change in shown { text += "  \(change)\n" }
    if changes.count > shown.count { text += "  … and \(changes.count - shown.count) more\n" }
    let them = changes.count > 1 ? "them" : "it"
    text +=
      journal != nil
      ? "a rerun with the same --journal looks on the server before sending \(them) again\n"
      : "look (list_… or get_…) before running \(them) again\n"
    return text
  }

  private func interruptionReport(of runs: [BulkMeter.Snapshot], word: String = "interrupted")
    -> String
  {
    var text = word
    let parts = runs.map { run in
      var part = "\(run.done - run.failed)" + (run.total.map { " of \($0)" } ?? "")
      part += " done in \(run.label)"
      if run.failed > 0 { part += ", \(run.failed) failed" }
      return part
    }
    if !parts.isEmpty { text += ": " + parts.joined(separator: "; ") }
    if let journal { text += "; journal at \(journal.path), rerun to continue" }
    return text
  }

  /// A word about calls an earlier run had already done, when there were any.
  func journalNote() -> String? {
    guard let journal else { return nil }
    let s = journal.statistics
    guard s.reused + s.found > 0 else { return nil }
    var parts = ["\(s.reused) done in an earlier run, skipped"]
    if s.found > 0 { parts.append("\(s.found) found already done on the server") }
    parts.append("\(s.recorded) sent now")
    return "journal \(journal.path): " + parts.joined(separator: "; ")
  }
}
