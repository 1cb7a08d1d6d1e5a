import LineEditor

/// Tab completion: the word from `start` up to the cursor is replaced by a candidate.
/// Re-exported so that hosts need not import the line editor.
public typealias Completion = LineEditor.Completion

/// What the interactive shell needs from the language and the API, implemented by the
/// program that embeds it. The shell never calls two of these methods at the same time,
/// but `evaluate` runs on a worker thread while the others run on the initial thread.
public protocol ReplHost: AnyObject {
  /// What the prompt shows; read before every primary prompt.
  var promptContext: PromptContext { get }

  /// False when `source` needs more lines: an open bracket, brace or quote, or a trailing
  /// pipe. The shell then shows the continuation prompt and appends the next line.
  func isComplete(_ source: String) -> Bool

  /// Runs `source` and prints its results and errors. Runs on a worker thread with a
  /// large stack. Poll `cancel` (or register `cancel.onCancel`) to stop early after Ctrl-C.
  func evaluate(_ source: String, cancel: CancelToken) -> EvaluationResult

  /// Completion candidates for Tab. `cursor` counts Unicode scalars of `line`.
  func complete(line: String, cursor: Int) -> Completion

  /// True when `source` holds a secret (a token, a bypass key, an SSO secret): it is then
  /// kept out of history and the user is told.
  func containsSecret(_ source: String) -> Bool
}

extension ReplHost {
  public func complete(line: String, cursor: Int) -> Completion {
    .none(at: cursor)
  }

  public func containsSecret(_ source: String) -> Bool { false }
}

/// What the prompt shows: `astrosh[sandbox] org:o1 > `.
public struct PromptContext: Sendable, Equatable {
  /// "sandbox" for the built-in emulator, otherwise the API host.
  public var target: String
  /// The default organization id, when one is set.
  public var organization: String?

  public init(target: String, organization: String? = nil) {
    self.target = target
    self.organization = organization
  }
}

/// How an evaluation ended.
public enum EvaluationResult: Sendable, Equatable {
  /// It ran to the end.
  case success
  /// It failed; the host has already shown the error.
  case failure
  /// The user asked to leave the shell (`exit N`) with this status.
  case exit(Int32)
}
