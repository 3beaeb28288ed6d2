import DoseCore

/// The deterministic heart of the simulated detector: counts for an interval of simulated time,
/// as a real tube with this sensitivity and dead time would register them.
public struct SimulatedCounter: Sendable {
  public let scenario: SimulatedScenario
  public let sensitivityCpmPerUSvH: Double
  public let deadTimeSeconds: Double
  private var rng: SeededGenerator
  private var lastCounts: UInt64 = 0

  public init(scenario: SimulatedScenario, sensitivityCpmPerUSvH: Double, deadTimeSeconds: Double) {
    self.scenario = scenario
    self.sensitivityCpmPerUSvH = sensitivityCpmPerUSvH
    self.deadTimeSeconds = deadTimeSeconds
    self.rng = SeededGenerator(seed: scenario.seed)
  }

  /// Expected observed counts over [t0, t1]: true rate from the dose rate and sensitivity, then
  /// non-paralyzable dead-time losses, the model the core corrects with.
  public func expectedCounts(from t0: Double, to t1: Double) -> Double {
    let dose = scenario.meanDoseRate(from: t0, to: t1)
    let trueCPS = dose * sensitivityCpmPerUSvH / 60
    return DeadTime.observedRate(trueCPS: trueCPS, tau: deadTimeSeconds) * (t1 - t0)
  }

  /// Counts registered over [t0, t1], with the scenario's faults applied. Call for consecutive
  /// intervals; `disconnect` is handled by the caller (no reading at all).
  public mutating func count(from t0: Double, to t1: Double) -> UInt64 {
    switch scenario.fault(at: t1) {
    case .silence:
      return 0
    case .stuck:
      return lastCounts
    case .disconnect, nil:
      let counts = PoissonSampler.sample(mean: expectedCounts(from: t0, to: t1), using: &rng)
      lastCounts = counts
      return counts
    }
  }
}
