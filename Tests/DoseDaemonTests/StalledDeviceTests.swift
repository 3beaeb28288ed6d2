import DeviceEmulators
import DoseProtocol
import Foundation
import Synchronization
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// A counter whose port stays open but sends nothing more (a hung microcontroller, a cable that
/// carries no data). The detector goes `stale` at its staleness limit (default three reading
/// intervals + 1 s: 4 s for a kit that reports every second, docs/measurement.md §5), its room
/// goes to `fault` with an alarm and cannot be cleared, both are recorded, and everything
/// recovers when the lines come back. The limit is checked to the quarter second on manual time;
/// the real `dosed` binary must do the same on its own clock.
@Suite(.serialized, .stopsDaemons) struct StalledDeviceTests {
  static let line = "CPS, 00002, CPM, 00120, uSv/hr, 01.20, SLOW\r\n"

  @Test func aSilentOpenPortGoesStaleAtItsLimit() async throws {
    let directory = "/tmp/dosed-stall-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let terminal = try PseudoTerminal(link: directory + "/ttyKIT")
    defer { terminal.close() }
    let daemon = try await TestDaemon.start(
      DosedProcess.kitWard(port: directory + "/ttyKIT"), manualTime: true, directory: directory)
    let engine = daemon.service.engine
    /// One line from the kit, taken in by the engine at the clock's present time.
    func kitLine() async throws {
      terminal.write(Array(Self.line.utf8))
      try await eventually("the kit's line is read") {
        await engine.evaluate()
        return await engine.status(id: nil).detectors.first?.ageSeconds == 0
      }
    }
    func kit() async throws -> DetectorStatus {
      try #require(try await daemon.status().detectors.first { $0.id == "kit" })
    }
    // A line a second for 4 s.
    for second in 0..<4 {
      if second > 0 { try await daemon.advance(by: 1) }
      try await kitLine()
    }
    try await daemon.advance(by: 0.25)
    #expect(try await kit().state == "ok")

    // The port stays open and silent: still ok just before the limit, stale just after.
    try await daemon.advance(by: 3.5)
    #expect(try await kit().state == "ok", "stale too early")
    try await daemon.advance(by: 0.5)
    let stale = try await kit()
    #expect(stale.state == "stale", "not stale 4.25 s after the last line")
    #expect(stale.reason?.contains("no reading for") == true, "\(stale.reason ?? "")")
    // The room it watches cannot be trusted: fault, alarm level, never clear.
    let room = try #require(try await daemon.status().locations.first { $0.id == "room" })
    #expect(room.state == "fault")
    #expect(room.alarm == "alarm")
    #expect(room.clearance?.decision != "below")
    // And a fault alarm at alarm level names the detector.
    let alarm = try #require(try await daemon.status().alarms.first { $0.detector == "kit" })
    #expect(alarm.kind == "fault" && alarm.level == "alarm")
    #expect(alarm.message.contains("stale"))

    // Lines again: the kit reads and the room leaves fault.
    var lines = 0
    while try await daemon.status().locations.first?.state != "occupied" {
      try #require(lines < 30, "the room still in fault after 30 lines")
      try await kitLine()
      try await daemon.advance(by: 1)
      lines += 1
    }
    #expect(try await kit().state == "ok")
    let events = try await daemon.send(
      EventsRequest(id: .number(1), detector: nil), as: EventsReply.self
    ).events
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
  }

  /// The real binary: stale once the kit is silent, fault and alarm, recovery when it talks
  /// again. Only the order of things is checked; the waits only bound a hang.
  @Test func theRealDaemonFaultsASilentKitAndRecovers() async throws {
    let (daemon, terminal) = try DosedProcess.startWithKitTerminal(name: "stall")
    try await daemon.waitAnswering()
    var talking = Self.talk(to: terminal.masterFD)
    try await eventually("the kit reads", seconds: 60) {
      await daemon.detector("kit")?.state == "ok"
    }
    talking.stop()
    try await eventually("the silent kit goes stale", seconds: 60) {
      await daemon.detector("kit")?.state == "stale"
    }
    let kit = try #require(await daemon.detector("kit"))
    #expect(kit.reason?.contains("no reading for") == true, "\(kit.reason ?? "")")
    let room = try #require(await daemon.location("room"))
    #expect(room.state == "fault")
    #expect(room.alarm == "alarm")
    let alarm = try #require(await daemon.status()?.alarms.first { $0.detector == "kit" })
    #expect(alarm.kind == "fault" && alarm.level == "alarm")

    talking = Self.talk(to: terminal.masterFD)
    defer { talking.stop() }
    try await eventually("the room leaves fault", seconds: 60) {
      await daemon.location("room")?.state == "occupied"
    }
    let events = try await daemon.events()
    #expect(events.contains { $0.kind == "detector_state" && $0.message.contains("stale") })
    #expect(events.contains { $0.kind == "alarm_cleared" && $0.detector == "kit" })
    talking.stop()
    #expect(daemon.stop() == 0)
  }

  /// A kit writing its line once a second on its own thread until stopped.
  final class Talker: Sendable {
    let stopped = Mutex(false)
    let done = DispatchSemaphore(value: 0)

    func stop() {
      guard
        !stopped.withLock({ value in
          defer { value = true }
          return value
        })
      else { return }
      done.wait()
    }
  }

  static func talk(to fd: Int32) -> Talker {
    let talker = Talker()
    Thread {
      while !talker.stopped.withLock({ $0 }) {
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        Thread.sleep(forTimeInterval: 1)
      }
      talker.done.signal()
    }.start()
    return talker
  }
}
