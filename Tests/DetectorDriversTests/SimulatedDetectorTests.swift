import DoseCore
import Foundation
import Synchronization
import Testing

@testable import DetectorDrivers

/// Collects driver events from a running simulated detector.
final class EventLog: Sendable {
  private let events = Mutex<[DriverEvent]>([])
  func append(_ event: DriverEvent) { events.withLock { $0.append(event) } }
  var all: [DriverEvent] { events.withLock { $0 } }
}

struct SimulatedDetectorTests {
  let calibration = Calibration(
    sensitivityCpmPerUSvH: 106, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0)

  /// Runs the detector with a clock of `scale` started when the driver task starts (a loaded
  /// test machine may start the task late; the scenario's times must count from then), until
  /// `until` holds or 15 s pass.
  func run(
    _ detector: SimulatedDetector, scale: Double,
    until: @escaping @Sendable ([DriverEvent]) -> Bool
  )
    async -> [DriverEvent]
  {
    let log = EventLog()
    let task = Task {
      await detector.run(clock: DoseClock(scale: scale)) { log.append($0) }
    }
    let deadline = ContinuousClock.now + .seconds(15)
    while !until(log.all) && ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(25))
    }
    task.cancel()
    await task.value
    return log.all
  }

  @Test func emitsConnectedThenConsecutiveReadings() async {
    let detector = SimulatedDetector(
      id: "d1", scenario: SimulatedScenario(backgroundUSvH: 5, seed: 1), calibration: calibration,
      intervalSeconds: 1, minRealPeriod: 0.01)
    let events = await run(detector, scale: 100) { $0.count >= 20 }
    guard case .connected(let id, _) = events.first else {
      Issue.record("first event should be connected, got \(String(describing: events.first))")
      return
    }
    #expect(id == "d1")
    let readings = events.compactMap { event -> Reading? in
      if case .reading(let reading) = event { return reading }
      return nil
    }
    #expect(readings.count >= 10)
    // Intervals tile the timeline: each starts where the previous ended.
    for (previous, next) in zip(readings, readings.dropFirst()) {
      let start = next.monotonicSeconds - next.intervalSeconds
      #expect(abs(start - previous.monotonicSeconds) < 1e-9)
    }
    // 5 µSv/h × 106 cpm = 8.833 cps: the total must match within 5 Poisson sigmas.
    let counts = Double(readings.map(\.counts).reduce(0, +))
    let live = readings.map(\.intervalSeconds).reduce(0, +)
    let expected = 5 * 106.0 / 60 * live
    #expect(abs(counts - expected) < 5 * expected.squareRoot())
  }

  @Test func disconnectFaultReportsLossAndReturn() async {
    // Disconnected during simulated seconds 60–140 at 20× real time: 3–7 s real, late enough
    // that a slow task start on a loaded machine cannot skip the connected phase.
    let scenario = SimulatedScenario(
      backgroundUSvH: 1, faults: [.init(kind: .disconnect, start: 60, end: 140)], seed: 2)
    let detector = SimulatedDetector(
      id: "d2", scenario: scenario, calibration: calibration, intervalSeconds: 0.2,
      minRealPeriod: 0.01)
    let events = await run(detector, scale: 20) { events in
      events.filter {
        if case .connected = $0 { return true }
        return false
      }.count >= 2
    }
    let kinds = events.map { event -> String in
      switch event {
      case .connected: "connected"
      case .disconnected: "disconnected"
      case .reading: "reading"
      case .counters: "counters"
      }
    }
    let lost = kinds.firstIndex(of: "disconnected")
    #expect(lost != nil)
    if let lost {
      #expect(kinds[..<lost].contains("reading"))
      #expect(kinds[lost...].dropFirst().first == "connected")
    }
  }

  @Test func readingPeriodStretchesWithTimeScale() {
    let detector = SimulatedDetector(
      id: "d", scenario: SimulatedScenario(seed: 1), calibration: calibration, intervalSeconds: 1,
      minRealPeriod: 0.2)
    #expect(detector.period(for: DoseClock(scale: 1)) == 1)
    #expect(detector.period(for: DoseClock(scale: 3600)) == 720)
  }
}

struct DoseClockTests {
  @Test func scaledClockRunsFasterFromItsStart() async throws {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let clock = DoseClock(scale: 1000, start: start)
    let first = clock.now()
    #expect(abs(first.wallTime.timeIntervalSince(start)) < 10)
    try await Task.sleep(for: .milliseconds(50))
    let second = clock.now()
    // At least 50 ms real = 50 s simulated have passed; wall and monotonic move together.
    #expect(second.monotonicSeconds - first.monotonicSeconds >= 50)
    let wallStep = second.wallTime.timeIntervalSince(first.wallTime)
    let monotonicStep = second.monotonicSeconds - first.monotonicSeconds
    #expect(abs(wallStep - monotonicStep) < 1e-3)
  }
}
