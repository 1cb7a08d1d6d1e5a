import AstroCore

extension APIClient {
  /// Sends a change through the journal: a change recorded as done returns its recorded
  /// result without a request; one left in doubt by an earlier run (sent, never answered)
  /// is first looked for on the server; anything else is recorded as pending, sent, and
  /// recorded as done (or refused) before the result is handed on.
  func journaled(_ call: APICall, _ journal: Journal, io: CallIO) throws -> PipelineData {
    let claim = journal.claim(JournalKey.of(call))
    switch claim.prior {
    case .done(let result):
      return .value(result)
    case .pending:
      if let found = try JournalRecovery.alreadyDone(call, client: self, io: io) {
        try journal.complete(claim, call, result: found, found: true, redactor: redactor)
        return .value(found)
      }
    case .none:
      break
    }
    // After Ctrl-C nothing new goes out, so nothing new is marked as going out either:
    // the pending line is written only as the request is handed to the transport.
    if io.isCancelled() { throw ShellError.interrupted }
    var marked = false
    do {
      let result = try send(call, io: io) {
        try journal.begin(claim, call, redactor: self.redactor)
        marked = true
      }.collect()
      try journal.complete(claim, call, result: result, found: false, redactor: redactor)
      return .value(result)
    } catch let error as ShellError {
      if let found = try adopt(call, after: error, claim, io: io) {
        try journal.complete(claim, call, result: found, found: true, redactor: redactor)
        return .value(found)
      }
      // A refusal changed nothing, so a rerun sends the call again; after a server
      // error, a broken connection or Ctrl-C the outcome is unknown and stays pending.
      if marked, error.category == .apiClient { try journal.fail(claim, call, error: error) }
      throw error
    }
  }

  /// After a refusal that may mean "already done" (a create of something that exists, a
  /// delete of something gone after an earlier attempt), the existing state if it is the
  /// one the call wanted.
  private func adopt(_ call: APICall, after error: ShellError, _ claim: Journal.Claim, io: CallIO)
    throws -> Value?
  {
    guard JournalRecovery.mayAlreadyBeDone(call, error) else { return nil }
    if call.operation.method == .delete, claim.prior != .pending { return nil }
    return try JournalRecovery.alreadyDone(call, client: self, io: io)
  }
}

extension Operation {
  /// Whether a call changes what the server holds, so the journal records it. The SSO
  /// login callback is a POST that only answers a question.
  public var changesState: Bool { isMutating && name != "validate_sso_login" }
}
