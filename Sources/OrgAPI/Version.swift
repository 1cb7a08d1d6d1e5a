/// The version of astrosh, in one place: `--version`, the User-Agent and the docs read it.
public enum AstroshVersion {
  public static let current = "0.1.0"

  /// The User-Agent header every request carries.
  public static var userAgent: String { "astrosh/\(current)" }
}
