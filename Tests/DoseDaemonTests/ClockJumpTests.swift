import DetectorDrivers
import DoseProtocol
import Foundation
import Synchronization
import Testing

@testable import DoseDaemon

/// Issue 9: the wall clock steps forward an hour, then back two, while the engine monitors
/// simulated detectors in real time. Rates, windows and faults run on the monotonic clock:
/// nothing goes stale and nothing alarms. The records' wall time follows the step.
@Suite struct ClockJumpTests {
  final class SteppedWallClock: Sendable {
    private let offset = Mutex(0.0)
    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func step(by seconds: Double) { offset.withLock { $0 += seconds } }
  }

  @Test func wallClockStepsChangeNoMeasurementAndNoAlarm() async throws {
    let wall = SteppedWallClock()
    let clock = DoseClock(wallClock: { wall.now() })
    let config = try ConfigLoader.parse(smallWard, path: "t.toml")
    let engine = Engine(config: config, clock: clock)
    let drivers = config.detectors.map { DetectorFactory.simulated($0) }
    let tasks = drivers.map { driver in
      Task { await driver.run(clock: clock) { event in Task { await engine.handle(event) } } }
    }
    defer { for task in tasks { task.cancel() } }
    var problems: [String] = []
    /// Evaluates for `seconds`, noting any detector not ok and any alarm; the last time seen.
    func monitor(for seconds: Double) async throws -> Date {
      let end = ContinuousClock.now + .seconds(seconds)
      while ContinuousClock.now < end {
        await engine.evaluate()
        let status = await engine.status(id: nil)
        for detector in status.detectors where detector.state != "ok" {
          problems.append("\(detector.id) \(detector.state) \(detector.reason ?? "")")
        }
        for alarm in status.alarms {
          problems.append("alarm \(alarm.kind) \(alarm.message)")
        }
        try await Task.sleep(for: .milliseconds(250))
      }
      await engine.evaluate()
      return await engine.status(id: nil).time
    }
    try await eventually("every detector reads") {
      await engine.evaluate()
      return await engine.status(id: nil).detectors.allSatisfy { $0.state == "ok" }
    }
    let before = try await monitor(for: 1.5)
    wall.step(by: 3600)
    let ahead = try await monitor(for: 2)
    wall.step(by: -7200)
    let behind = try await monitor(for: 2)
    #expect(problems.isEmpty, "\(problems.prefix(5))")
    // The snapshot's time followed the wall clock: up an hour, then down two.
    #expect(ahead.timeIntervalSince(before) > 3600)
    #expect(behind.timeIntervalSince(ahead) < -7000)
    // The rate estimate saw no gap: r1's window spans the steps.
    let r1 = try #require(await engine.status(id: nil).detectors.first { $0.id == "r1" })
    #expect((r1.provenance?.windowSeconds ?? 0) >= 4)
  }

  /// The same, end to end: the real `dosed` binary whose system wall clock steps (CLOCK_REALTIME,
  /// gettimeofday and time, through the LD_PRELOAD library `libClockShift.so`, see
  /// Sources/ClockShift), as an NTP step or `date -s` would step it, while CLOCK_MONOTONIC runs on.
  @Test func theRealDaemonRidesOutSystemClockSteps() async throws {
    let shim = ExecutableTests.binaries.appendingPathComponent("libClockShift.so").path
    try #require(FileManager.default.fileExists(atPath: shim), "build libClockShift.so first")
    let daemon = try DosedProcess(name: "clock", ward: smallWard)
    let shiftFile = daemon.directory + "/clock-shift"
    func shift(by seconds: Int64) throws {
      var nanoseconds = seconds * 1_000_000_000
      try Data(bytes: &nanoseconds, count: 8).write(to: URL(fileURLWithPath: shiftFile))
    }
    try shift(by: 0)
    daemon.environment = ["LD_PRELOAD": shim, "DOSED_CLOCK_SHIFT_FILE": shiftFile]
    try daemon.start()
    try await daemon.waitAnswering()
    try await eventually("every detector reads") {
      await daemon.status()?.detectors.allSatisfy { $0.state == "ok" } == true
    }
    var problems: [String] = []
    /// Watches the daemon for `seconds`: any detector not ok and any alarm is a problem.
    /// Returns the daemon's time minus the test's (unshifted) time at the end.
    func watch(for seconds: Double) async throws -> Double {
      let end = ContinuousClock.now + .seconds(seconds)
      var offset = Double.nan
      while ContinuousClock.now < end {
        let status = try #require(await daemon.status())
        offset = status.time.timeIntervalSinceNow
        for detector in status.detectors where detector.state != "ok" {
          problems.append("\(detector.id) \(detector.state) \(detector.reason ?? "")")
        }
        for alarm in status.alarms { problems.append("alarm \(alarm.kind) \(alarm.message)") }
        try await Task.sleep(for: .milliseconds(250))
      }
      return offset
    }
    let before = try await watch(for: 2)
    let recordedBefore = Set(try await daemon.events().map(\.seq))
    try shift(by: 3600)
    let ahead = try await watch(for: 3)
    try shift(by: -7200)
    let behind = try await watch(for: 3)
    #expect(problems.isEmpty, "\(problems.prefix(5))")
    // Records keep wall time: the daemon's clock followed each step.
    #expect(abs(before) < 5, "before: \(before)")
    #expect(abs(ahead - 3600) < 5, "after +1 h: \(ahead)")
    #expect(abs(behind + 7200) < 5, "after -2 h: \(behind)")
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
