import DoseProtocol
import Foundation
import Testing

/// Operator text with control characters (issue 14, finding 9): stored and returned as given,
/// shown escaped in dosectl's tables so that it can neither forge lines nor drive the terminal.
@Suite(.serialized, .stopsDaemons) struct DosectlDisplayTests {
  /// A newline that would start a fake line, and ESC [2J, which clears the screen.
  static let hostileReference = "P-7\nroom-9  clear\u{1B}[2J"
  static let shownReference = "P-7\\nroom-9  clear\\x1b[2J"

  @Test func aPatientReferenceWithControlCharactersIsShownEscapedAndStoredExact() async throws {
    let executables = ExecutableTests()
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let socket = ["--socket", daemon.socketPath]
    try await eventually("every detector is ok") {
      try await daemon.status().detectors.allSatisfy { $0.state == "ok" }
    }
    let admit = try await executables.run(
      "dosectl",
      ["room", "admit", "room-2", "--patient", Self.hostileReference, "--nuclide", "Lu-177"]
        + socket, environment: ["NO_COLOR": "1"])
    #expect(admit.status == 0, "\(admit.stderr)")
    #expect(admit.stdout.contains("patient:    \(Self.shownReference)\n"))

    // Stored as given: the daemon and `--json` return the exact text.
    let json = try await executables.run("dosectl", ["room", "show", "room-2", "--json"] + socket)
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stdout.split(separator: "\n").count == 1, "one JSON object")
    let reply = try WireCoding.decoder().decode(RoomReply.self, from: Data(json.stdout.utf8))
    #expect(reply.room.patient?.reference == Self.hostileReference)

    // Shown escaped: the room, and the events table whose admit message carries the reference.
    for arguments in [["room", "show", "room-2"], ["events", "--since", "24h"]] {
      let shown = try await executables.run(
        "dosectl", arguments + socket, environment: ["NO_COLOR": "1"])
      #expect(shown.status == 0, "\(shown.stderr)")
      #expect(shown.stdout.contains(Self.shownReference), "\(arguments)")
      #expect(!shown.stdout.contains("\u{1B}"), "no raw ESC from \(arguments)")
      #expect(
        !shown.stdout.split(separator: "\n").contains { $0.hasPrefix("room-9") },
        "no forged line from \(arguments)")
    }
  }

  @Test func wastePackageIdsWithC1AndBidiControlsAreShownEscaped() async throws {
    let executables = ExecutableTests()
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let socket = ["--socket", daemon.socketPath]
    // C1 NEL (a line break to some terminals) and a right-to-left override.
    let id = "W-1\u{85}\u{202E}gpj.exe"
    let added = try await executables.run(
      "dosectl",
      [
        "waste", "add", id, "--store", "store", "--nuclide", "Lu-177=50MBq", "--route", "nca",
        "--surface",
        "3uSv/h",
      ] + socket, environment: ["NO_COLOR": "1"])
    #expect(added.status == 0, "\(added.stderr)")
    let list = try await executables.run(
      "dosectl", ["waste", "list"] + socket, environment: ["NO_COLOR": "1"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("W-1\\u{85}\\u{202e}gpj.exe"))
    #expect(!list.stdout.unicodeScalars.contains { $0 == "\u{85}" || $0 == "\u{202E}" })
    let json = try await executables.run("dosectl", ["waste", "list", "--json"] + socket)
    let packages = try WireCoding.decoder().decode(
      WasteListReply.self, from: Data(json.stdout.utf8)
    ).packages
    #expect(packages.contains { $0.id == id }, "stored as given")
  }
}
