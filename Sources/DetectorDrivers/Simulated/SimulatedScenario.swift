import Foundation

/// What a simulated counter sees: a background, decaying sources that come and go, and faults.
/// Times are seconds of simulated time since the simulation started.
public struct SimulatedScenario: Sendable, Hashable {
  public struct Source: Sendable, Hashable {
    /// Dose rate at the detector when the source appears, µSv/h.
    public var doseRateUSvH: Double
    /// Physical or effective half-life; nil = does not decay.
    public var halfLifeSeconds: Double?
    /// When the source appears (patient admitted, package stored).
    public var start: Double
    /// When it disappears (patient discharged); nil = never.
    public var end: Double?

    public init(doseRateUSvH: Double, halfLifeSeconds: Double?, start: Double, end: Double?) {
      self.doseRateUSvH = doseRateUSvH
      self.halfLifeSeconds = halfLifeSeconds
      self.start = start
      self.end = end
    }

    /// Mean dose rate over [t0, t1], integrating the exponential exactly so long intervals at a
    /// high time scale stay right.
    public func meanDoseRate(from t0: Double, to t1: Double) -> Double {
      let lo = Swift.max(t0, start)
      let hi = Swift.min(t1, end ?? .infinity)
      guard hi > lo, t1 > t0 else { return 0 }
      let integral: Double
      if let halfLife = halfLifeSeconds {
        let lambda = log(2.0) / halfLife
        integral =
          doseRateUSvH * (exp(-lambda * (lo - start)) - exp(-lambda * (hi - start))) / lambda
      } else {
        integral = doseRateUSvH * (hi - lo)
      }
      return integral / (t1 - t0)
    }
  }

  public enum FaultKind: String, Sendable, Hashable, CaseIterable {
    case silence
    case stuck
    case disconnect
  }

  public struct Fault: Sendable, Hashable {
    public var kind: FaultKind
    public var start: Double
    /// nil = until the end of the run.
    public var end: Double?

    public init(kind: FaultKind, start: Double, end: Double?) {
      self.kind = kind
      self.start = start
      self.end = end
    }

    public func isActive(at t: Double) -> Bool { t >= start && t < (end ?? .infinity) }
  }

  public var backgroundUSvH: Double
  public var sources: [Source]
  public var faults: [Fault]
  public var seed: UInt64

  public init(
    backgroundUSvH: Double = 0.1, sources: [Source] = [], faults: [Fault] = [], seed: UInt64
  ) {
    self.backgroundUSvH = backgroundUSvH
    self.sources = sources
    self.faults = faults
    self.seed = seed
  }

  /// Mean true dose rate over an interval, background included.
  public func meanDoseRate(from t0: Double, to t1: Double) -> Double {
    backgroundUSvH + sources.reduce(0) { $0 + $1.meanDoseRate(from: t0, to: t1) }
  }

  /// The fault in force at `t`, if any (the first listed wins when they overlap).
  public func fault(at t: Double) -> FaultKind? {
    faults.first { $0.isActive(at: t) }?.kind
  }
}
