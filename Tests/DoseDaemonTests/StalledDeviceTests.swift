import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9: a counter whose port stays open but sends nothing more (a hung microcontroller, a
/// cable that carries no data), against the real `dosed` binary. The detector goes `stale`
/// within its staleness limit (default three reading intervals + 1 s: 4 s for a kit that reports
/// every second, docs/measurement.md §5), its room goes to `fault` with an alarm and cannot be
/// cleared, both are recorded, and everything recovers when the lines come back.
@Suite(.serialized) struct StalledDeviceTests {
  /// 3 × 1 s + 1 s: the default for a counter that reports once a second.
  static let staleAfter = 4.0

  @Test func aSilentOpenPortGoesStaleThenFaultsItsRoom() async throws {
    let (daemon, terminal) = try DosedProcess.startWithKitTerminal(name: "stall")
    let fd = terminal.masterFD
    func talk(seconds: Int) async throws -> ContinuousClock.Instant {
      try await DosedProcess.talkLikeAKit(
        fd, seconds: seconds, line: "CPS, 00002, CPM, 00120, uSv/hr, 01.20, SLOW")
    }
    try await daemon.waitAnswering()
    let lastLine = try await talk(seconds: 4)
    #expect(await daemon.detector("kit")?.state == "ok")

    // The port stays open and silent. Stale once the limit has passed, not before.
    var staleAt: ContinuousClock.Instant?
    try await eventually("the kit goes stale", seconds: 15) {
      guard await daemon.detector("kit")?.state == "stale" else { return false }
      staleAt = ContinuousClock.now
      return true
    }
    let silence = try #require(staleAt) - lastLine
    print("stalled device: stale after \(silence) of silence (limit \(Self.staleAfter) s)")
    #expect(silence >= .seconds(Self.staleAfter - 0.5), "stale too early: \(silence)")
    #expect(silence <= .seconds(Self.staleAfter + 3), "stale too late: \(silence)")
    let kit = try #require(await daemon.detector("kit"))
    #expect(kit.reason?.contains("no reading for") == true, "\(kit.reason ?? "")")
    // The room it watches cannot be trusted: fault, alarm level, never clear.
    let room = try #require(await daemon.location("room"))
    #expect(room.state == "fault")
    #expect(room.alarm == "alarm")
    #expect(room.clearance?.decision != "below")
    // And a fault alarm at alarm level names the detector.
    let alarm = try #require(await daemon.status()?.alarms.first { $0.detector == "kit" })
    #expect(alarm.kind == "fault" && alarm.level == "alarm")
    #expect(alarm.message.contains("stale"))

    // Lines again: the kit reads and the room leaves fault.
    let resumed = Task { try await talk(seconds: 8) }
    try await eventually("the kit reads again", seconds: 10) {
      await daemon.detector("kit")?.state == "ok"
    }
    try await eventually("the room leaves fault", seconds: 10) {
      await daemon.location("room")?.state == "occupied"
    }
    _ = try await resumed.value
    let events = try await daemon.events()
    #expect(
      events.contains {
        $0.kind == "detector_state" && $0.detector == "kit" && $0.message.contains("stale")
      },
      "\(events.map { "\($0.kind): \($0.message)" })")
    #expect(
      events.contains {
        $0.kind == "location_state" && $0.location == "room" && $0.message.contains("fault")
      })
    #expect(events.contains { $0.kind == "alarm" && $0.detector == "kit" })
    #expect(events.contains { $0.kind == "alarm_cleared" && $0.detector == "kit" })
    #expect(daemon.stop() == 0)
  }
}
