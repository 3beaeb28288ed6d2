import DoseCore

/// A detector driver backed by a `SimulatedScenario`, emitting the same events real drivers do.
///
/// It reads every `intervalSeconds` of clock time, but never more often than `minRealPeriod`
/// real seconds: at `--time-scale 3600` each reading then covers many simulated seconds, which
/// keeps the CPU load of a fast demo flat.
public struct SimulatedDetector: DetectorDriver {
  public let id: String
  public let intervalSeconds: Double
  public let minRealPeriod: Double
  /// Fewest real seconds between readings, whatever the time scale.
  public static let defaultMinRealPeriod = 0.2
  private let counterTemplate: SimulatedCounter

  public init(
    id: String, scenario: SimulatedScenario, calibration: Calibration,
    intervalSeconds: Double = 1, minRealPeriod: Double = defaultMinRealPeriod
  ) {
    self.id = id
    self.intervalSeconds = intervalSeconds
    self.minRealPeriod = minRealPeriod
    self.counterTemplate = SimulatedCounter(
      scenario: scenario, sensitivityCpmPerUSvH: calibration.sensitivityCpmPerUSvH,
      deadTimeSeconds: calibration.deadTimeSeconds)
  }

  /// Clock seconds between readings at a clock's scale.
  public func period(for clock: DoseClock) -> Double {
    Swift.max(intervalSeconds, minRealPeriod * clock.scale)
  }

  /// Runs until the task is cancelled, sending events through `emit`.
  public func run(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) async {
    var counter = counterTemplate
    let scenario = counterTemplate.scenario
    let period = period(for: clock)
    var connected = false
    var last = clock.now()
    while !Task.isCancelled {
      let now = clock.now()
      let t0 = last.monotonicSeconds
      let t1 = now.monotonicSeconds
      if scenario.fault(at: t1) == .disconnect {
        if connected {
          connected = false
          emit(.disconnected(detectorID: id, reason: "simulated disconnect"))
        }
      } else {
        if !connected {
          connected = true
          emit(.connected(detectorID: id, identity: DeviceIdentity(model: "simulated counter")))
        } else if t1 > t0 {
          let counts = counter.count(from: t0, to: t1)
          emit(
            .reading(
              Reading(
                detectorID: id, counts: counts, intervalSeconds: t1 - t0,
                monotonicSeconds: t1, wallTime: now.wallTime)))
        }
      }
      last = now
      do {
        try await clock.sleep(seconds: period)
      } catch {
        return
      }
    }
  }
}

extension SimulatedDetector {
  /// No device; one reading per second of clock time unless configured.
  public static let facts = DriverFacts(name: "simulated", attachment: .none)
}
