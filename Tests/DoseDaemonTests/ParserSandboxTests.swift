import Foundation
import Testing

@testable import DoseDaemon

/// A reload parses the edited file in a child process first (`ParserSandbox`): a parser that
/// crashes or hangs there refuses the reload with a clear error; the daemon lives on.
@Suite struct ParserSandboxTests {
  let dosed = ExecutableTests.binaries.appendingPathComponent("dosed").path

  @Test func theRealCheckPassesAGoodFileAndLetsAnInvalidOneThrough() throws {
    let sandbox = ParserSandbox.dosed(executable: dosed)
    try sandbox.vet(smallWard, path: "ward.toml")
    // Invalid but not crashing: the child exits 1 and the daemon's own parse gives the error.
    try sandbox.vet("[detector\n", path: "ward.toml")
    // Larger than a pipe's buffer, to be sure the text reaches the child whole.
    let big = smallWard + "\n" + String(repeating: "# padding line for size\n", count: 10_000)
    try sandbox.vet(big, path: "ward.toml")
  }

  @Test func aParserThatCrashesIsAnErrorNotADeath() throws {
    // Stands in for toml++ aborting on a shape of input nobody has found yet.
    let sandbox = ParserSandbox(command: ["/bin/sh", "-c", "cat >/dev/null; kill -ABRT $$"])
    let error = #expect(throws: ConfigError.self) {
      try sandbox.vet(smallWard, path: "/etc/dosed/dosed.toml")
    }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.contains("/etc/dosed/dosed.toml"), "\(message)")
    #expect(message.contains("parser crashed"), "\(message)")
    #expect(message.contains("Aborted"), "\(message)")
  }

  /// A parser that has not finished when its time is up is killed (and reaped), not waited for:
  /// had it been waited for, it would have finished (exit 0) and the file passed.
  @Test func aParserThatHangsIsKilled() throws {
    let pidFile = "/tmp/dosed-hang-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    let sandbox = ParserSandbox(
      command: ["/bin/sh", "-c", "echo $$ > \(pidFile); exec sleep 30"], timeoutSeconds: 0.3)
    let error = #expect(throws: ConfigError.self) { try sandbox.vet(smallWard, path: "w.toml") }
    #expect(error.map { "\($0)" }?.contains("did not finish") == true)
    // (No file: it was killed before it could write one.)
    if let text = try? String(contentsOfFile: pidFile, encoding: .utf8) {
      let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
      #expect(kill(pid, 0) == -1 && errno == ESRCH, "the hung parser \(pid) is still there")
    }
  }

  @Test func aMissingCheckerIsAnErrorToo() throws {
    let sandbox = ParserSandbox(command: ["/nonexistent/dosed", "--check-config"])
    #expect(throws: ConfigError.self) { try sandbox.vet(smallWard, path: "w.toml") }
  }
}
