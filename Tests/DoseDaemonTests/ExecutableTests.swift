import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built `dosed` and `dosectl` as a user runs them: flags, exit codes, messages.
@Suite(.serialized, .stopsDaemons) struct ExecutableTests {
  struct Run: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static let binaries = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".build/debug")

  func run(_ name: String, _ arguments: [String], environment: [String: String] = [:])
    async throws -> Run
  {
    let url =
      name.hasPrefix("/")
      ? URL(fileURLWithPath: name) : Self.binaries.appendingPathComponent(name)
    try #require(
      FileManager.default.isExecutableFile(atPath: url.path),
      "build \(name) first (make test does)")
    return try await offPool {
      let process = Process()
      process.executableURL = url
      process.arguments = arguments
      var env = ProcessInfo.processInfo.environment
      env.removeValue(forKey: "DOSED_SOCKET")
      env.merge(environment) { $1 }
      process.environment = env
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try process.run()
      let stdout = out.fileHandleForReading.readDataToEndOfFile()
      let stderr = err.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return Run(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
    }
  }

  func temporaryFile(_ contents: String) throws -> String {
    let path = NSTemporaryDirectory() + "dosed-\(UUID().uuidString).toml"
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func checkConfigAcceptsTheShippedConfigs() async throws {
    for file in ["config/dosed.toml", "config/demo-ward.toml"] {
      let path = Self.binaries.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(file).path
      let result = try await run("dosed", ["--check-config", "--config", path])
      #expect(result.status == 0, "\(file): \(result.stderr)")
      #expect(result.stdout.contains("OK"))
    }
  }

  @Test func checkConfigNamesFileLineAndKey() async throws {
    let path = try temporaryFile(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = "lots"
      """)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try await run("dosed", ["--check-config", "--config", path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("\(path):4:"))
    #expect(result.stderr.contains("detector[0].sensitivity_cpm_per_usv_h"))
  }

  @Test func missingConfigIsAClearError() async throws {
    let result = try await run("dosed", ["--check-config", "--config", "/nonexistent/dosed.toml"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("/nonexistent/dosed.toml"))
  }

  @Test func badTimeScaleIsRefused() async throws {
    let path = Self.binaries.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("config/demo-ward.toml").path
    let result = try await run("dosed", ["--config", path, "--time-scale", "0"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("--time-scale"))
  }

  @Test func timeScaleIsRefusedWithARealCounter() async throws {
    let path = try temporaryFile(
      """
      [[detector]]
      id = "kit"
      driver = "mightyohm"
      port = "/dev/ttyUSB0"
      tube = "SBM-20"

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["kit"]
      warn_usv_h = 5.0
      alarm_usv_h = 10.0
      """)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try await run("dosed", ["--config", path, "--time-scale", "60"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("--time-scale works only with simulated detectors"))
    #expect(result.stderr.contains("kit"))
  }

  @Test func dosectlReportsAnUnreachableSocketWithExit4() async throws {
    let result = try await run("dosectl", ["--socket", "/nonexistent/dosed.sock", "status"])
    #expect(result.status == 4)
    #expect(result.stderr.contains("/nonexistent/dosed.sock"))
    // $DOSED_SOCKET is the default when --socket is absent.
    let viaEnvironment = try await run(
      "dosectl", ["detectors"], environment: ["DOSED_SOCKET": "/nonexistent/env.sock"])
    #expect(viaEnvironment.status == 4)
    #expect(viaEnvironment.stderr.contains("/nonexistent/env.sock"))
  }

  @Test func dosectlUsageErrorsExit2() async throws {
    #expect(try await run("dosectl", ["no-such-command"]).status == 2)
    #expect(try await run("dosectl", ["status", "--bogus"]).status == 2)
  }

  @Test func dosectlShowsTheWardAsTablesAndJSON() async throws {
    // On a manual clock: on scaled wall time a loaded machine could let a detector go stale
    // (room `fault`) before the table is read.
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60, manualTime: true)
    try await daemon.advanceUntilEveryDetectorIsOK()
    let json = try await run("dosectl", ["--socket", daemon.socketPath, "status", "--json"])
    #expect(json.status == 0)
    let lines = json.stdout.split(separator: "\n")
    #expect(lines.count == 1, "one JSON object")
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(object["class"] as? String == "status")

    let table = try await run(
      "dosectl", ["--socket", daemon.socketPath, "status"], environment: ["NO_COLOR": "1"])
    #expect(table.status == 0)
    #expect(table.stdout.contains("DOSE µSv/h"))
    #expect(table.stdout.contains("room-1"))
    #expect(table.stdout.contains("occupied"))
    #expect(!table.stdout.contains("\u{1B}["), "no colour when not a terminal")

    let locations = try await run("dosectl", ["locations", "--socket", daemon.socketPath])
    #expect(locations.status == 0)
    #expect(locations.stdout.contains("release_due"))
  }

  @Test func dosectlRunsTheRoomWorkflowAndShowsTheRecords() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let socket = ["--socket", daemon.socketPath]
    try await eventually("every detector is ok") {
      try await daemon.status().detectors.allSatisfy { $0.state == "ok" }
    }
    // room-2 is clear in the small ward: admit a patient with units as people type them.
    let admit = try await run(
      "dosectl",
      [
        "room", "admit", "room-2", "--patient", "P-0042", "--nuclide", "Lu-177", "--activity",
        "7.4GBq", "--json",
      ] + socket)
    #expect(admit.status == 0, "\(admit.stderr)")
    let reply = try WireCoding.decoder().decode(RoomReply.self, from: Data(admit.stdout.utf8))
    #expect(reply.room.occupancy == "occupied")
    #expect(reply.room.patient?.activityBq == 7.4e9)

    // A refused action exits 1 and says why on stderr.
    let again = try await run(
      "dosectl", ["room", "admit", "room-2", "--patient", "P-2", "--nuclide", "Lu-177"] + socket)
    #expect(again.status == 1)
    #expect(again.stderr.contains("refused: room room-2 is occupied"))
    // Bad units are a usage error (2), caught before anything is sent.
    let badUnit = try await run(
      "dosectl",
      ["room", "calibrate", "room-2", "--at-1m", "27 furlongs"] + socket)
    #expect(badUnit.status == 2)
    #expect(badUnit.stderr.contains("dose rate such as 27uSv/h"))

    let show = try await run(
      "dosectl", ["room", "show", "room-2"] + socket, environment: ["NO_COLOR": "1"])
    #expect(show.status == 0)
    #expect(show.stdout.contains("patient:    P-0042"))
    #expect(show.stdout.contains("Lu-177 7.40 GBq"))

    // (A day: an hour of clock time is only a real minute at 60×.)
    let events = try await run("dosectl", ["events", "--since", "24h"] + socket)
    #expect(events.status == 0)
    let admitLine = try #require(
      events.stdout.split(separator: "\n").first { $0.contains("admit") })
    #expect(admitLine.contains("P-0042"))
    #expect(admitLine.contains("(\(getuid()))"), "who did it: user name and uid")

    // Export for audits: CSV with a header, the admit row quoted where it needs to be.
    let csv = try await run("dosectl", ["export", "events", "--from", "24h"] + socket)
    #expect(csv.status == 0)
    let rows = csv.stdout.split(separator: "\n")
    #expect(rows.first == "seq,time,kind,location,detector,level,user,uid,message")
    let admitRow = try #require(rows.first { $0.contains(",admit,") })
    #expect(admitRow.contains("\"admitted patient P-0042 (Lu-177, 7.4 GBq)\""))
    try await eventually("a minute is recorded") {
      let minutes = try await run("dosectl", ["export", "minutes", "--format", "json"] + socket)
      return minutes.stdout.contains("\"detector\":\"r1\"")
    }
  }

  @Test func dosectlRunsTheWasteCommands() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let socket = ["--socket", daemon.socketPath]
    // The contract: exit 1 with the reason when the store's rule cannot accept the package.
    let refused = try await run(
      "dosectl",
      [
        "waste", "add", "W-9", "--store", "store", "--nuclide", "Lu-177=50MBq", "--nuclide",
        "Lu-177m=10kBq", "--surface", "3uSv/h",
      ] + socket)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("Lu-177m"))
    let added = try await run(
      "dosectl",
      [
        "waste", "add", "W-8", "--store", "store", "--nuclide", "Lu-177=50MBq", "--route", "nca",
        "--mass", "1kg",
        "--at", "2026-01-01T00:00:00Z", "--surface", "3uSv/h",
      ] + socket)
    #expect(added.status == 0, "\(added.stderr)")
    let show = try await run("dosectl", ["waste", "show", "W-8", "--json"] + socket)
    #expect(show.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
    let package = try #require(object["package"] as? [String: Any])
    for key in ["id", "store", "state", "rule", "predicted_release_at", "constituents"] {
      #expect(package[key] != nil, "waste show --json has \(key)")
    }
    #expect(package["rule"] as? String == "us-dis")
    let list = try await run(
      "dosectl", ["waste", "list", "--store", "store"] + socket, environment: ["NO_COLOR": "1"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("W-8"))
    let release = try await run("dosectl", ["waste", "release", "W-8"] + socket)
    #expect(release.status == 1)
    #expect(release.stderr.contains("no release survey"))
  }

  @Test func dosectlListsAndAcknowledgesAlarmsAndWaitsForTheDaemon() async throws {
    let daemon = try await TestDaemon.start(alarmingWard, timeScale: 60)
    let socket = ["--socket", daemon.socketPath]
    #expect(try await run("dosectl", ["wait-ready", "--timeout", "5"] + socket).status == 0)
    let gone = try await run(
      "dosectl", ["wait-ready", "--timeout", "0.5", "--socket", "/nonexistent/dosed.sock"])
    #expect(gone.status == 4)
    let version = try await run("dosectl", ["version"] + socket)
    #expect(version.stdout.contains("dosectl \(ProtocolInfo.softwareVersion)"))
    #expect(version.stdout.contains("protocol \(ProtocolInfo.version)"))

    try await eventually("the dose alarm is raised") {
      try await daemon.status().alarms.contains { $0.alarmID == "dose:room:alarm" }
    }
    let list = try await run("dosectl", ["alarms"] + socket, environment: ["NO_COLOR": "1"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("dose:room:alarm"))
    let ack = try await run(
      "dosectl", ["alarms", "ack", "dose:room:alarm", "--note", "patient in room"] + socket)
    #expect(ack.status == 0, "\(ack.stderr)")
    // Acknowledged, and still listed (silenced, never hidden).
    let status = try await daemon.status()
    let alarm = try #require(status.alarms.first { $0.alarmID == "dose:room:alarm" })
    #expect(alarm.acknowledged?.uid == getuid())
    #expect(alarm.acknowledged?.note == "patient in room")
    let unknown = try await run("dosectl", ["alarms", "ack", "fault:nothing"] + socket)
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("no active alarm"))
    let events = try await daemon.send(EventsRequest(id: .number(1)), as: EventsReply.self).events
    let recorded = try #require(events.first { $0.kind == "alarm_ack" })
    #expect(recorded.actor?.uid == getuid())
    #expect(recorded.message.contains("patient in room"))
  }

  /// `make install-files` (what `make install` runs after its release build) puts binaries,
  /// unit, sysusers, udev rule, example config, man pages and completions in FHS places, and
  /// the installed programs run. (`make test` generates the man pages first.)
  @Test func installPutsEverythingInFHSPlacesAndItRuns() async throws {
    let root = Self.binaries.deletingLastPathComponent().deletingLastPathComponent().path
    let destdir = "/tmp/dosed-install-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: destdir) }
    let make = try await run(
      "/usr/bin/make",
      [
        "-s", "-C", root, "install-files", "DESTDIR=\(destdir)", "PREFIX=/usr",
        "INSTALL_CONFIG=debug",
      ])
    #expect(make.status == 0, "\(make.stderr)")
    for file in [
      "/usr/bin/dosed", "/usr/bin/dosectl", "/usr/lib/systemd/system/dosed.service",
      "/usr/lib/sysusers.d/dosed.conf", "/usr/lib/tmpfiles.d/dosed.conf",
      "/usr/lib/udev/rules.d/60-dosed.rules",
      "/etc/dosed/dosed.toml", "/etc/dosed/dosed.toml.example",
      "/usr/share/man/man1/dosectl.1", "/usr/share/man/man8/dosed.8",
      "/usr/share/bash-completion/completions/dosectl", "/usr/share/zsh/site-functions/_dosectl",
      "/usr/share/fish/vendor_completions.d/dosectl.fish",
    ] {
      #expect(FileManager.default.fileExists(atPath: destdir + file), "\(file) installed")
    }
    let manual = try String(
      contentsOfFile: destdir + "/usr/share/man/man8/dosed.8", encoding: .utf8)
    #expect(manual.contains(".Dt DOSED 8"))
    let dosectlManual = try String(
      contentsOfFile: destdir + "/usr/share/man/man1/dosectl.1", encoding: .utf8)
    #expect(dosectlManual.contains("wait-ready"))
    let bash = try String(
      contentsOfFile: destdir + "/usr/share/bash-completion/completions/dosectl", encoding: .utf8)
    #expect(bash.contains("room") && bash.contains("waste") && bash.contains("alarms"))
    let unit = try String(
      contentsOfFile: destdir + "/usr/lib/systemd/system/dosed.service", encoding: .utf8)
    #expect(unit.contains("ExecStart=/usr/bin/dosed "))

    let help = try await run(destdir + "/usr/bin/dosectl", ["--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("room"))
    let check = try await run(
      destdir + "/usr/bin/dosed", ["--check-config", "--config", destdir + "/etc/dosed/dosed.toml"])
    #expect(check.status == 0, "\(check.stderr)")

    // A second install keeps the configuration in use; uninstall leaves it and the records.
    try "# site config\n".write(
      toFile: destdir + "/etc/dosed/dosed.toml", atomically: true, encoding: .utf8)
    _ = try await run(
      "/usr/bin/make",
      [
        "-s", "-C", root, "install-files", "DESTDIR=\(destdir)", "PREFIX=/usr",
        "INSTALL_CONFIG=debug",
      ])
    #expect(
      try String(contentsOfFile: destdir + "/etc/dosed/dosed.toml", encoding: .utf8)
        == "# site config\n")
    let uninstall = try await run(
      "/usr/bin/make", ["-s", "-C", root, "uninstall", "DESTDIR=\(destdir)", "PREFIX=/usr"])
    #expect(uninstall.status == 0)
    #expect(!FileManager.default.fileExists(atPath: destdir + "/usr/bin/dosed"))
    #expect(FileManager.default.fileExists(atPath: destdir + "/etc/dosed/dosed.toml"))
  }

  /// The fuzz targets as a plain build links them (a replaying `main`, no libFuzzer) run their
  /// seed corpora and every crash input kept in `fuzz/regressions/<target>` (issue 9).
  @Test func fuzzTargetsReplayTheirSeedsAndRegressions() async throws {
    let root = Self.binaries.deletingLastPathComponent().deletingLastPathComponent()
    let corpus = root.appendingPathComponent("fuzz/corpus")
    let targets = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
    #expect(targets.count == 13)
    for target in targets {
      var inputs = [corpus.appendingPathComponent(target).path]
      let regressions = root.appendingPathComponent("fuzz/regressions/\(target)")
      if FileManager.default.fileExists(atPath: regressions.path) {
        inputs.append(regressions.path)
      }
      let result = try await run(target, inputs)
      #expect(result.status == 0, "\(target): \(result.stderr)")
      #expect(result.stdout.hasPrefix("replayed "), "\(target): \(result.stdout)")
    }
  }
}
