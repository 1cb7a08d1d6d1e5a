/// The spellings a body field or query parameter may take as a flag: kebab-case (the
/// one `help` shows), snake_case and the wire's camelCase all name the same thing.
public enum FlagNames {
  /// `enforcedLogins` → `enforced-logins`; `auth0ConnectionName` → `auth0-connection-name`.
  public static func kebab(_ name: String) -> String {
    var out = ""
    var previousWasLower = false
    for ch in name {
      if ch.isUppercase {
        if previousWasLower { out.append("-") }
        out.append(contentsOf: ch.lowercased())
        previousWasLower = false
      } else if ch == "_" {
        out.append("-")
        previousWasLower = false
      } else {
        out.append(ch)
        previousWasLower = ch.isLowercase || ch.isNumber
      }
    }
    return out
  }

  /// The form every spelling reduces to: lower case without `-` or `_`.
  public static func normalized(_ name: String) -> String {
    var s = Substring(name)
    while s.hasPrefix("-") { s = s.dropFirst() }
    return String(s.lowercased().filter { $0 != "-" && $0 != "_" })
  }
}
