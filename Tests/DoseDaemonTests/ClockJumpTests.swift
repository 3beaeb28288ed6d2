import DetectorDrivers
import DoseProtocol
import Foundation
import Synchronization
import Testing

@testable import DoseDaemon

/// The wall clock steps forward an hour, then back two, while the engine monitors simulated
/// detectors. Rates, windows and faults run on the monotonic clock: nothing goes stale and
/// nothing alarms. The records' wall time follows the step.
@Suite struct ClockJumpTests {
  /// Wall time that runs with the manual clock and can be stepped apart from it.
  final class SteppedWallClock: Sendable {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let manual: ManualClock
    private let offset = Mutex(0.0)
    init(_ manual: ManualClock) { self.manual = manual }
    func now() -> Date { start.addingTimeInterval(manual.seconds + offset.withLock { $0 }) }
    func step(by seconds: Double) { offset.withLock { $0 += seconds } }
  }

  final class PendingEvents: Sendable {
    private let events = Mutex<[DriverEvent]>([])
    func append(_ event: DriverEvent) { events.withLock { $0.append(event) } }
    func take() -> [DriverEvent] {
      events.withLock { events in
        defer { events = [] }
        return events
      }
    }
  }

  @Test func wallClockStepsChangeNoMeasurementAndNoAlarm() async throws {
    let manual = ManualClock()
    let wall = SteppedWallClock(manual)
    let clock = DoseClock(source: manual, start: wall.start, wallClock: { wall.now() })
    let config = try ConfigLoader.parse(smallWard, path: "t.toml")
    let engine = Engine(config: config, clock: clock)
    let drivers = config.detectors.map { DetectorFactory.simulated($0) }
    // The drivers' events wait here until the engine takes them, in order, at each step.
    let pending = PendingEvents()
    let tasks = drivers.map { driver in
      Task { await driver.run(clock: clock) { pending.append($0) } }
    }
    defer { for task in tasks { task.cancel() } }
    try await eventually("every driver waits on the clock") {
      manual.sleeperCount == drivers.count
    }
    var problems: [String] = []
    /// Monitors for `seconds` of clock time in steps of a quarter second, noting any detector
    /// not ok and any alarm; the last time seen.
    func monitor(for seconds: Double) async -> Date {
      for _ in 0..<Int(seconds * 4) {
        await manual.advance(by: 0.25)
        for event in pending.take() {
          await engine.handle(event)
        }
        await engine.evaluate()
        let status = await engine.status(id: nil)
        for detector in status.detectors where detector.state != "ok" {
          problems.append("\(detector.id) \(detector.state) \(detector.reason ?? "")")
        }
        for alarm in status.alarms {
          problems.append("alarm \(alarm.kind) \(alarm.message)")
        }
      }
      return await engine.status(id: nil).time
    }
    // Two readings each first.
    _ = await monitor(for: 2)
    problems = []
    let before = await monitor(for: 1.5)
    wall.step(by: 3600)
    let ahead = await monitor(for: 2)
    wall.step(by: -7200)
    let behind = await monitor(for: 2)
    #expect(problems.isEmpty, "\(problems.prefix(5))")
    // The snapshot's time followed the wall clock: up an hour, then down two.
    #expect(ahead.timeIntervalSince(before) == 3600 + 2)
    #expect(behind.timeIntervalSince(ahead) == -7200 + 2)
    // The rate estimate saw no gap: r1's window spans the steps.
    let r1 = try #require(await engine.status(id: nil).detectors.first { $0.id == "r1" })
    #expect((r1.provenance?.windowSeconds ?? 0) >= 4)
  }

  /// The same, end to end: the real `dosed` binary whose system wall clock steps (CLOCK_REALTIME,
  /// gettimeofday and time, through the LD_PRELOAD library `libClockShift.so`, see
  /// Sources/ClockShift), as an NTP step or `date -s` would step it, while CLOCK_MONOTONIC runs on.
  /// Staleness is a minute here, so that a starved daemon cannot go stale for real; a step of an
  /// hour taken for silence would still show.
  @Test func theRealDaemonRidesOutSystemClockSteps() async throws {
    let shim = ExecutableTests.binaries.appendingPathComponent("libClockShift.so").path
    try #require(FileManager.default.fileExists(atPath: shim), "build libClockShift.so first")
    let ward = smallWard.replacingOccurrences(
      of: "driver = \"simulated\"\n", with: "driver = \"simulated\"\nstale_after_s = 60.0\n")
    let daemon = try DosedProcess(name: "clock", ward: ward)
    let shiftFile = daemon.directory + "/clock-shift"
    // Rewritten in place, never truncated: the daemon has the file mapped, and a read of a
    // mapped page past the end of a truncated file is a SIGBUS.
    try #require(FileManager.default.createFile(atPath: shiftFile, contents: Data(count: 8)))
    func shift(by seconds: Int64) throws {
      var nanoseconds = seconds * 1_000_000_000
      let file = try FileHandle(forUpdating: URL(fileURLWithPath: shiftFile))
      defer { try? file.close() }
      try file.write(contentsOf: Data(bytes: &nanoseconds, count: 8))
    }
    daemon.environment = ["LD_PRELOAD": shim, "DOSED_CLOCK_SHIFT_FILE": shiftFile]
    try daemon.start()
    try await daemon.waitAnswering()
    try await eventually("every detector reads", seconds: 60) {
      await daemon.status()?.detectors.allSatisfy { $0.state == "ok" } == true
    }
    var problems: [String] = []
    /// Watches the daemon until its time has followed the test's wall clock moved by `offset`
    /// seconds and then run on 3 s: any detector not ok and any alarm is a problem. A snapshot
    /// has followed when its time lies between the shifted time the request was sent at (less
    /// 5 s: snapshots are a quarter second apart, their time is written in whole seconds) and
    /// the shifted time its reply came in.
    func watch(offset: Double) async throws {
      var followedAt: Date?
      try await eventually("the daemon's time is \(offset) s off the test's", seconds: 60) {
        let sent = Date()
        guard let status = await daemon.status() else { return false }
        let received = Date()
        for detector in status.detectors where detector.state != "ok" {
          problems.append("\(detector.id) \(detector.state) \(detector.reason ?? "")")
        }
        for alarm in status.alarms { problems.append("alarm \(alarm.kind) \(alarm.message)") }
        guard status.time >= sent.addingTimeInterval(offset - 5),
          status.time <= received.addingTimeInterval(offset + 0.01)
        else { return false }
        let first = followedAt ?? status.time
        followedAt = first
        return status.time.timeIntervalSince(first) >= 3
      }
    }
    try await watch(offset: 0)
    let recordedBefore = Set(try await daemon.events().map(\.seq))
    try shift(by: 3600)
    try await watch(offset: 3600)
    try shift(by: -7200)
    try await watch(offset: -7200)
    #expect(problems.isEmpty, "\(problems.prefix(5))")
    // Nothing was recorded because of the steps: no alarm, no detector or location change.
    let events = try await daemon.events().filter { !recordedBefore.contains($0.seq) }
    let changes = events.filter { ["alarm", "detector_state", "location_state"].contains($0.kind) }
    #expect(changes.isEmpty, "\(changes.map { "\($0.kind): \($0.message)" })")
    // The rate estimate saw no gap: r1's window spans the steps.
    let r1 = try #require(await daemon.detector("r1"))
    #expect((r1.provenance?.windowSeconds ?? 0) >= 6)
    #expect(daemon.stop() == 0)
  }
}
