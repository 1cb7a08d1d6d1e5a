import AstroCore
import AstroLang
import Foundation
import Interactive
import OrgAPI

/// The interactive shell's view of a session: runs lines, completes words, spots secrets.
final class ReplAdapter: ReplHost, @unchecked Sendable {
  private let session: Session
  /// Ids of organizations, domains and SSO connections shown so far, for completion.
  private let seen = Locked(SeenIDs())

  init(session: Session) {
    self.session = session
    let show = session.interpreter.display
    session.interpreter.display = { [seen] data in
      let value = try data.collect()
      seen.withLock { $0.collect(from: value) }
      try show(.value(value))
    }
  }

  var promptContext: PromptContext {
    PromptContext(target: session.target, organization: session.client.defaultOrganization)
  }

  func isComplete(_ source: String) -> Bool { session.interpreter.isComplete(source) }

  func evaluate(_ source: String, cancel: CancelToken) -> EvaluationResult {
    let interpreter = session.interpreter
    // The progress line goes first: the shell ends the line the terminal echoed ^C on,
    // and a progress line still drawn there would be left behind on the screen.
    let handler = cancel.onCancel { [bulk = session.bulk] in
      bulk.stopProgress()
      interpreter.cancel()
    }
    defer { if let handler { cancel.removeHandler(handler) } }
    session.bulk.commandStarts()
    var interrupted = false
    defer { session.bulk.commandEnds(interrupted: interrupted) }
    do {
      try interpreter.run(SourceFile(name: "<repl>", text: source))
      return .success
    } catch let exit as ScriptExit {
      return .exit(exit.code)
    } catch let error as ShellError {
      interrupted = error.category == .interrupted
      session.sink.writeError(session.render(error))
      return .failure
    } catch {
      session.sink.writeError("error: \(error)\n")
      return .failure
    }
  }

  func complete(line: String, cursor: Int) -> Completion {
    let interpreter = session.interpreter
    var commands = interpreter.builtins.mapValues(\.signature)
    for (name, signature) in interpreter.definedCommands { commands[name] = signature }
    var variables: [String: Value] = [:]
    for name in interpreter.variableNames {
      variables[name] = interpreter.variable(name)
    }
    // Ids held in variables count as seen too: `let ds = list_managed_domains` shows none.
    var ids = seen.current
    for value in variables.values { ids.collect(from: value) }
    let completer = Completer(commands: commands, variables: variables, seenIDs: ids)
    let result = completer.complete(line: line, cursor: cursor)
    return Completion(
      start: result.start, candidates: result.candidates, terminator: result.terminator)
  }

  func containsSecret(_ source: String) -> Bool {
    SecretScan.containsSecret(source, token: session.environment["ASTRO_API_TOKEN"])
  }
}

/// Decides whether a line typed at the prompt carries a secret, so it stays out of history.
enum SecretScan {
  /// Keys whose literal values are secrets when typed into a record or flag.
  static let secretWords = [
    "bypassKey", "bypass-key", "bypass_key", "azureClientSecret",
    "azure-client-secret", "azure_client_secret", "samlSigningCert", "saml-signing-cert",
    "saml_signing_cert", "ASTRO_API_TOKEN", "token", "Bearer ",
  ]

  static func containsSecret(_ line: String, token: String?) -> Bool {
    if let token, token.count >= 8, line.contains(token) { return true }
    let lower = line.lowercased()
    return secretWords.contains { lower.contains($0.lowercased()) && mentionsLiteral(line) }
  }

  /// The line with the values typed after secret keys (`azureClientSecret: "…"`,
  /// `--bypass-key …`) and the token itself replaced by `•`, one for each character so
  /// that an error's caret still points at the right place.
  static func masked(_ line: String, token: String?) -> String {
    var chars = Array(line)
    var hidden = [Bool](repeating: false, count: chars.count)
    if let token, token.count >= 8 {
      let t = Array(token)
      var i = 0
      while i + t.count <= chars.count {
        if Array(chars[i..<i + t.count]) == t {
          for k in i..<i + t.count { hidden[k] = true }
          i += t.count
        } else {
          i += 1
        }
      }
    }
    let lower = Array(line.lowercased())
    guard lower.count == chars.count else { return line }  // a case change altered lengths
    for word in secretKeys.map({ Array($0.lowercased()) }) {
      var i = 0
      while i + word.count <= lower.count {
        // A whole key only: not the `bypass_key` inside `upsert_sso_bypass_key`.
        let isKey =
          Array(lower[i..<i + word.count]) == word
          && (i == 0 || !isIdentifier(lower[i - 1]))
          && (i + word.count == lower.count || !isIdentifier(lower[i + word.count]))
        guard isKey else {
          i += 1
          continue
        }
        i += word.count
        if i < chars.count, chars[i] == "\"" || chars[i] == "'" { i += 1 }  // a quoted key
        for k in valueRange(after: i, in: chars) { hidden[k] = true }
      }
    }
    for k in chars.indices where hidden[k] { chars[k] = "•" }
    return String(chars)
  }

  private static func isIdentifier(_ c: Character) -> Bool {
    c.isLetter || c.isNumber || c == "_"
  }

  /// Spellings of the secret fields, as keys and as flags.
  private static let secretKeys = secretWords.filter { $0 != "token" && $0 != "Bearer " }

  /// The characters of the value written after a key at `start`: past `:`, `=` and
  /// spaces, a quoted string's contents or a bare word.
  private static func valueRange(after start: Int, in chars: [Character]) -> Range<Int> {
    var i = start
    while i < chars.count, [":", "=", " ", "\t"].contains(chars[i]) { i += 1 }
    guard i < chars.count else { return i..<i }
    if chars[i] == "\"" || chars[i] == "'" {
      let quote = chars[i]
      var end = i + 1
      while end < chars.count, chars[end] != quote {
        end += chars[end] == "\\" && quote == "\"" ? 2 : 1
      }
      return (i + 1)..<min(end, chars.count)
    }
    if chars[i] == "$" || chars[i] == "(" { return i..<i }  // a variable: nothing typed in
    var end = i
    while end < chars.count, !" \t,}]);|".contains(chars[end]) { end += 1 }
    return i..<end
  }

  /// True when the line holds a quoted string or a flag value, i.e. a typed-in value
  /// rather than only a field name (`$key.bypassKey` alone reveals nothing).
  private static func mentionsLiteral(_ line: String) -> Bool {
    line.contains("\"") || line.contains("'") || line.contains("--") || line.contains(":")
  }
}

enum Repl {
  static func run(_ session: Session) -> Int32 {
    let host = ReplAdapter(session: session)
    let banner =
      "astrosh \(AstroshVersion.current) — talking to \(session.target). "
      + "Type 'help' for commands, Ctrl-D to leave."
    return runInteractive(
      host: host,
      options: ReplOptions(
        environment: session.environment, color: session.options.color, banner: banner))
  }
}
