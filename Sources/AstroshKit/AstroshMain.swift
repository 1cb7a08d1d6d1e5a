import Foundation

/// The entry point of the astrosh executable.
public enum AstroshMain {
  public static func run() -> Never {
    exit(0)
  }
}
