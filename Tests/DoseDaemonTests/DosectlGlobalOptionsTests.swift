import DoseProtocol
import Foundation
import Testing

/// `dosectl [--socket PATH] [--json] COMMAND …` as the README documents it (issue 14, finding
/// 10): the global options work before any command, nested ones (`room admit`, `waste list`,
/// `alarms ack`) included, between a command and its subcommand, and after the leaf.
@Suite(.serialized, .stopsDaemons) struct DosectlGlobalOptionsTests {
  /// Commands with and without sub-subcommands; none can reach a socket that is not there.
  static let commands: [[String]] = [
    ["room", "show", "room-1"],
    ["room", "admit", "room-1", "--patient", "P-1", "--nuclide", "Lu-177"],
    ["waste", "list"],
    ["waste", "show", "W-1"],
    ["alarms"],
    ["alarms", "ack", "fault:r1"],
    ["events", "--since", "1h"],
    ["status"],
  ]

  @Test(arguments: commands)
  func theSocketOptionReachesTheGivenPathWhereverItStands(_ command: [String]) async throws {
    let executables = ExecutableTests()
    let path = "/nonexistent/\(command[0])-\(command.count).sock"
    var placements = [
      ["--socket", path] + command,
      ["--socket=\(path)"] + command,
      command + ["--socket", path],
      ["--json", "--socket", path] + command,
    ]
    if command.count > 1 {
      placements.append([command[0], "--socket", path] + command.dropFirst())
    }
    for arguments in placements {
      let result = try await executables.run("dosectl", arguments)
      #expect(result.status == 4, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(path), "\(arguments): \(result.stderr)")
    }
    // Global options do not swallow usage errors: an unknown option still exits 2.
    let unknown = try await executables.run("dosectl", ["--socket", path] + command + ["--bogus"])
    #expect(unknown.status == 2, "\(unknown.stderr)")
    let viaEnvironment = try await executables.run(
      "dosectl", command, environment: ["DOSED_SOCKET": path])
    #expect(viaEnvironment.status == 4, "\(viaEnvironment.stderr)")
    #expect(viaEnvironment.stderr.contains(path))
  }

  @Test func jsonBeforeANestedCommandPrintsTheReply() async throws {
    let executables = ExecutableTests()
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    for arguments in [
      ["--json", "--socket", daemon.socketPath, "waste", "list"],
      ["--socket", daemon.socketPath, "--json", "room", "show", "room-1"],
      ["--json", "alarms", "list", "--socket", daemon.socketPath],
    ] {
      let result = try await executables.run("dosectl", arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      let lines = result.stdout.split(separator: "\n")
      #expect(lines.count == 1, "\(arguments): one JSON object")
      let object = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8))
      #expect((object as? [String: Any])?["class"] != nil, "\(arguments)")
    }
  }
}
