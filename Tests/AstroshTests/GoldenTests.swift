import Foundation
import Testing

/// Golden script tests: each `Golden/NAME.astro` runs through the real binary and its
/// stdout, stderr and exit code must match `NAME.stdout`, `NAME.stderr` and `NAME.exit`
/// (missing files mean empty output and exit 0). `NAME.args` holds extra command-line
/// options, one per line. Set ASTROSH_RECORD=1 to rewrite the expectations from a run.
struct GoldenTests {
  static let directory = Bundle.module.resourceURL!.appendingPathComponent("Golden")

  static let cases: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".astro") }.map { String($0.dropLast(6)) }.sorted()
  }()

  @Test(arguments: cases)
  func golden(_ name: String) throws {
    let dir = Self.directory
    func read(_ ext: String) -> String? {
      try? String(contentsOf: dir.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
    }
    let options = (read("args") ?? "").split(separator: "\n").map(String.init)
    let result = try Binary.run(options + ["\(name).astro"], directory: dir)
    if ProcessInfo.processInfo.environment["ASTROSH_RECORD"] == "1" {
      try record(name, result)
      return
    }
    #expect(result.stdout == (read("stdout") ?? ""), "stdout of \(name)")
    #expect(result.stderr == (read("stderr") ?? ""), "stderr of \(name)")
    let expectedExit = Int32((read("exit") ?? "0").trimmingCharacters(in: .whitespacesAndNewlines))
    #expect(result.status == expectedExit, "exit code of \(name)")
  }

  /// Writes the expectations back into the source tree (not the copied bundle).
  private func record(_ name: String, _ result: Binary.Result) throws {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Golden")
    func write(_ ext: String, _ text: String, keepIfEmpty: Bool = false) throws {
      let url = source.appendingPathComponent("\(name).\(ext)")
      if text.isEmpty && !keepIfEmpty {
        try? FileManager.default.removeItem(at: url)
      } else {
        try text.write(to: url, atomically: true, encoding: .utf8)
      }
    }
    try write("stdout", result.stdout)
    try write("stderr", result.stderr)
    try write("exit", result.status == 0 ? "" : "\(result.status)\n")
  }
}
