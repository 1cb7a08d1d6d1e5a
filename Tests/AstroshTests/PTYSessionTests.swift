import Foundation
import Testing

/// Checks the terminal harness itself with a program every machine has, so a failing
/// end-to-end test points at astrosh and not at the harness.
@Suite("PTY harness", .enabled(if: PTYSession.isAvailable))
struct PTYSessionTests {
  @Test func typedLinesReachTheProgramAndItsExitStatusIsRead() throws {
    let session = try PTYSession("/bin/sh", environment: ["PS1": "ready$ "])
    defer { session.close() }
    try session.waitFor("ready$")
    try session.type("echo héllo-$((6 * 7)) 日本")
    try session.press("Enter")
    try session.waitFor("héllo-42 日本")
    try session.type("exit 3")
    try session.press("Enter")
    #expect(try session.exitStatus() == 3)
  }

  @Test func theEnvironmentIsExactlyWhatWasGiven() throws {
    let session = try PTYSession(
      "/bin/sh", arguments: ["-c", "echo \"[$MARK][$NO_COLOR][$TERM]\""],
      environment: ["MARK": "x y"])
    defer { session.close() }
    try session.waitFor("[x y][][screen]")
    #expect(try session.exitStatus() == 0)
  }

  @Test func theProgramStartsWithNoSignalBlocked() throws {
    let session = try PTYSession("/bin/sh", arguments: ["-c", "grep SigBlk /proc/self/status"])
    defer { session.close() }
    let screen = try session.waitFor("SigBlk:")
    // The terminal shows the tab after the colon as spaces.
    let line = screen.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }
    #expect(line?.split(separator: " ").last == "0000000000000000")
    #expect(try session.exitStatus() == 0)
  }

  @Test func aMissedDeadlineReportsTheScreen() throws {
    let session = try PTYSession("/bin/sh", environment: ["PS1": "$ "])
    defer { session.close() }
    #expect(throws: PTYError.self) { try session.waitFor("never shown", timeout: 0.2) }
  }
}
