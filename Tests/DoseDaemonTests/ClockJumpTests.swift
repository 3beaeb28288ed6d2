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
}
