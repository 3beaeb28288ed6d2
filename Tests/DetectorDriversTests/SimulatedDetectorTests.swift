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

  /// Runs the detector on a manual clock of `scale` for `seconds` of clock time, then stops it.
  func run(_ detector: SimulatedDetector, scale: Double, seconds: Double) async -> [DriverEvent] {
    let log = EventLog()
    let manual = ManualClock()
    let clock = DoseClock(source: manual, start: Date(timeIntervalSince1970: 0), scale: scale)
    let task = Task {
      await detector.run(clock: clock) { log.append($0) }
    }
    // The driver's first pass (connected) ends in its first sleep.
    while manual.sleeperCount == 0 { await Task.yield() }
    await manual.advance(by: seconds)
    task.cancel()
    await task.value
    return log.all
  }

  @Test func emitsConnectedThenConsecutiveReadings() async {
    let detector = SimulatedDetector(
      id: "d1", scenario: SimulatedScenario(backgroundUSvH: 5, seed: 1), calibration: calibration,
      intervalSeconds: 1, minRealPeriod: 0.01)
    let events = await run(detector, scale: 100, seconds: 20)
    guard case .connected(let id, _) = events.first else {
      Issue.record("first event should be connected, got \(String(describing: events.first))")
      return
    }
    #expect(id == "d1")
    let readings = events.compactMap { event -> Reading? in
      if case .reading(let reading) = event { return reading }
      return nil
    }
    // A reading each clock second, the first from the start.
    #expect(readings.count == 20)
    #expect(readings.map(\.monotonicSeconds) == (1...20).map(Double.init))
    #expect(readings.allSatisfy { $0.wallTime.timeIntervalSince1970 == $0.monotonicSeconds })
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
    // Disconnected during clock seconds 60–140.
    let scenario = SimulatedScenario(
      backgroundUSvH: 1, faults: [.init(kind: .disconnect, start: 60, end: 140)], seed: 2)
    let detector = SimulatedDetector(
      id: "d2", scenario: scenario, calibration: calibration, intervalSeconds: 0.2,
      minRealPeriod: 0.01)
    let events = await run(detector, scale: 20, seconds: 200)
    let kinds = events.map { event -> String in
      switch event {
      case .connected: "connected"
      case .disconnected: "disconnected"
      case .reading: "reading"
      case .counters: "counters"
      }
    }
    #expect(kinds.filter { $0 == "disconnected" }.count == 1)
    #expect(kinds.filter { $0 == "connected" }.count == 2)
    let lost = kinds.firstIndex(of: "disconnected")
    #expect(lost != nil)
    if let lost {
      #expect(kinds[..<lost].contains("reading"))
      #expect(kinds[lost...].dropFirst().first == "connected")
    }
    // Lost at the first reading time within the fault, back at the first after it.
    let times = events.compactMap { event -> Double? in
      if case .reading(let reading) = event { return reading.monotonicSeconds }
      return nil
    }
    #expect(times.contains { $0 < 60 } && times.contains { $0 > 140 })
    #expect(!times.contains { $0 >= 60 && $0 <= 140 })
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
    // Wall time is the start plus the clock's own seconds.
    #expect(abs(first.wallTime.timeIntervalSince(start) - first.monotonicSeconds) < 1e-3)
    try await Task.sleep(for: .milliseconds(50))
    let second = clock.now()
    // At least 50 ms real = 50 s simulated have passed; wall and monotonic move together.
    #expect(second.monotonicSeconds - first.monotonicSeconds >= 50)
    let wallStep = second.wallTime.timeIntervalSince(first.wallTime)
    let monotonicStep = second.monotonicSeconds - first.monotonicSeconds
    #expect(abs(wallStep - monotonicStep) < 1e-3)
  }

  @Test func manualClockMovesOnlyWhenAdvanced() async throws {
    let manual = ManualClock()
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let clock = DoseClock(source: manual, start: start, scale: 60)
    #expect(clock.now().monotonicSeconds == 0)
    #expect(clock.now().wallTime == start)
    #expect(clock.scale == 60)
    await manual.advance(by: 90.5)
    #expect(clock.now().monotonicSeconds == 90.5)
    #expect(clock.now().wallTime == start.addingTimeInterval(90.5))
    await manual.advance(to: 10)
    #expect(manual.seconds == 90.5, "an earlier target changes nothing")
  }

  /// Two loops of different periods wake at each of their deadlines in order (at the same
  /// deadline, the one asleep longer first), each seeing the clock at exactly its deadline.
  @Test func advanceWakesSleepersInDeadlineOrder() async throws {
    let manual = ManualClock()
    let log = Lines()
    func loop(_ name: String, period: Double) -> Task<Void, Never> {
      Task {
        while true {
          do { try await manual.sleep(seconds: period) } catch { return }
          log.append("\(name)@\(manual.seconds)")
        }
      }
    }
    let fast = loop("a", period: 1)
    while manual.sleeperCount < 1 { await Task.yield() }
    let slow = loop("b", period: 2.5)
    while manual.sleeperCount < 2 { await Task.yield() }
    await manual.advance(by: 5)
    #expect(
      log.all == [
        "a@1.0", "a@2.0", "b@2.5", "a@3.0", "a@4.0", "b@5.0", "a@5.0",
      ])
    #expect(manual.seconds == 5)
    fast.cancel()
    slow.cancel()
    await fast.value
    await slow.value
    #expect(manual.sleeperCount == 0, "a cancelled sleep ends at once")
  }

  final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
  }

  @Test func sleepInACancelledTaskThrows() async {
    let manual = ManualClock()
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      try await manual.sleep(seconds: 1)
    }
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(manual.sleeperCount == 0)
  }
}
