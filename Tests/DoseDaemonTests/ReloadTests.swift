import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Reload (issue 8): a new configuration applied while the ward keeps being monitored; a bad
/// one rejected with the running configuration kept.
@Suite(.serialized, .stopsDaemons) struct ReloadTests {
  /// `smallWard` with room-2's warn level raised, the store detector's tube changed and a
  /// third room with its own detector added.
  static let editedWard =
    smallWard
    .replacingOccurrences(
      of: """
        id = "room-2"
        kind = "isolation_room"
        detectors = ["r2"]
        warn_usv_h = 2.0
        """,
      with: """
        id = "room-2"
        kind = "isolation_room"
        detectors = ["r2"]
        warn_usv_h = 3.0
        """
    )
    .replacingOccurrences(
      of: """
        id = "store"
        driver = "simulated"
        tube = "LND-7317"
        """,
      with: """
        id = "store"
        driver = "simulated"
        tube = "SBM-20"
        """)
      + """

      [[detector]]
      id = "r3"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-3"
      kind = "isolation_room"
      detectors = ["r3"]
      warn_usv_h = 2.0
      alarm_usv_h = 10.0
      state = "clear"
      """

  func reload(_ daemon: TestDaemon) async throws -> ReloadReply {
    try await daemon.send(Request(id: .number(7), cmd: "reload"), as: ReloadReply.self)
  }

  func reloadError(_ daemon: TestDaemon) async throws -> ErrorReply {
    let line = try await daemon.talk { try $0.request(Request(id: .number(8), cmd: "reload")) }
    return try WireCoding.decoder().decode(ErrorReply.self, from: line)
  }

  func events(_ daemon: TestDaemon) async throws -> [RecordedEvent] {
    try await daemon.send(EventsRequest(id: .number(9)), as: EventsReply.self).events
  }

  @Test func unchangedDetectorsKeepRunningAndChangesApply() async throws {
    let editable = EditableConfig(smallWard)
    // On a manual clock at real-time cadence (evaluation every 0.25 s, a reading a second): a
    // loaded machine cannot stretch a restarted detector's first seconds past its staleness
    // limit (4 s), and the evaluations before its first reading still run.
    let daemon = try await TestDaemon.start(
      smallWard, timeScale: 1, manualTime: true, editable: editable)
    let clock = try #require(daemon.manualClock)
    // Past start-up settling (the 4 s staleness limit), so that a restarted detector's missing
    // first reading would be recorded if it were not handled.
    try await daemon.advance("every detector reading, start-up settled", step: 0.25, limit: 20) {
      let status = try await daemon.status()
      return status.uptimeSeconds > 5 && status.detectors.allSatisfy { $0.state == "ok" }
    }
    // A patient in room-2, to check that a changed room keeps its admission.
    _ = try await daemon.send(
      RoomAdmitRequest(
        id: .number(1), room: "room-2", patient: "P-9", nuclide: "Lu-177", activityBq: 7.4e9,
        at: nil), as: RoomReply.self)
    let before = try await daemon.status()
    let r1Before = try #require(before.detectors.first { $0.id == "r1" })

    editable.text = Self.editedWard
    let reply = try await reload(daemon)
    #expect(
      reply.detectors == ReloadChanges(unchanged: ["r1", "r2"], changed: ["store"], added: ["r3"]))
    // The restarted and added drivers asleep on the clock beside the others (the evaluation,
    // the pruning and four detectors) before it moves on.
    try await eventually("the reloaded ward's loops wait on the manual clock") {
      clock.sleeperCount == 6
    }
    #expect(
      reply.locations
        == ReloadChanges(unchanged: ["room-1"], changed: ["room-2", "store"], added: ["room-3"]))

    // Right after the reload the unchanged detectors still have their readings and windows: no
    // gap, no "no reading yet".
    let after = try await daemon.status()
    let r1After = try #require(after.detectors.first { $0.id == "r1" })
    #expect(r1After.state == "ok")
    #expect(r1After.ageSeconds != nil)
    #expect(
      (r1After.provenance?.counts ?? 0) + 50 >= (r1Before.provenance?.counts ?? .max),
      "r1's window was not restarted")
    let room2 = try #require(after.locations.first { $0.id == "room-2" })
    #expect(room2.warnUSvH == 3.0)
    let room = try await daemon.send(
      RoomRequest(id: .number(2), command: .roomShow, room: "room-2"), as: RoomReply.self
    ).room
    #expect(room.occupancy == "occupied")
    #expect(room.patient?.reference == "P-9")
    // Until they read, the restarted detectors raise no fault alarm either (it would reach the
    // door beacon at every reload); the clock moves a quarter second at a time, an evaluation
    // each, so every evaluation before their first reading is seen.
    var restartAlarms: Set<String> = []
    try await daemon.advance("the changed and added detectors reading", step: 0.25, limit: 20) {
      let status = try await daemon.status()
      restartAlarms.formUnion(
        status.alarms.compactMap(\.alarmID).filter { ["fault:store", "fault:r3"].contains($0) })
      return status.detectors.count == 4 && status.detectors.allSatisfy { $0.state == "ok" }
    }
    #expect(restartAlarms.isEmpty, "\(restartAlarms)")

    let recorded = try await events(daemon)
    let reload = try #require(recorded.last { $0.kind == "config_reload" })
    #expect(reload.actor?.uid == getuid())
    #expect(reload.message.contains("1 changed (store), 1 added (r3)"))
    // Each restarted driver attached once more; the unchanged ones did not.
    let attached = recorded.filter { $0.kind == "device_attached" }
    #expect(attached.filter { $0.detector == "r1" }.count == 1)
    #expect(attached.filter { $0.detector == "store" }.count == 2)
    #expect(attached.filter { $0.detector == "r3" }.count == 1)
    // The restarted detectors' first seconds without a reading were not recorded as faults.
    let faults = recorded.filter {
      $0.seq > reload.seq && ($0.kind == "alarm" || $0.kind == "detector_state")
        && ["store", "r3"].contains($0.detector) && $0.level == "alarm"
    }
    #expect(faults.isEmpty, "\(faults.map { "\($0.time) \($0.kind) \($0.message)" })")
  }

  @Test func invalidOrRestartOnlyChangesLeaveTheRunningConfiguration() async throws {
    let editable = EditableConfig(smallWard)
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60, editable: editable)

    // Not a valid ward: the errors come back with file and line; nothing changes.
    editable.text = Self.editedWard.replacingOccurrences(
      of: "warn_usv_h = 3.0", with: "warn_usv_h = \"high\"")
    let invalid = try await reloadError(daemon)
    #expect(invalid.code == .invalidConfig)
    #expect(invalid.message.contains("test.toml:"))
    #expect(invalid.message.contains("warn_usv_h"))
    #expect(invalid.message.contains("the running configuration stays"))

    // Valid, but one setting needs a restart: refused as a whole.
    editable.text = "[daemon]\nmax_clients = 8\n" + Self.editedWard
    let restart = try await reloadError(daemon)
    #expect(restart.code == .refused)
    #expect(restart.message.contains("[daemon] max_clients changed: restart dosed"))

    let status = try await daemon.status()
    #expect(status.detectors.map(\.id) == ["r1", "r2", "store"])
    #expect(status.locations.first { $0.id == "room-2" }?.warnUSvH == 2.0)
    let rejected = try await events(daemon).filter { $0.kind == "config_reload_failed" }
    #expect(rejected.count == 2)
    #expect(rejected.allSatisfy { $0.actor?.uid == getuid() && $0.level == "warn" })
    #expect(try await events(daemon).allSatisfy { $0.kind != "config_reload" })

    // Put right, the same daemon takes it.
    editable.text = Self.editedWard
    #expect(try await reload(daemon).detectors.added == ["r3"])
  }

  @Test func restartOnlySettingsAreNamed() throws {
    let base = try ConfigLoader.parse(smallWard, path: "a.toml")
    var changed = base
    changed.daemon.socketPath = "/run/other.sock"
    changed.daemon.metricsListen = ("127.0.0.1", 9853)
    changed.daemon.logLevel = .debug
    #expect(
      ConfigReloader.restartOnlyChanges(from: base, to: changed)
        == ["[daemon] socket", "[daemon] log_level", "[metrics] listen"])
    // Detectors and locations are not restart-only.
    let edited = try ConfigLoader.parse(Self.editedWard, path: "a.toml")
    #expect(ConfigReloader.restartOnlyChanges(from: base, to: edited).isEmpty)
  }

  /// The real binary: SIGHUP reloads, and systemd hears RELOADING=1 with MONOTONIC_USEC, then
  /// READY=1 (sd_notify(3)), on a real datagram socket.
  @Test func sighupReloadsAndTellsSystemd() async throws {
    let listener = try NotifyListener()
    let daemon = try DosedProcess(
      name: "hup", ward: smallWard, arguments: ["--time-scale", "60"],
      environment: ["NOTIFY_SOCKET": listener.path])
    try daemon.start()
    defer { daemon.stop() }
    let socket = daemon.socket
    let startup = try await offPool {
      listener.receive { $0.contains { $0.hasPrefix("READY=1") } }
    }
    #expect(startup.contains { $0.hasPrefix("READY=1") })

    func monotonicMicroseconds() -> UInt64 {
      var now = timespec()
      clock_gettime(CLOCK_MONOTONIC, &now)
      return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
    try daemon.write(ward: Self.editedWard)
    let signalled = monotonicMicroseconds()
    kill(daemon.pid, SIGHUP)
    let messages = try await offPool {
      listener.receive { messages in
        guard let reloading = messages.firstIndex(where: { $0.hasPrefix("RELOADING=1") }) else {
          return false
        }
        return messages[(reloading + 1)...].contains("READY=1")
      }
    }
    let received = monotonicMicroseconds()
    let reloading = try #require(messages.firstIndex { $0.hasPrefix("RELOADING=1") })
    let usec = messages[reloading].split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") }
    let sent = try #require(usec.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
    // CLOCK_MONOTONIC: between the signal and the reply, on the test's own monotonic clock.
    #expect(signalled <= sent && sent <= received, "MONOTONIC_USEC is CLOCK_MONOTONIC")
    #expect(messages[(reloading + 1)...].contains("READY=1"))
    #expect(daemon.process.isRunning, "SIGHUP must not stop the daemon")

    let run = try await ExecutableTests().run(
      "dosectl", ["events", "--json", "--socket", socket])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("config_reload"))
    #expect(run.stdout.contains("(SIGHUP)"))
    let detectors = try await ExecutableTests().run(
      "dosectl", ["detectors", "--json", "--socket", socket])
    #expect(detectors.stdout.contains("\"r3\""))
  }
}
