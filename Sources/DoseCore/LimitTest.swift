import Foundation

/// Decides, with a guaranteed error rate, that a dose rate is *below* a limit: the clearance
/// question "may the next patient or the cleaners go in?".
///
/// Wald's sequential probability ratio tests of "the rate is ρ·limit" against "the rate is at
/// the limit", for several ρ (a room just under the limit needs a ρ close to 1; one far under is
/// decided fastest by a small ρ). With N counts in t seconds,
/// LLR_ρ = N·ln ρ + (1 − ρ)·λ_L·t, λ_L the observed count rate at the limit. "Below" is
/// declared when any LLR_ρ ≥ ln(m/α), m the number of ρ. Each likelihood ratio is a nonnegative
/// martingale when the true rate is at the limit, so by Ville's inequality it *ever* reaches
/// m/α with probability at most α/m; at higher rates less still. That holds however often the
/// decision is looked at, which a repeated 95 % upper bound does not (it would declare some rooms
/// above the limit clear, just by looking every second).
///
/// The test counts only readings after it (re)starts, never a retrospectively chosen stretch,
/// so the guarantee stands.
public struct LimitTest: Sendable, Hashable {
  public let limitUSvH: Double
  /// Observed counts per second at the limit.
  public let limitCPS: Double
  public let alpha: Double
  public let ratios: [Double]
  /// ln(m/α).
  public let decisionValue: Double
  public private(set) var counts = 0.0
  public private(set) var seconds = 0.0

  /// ρ values: project choice spreading the tests over the range an RSO cares about; rates up
  /// to about 0.92× the limit are eventually decided (zero drift at (1 − ρ)/(−ln ρ)).
  public static let defaultRatios = [0.5, 0.7, 0.85]
  /// 10⁻⁵ per decision: project choice; the benchmark shows no wrong decision in 10 000 rooms
  /// at 1.2× the limit.
  public static let defaultAlpha = 1e-5

  public init(
    limitUSvH: Double, calibration: Calibration, alpha: Double = defaultAlpha,
    ratios: [Double] = defaultRatios, detectorDose: (Double) -> Double = { $0 }
  ) {
    self.limitUSvH = limitUSvH
    limitCPS = Swift.max(
      calibration.observedCountRate(doseRateUSvH: detectorDose(limitUSvH)), 1e-12)
    self.alpha = alpha
    self.ratios = ratios
    decisionValue = log(Double(ratios.count) / alpha)
  }

  /// Same design (level, error rate, ratios), whatever the counts so far.
  public func sameDesign(as other: LimitTest) -> Bool {
    limitCPS == other.limitCPS && alpha == other.alpha && ratios == other.ratios
  }

  public mutating func update(counts c: Double, seconds t: Double) {
    counts += c
    seconds += t
  }

  public mutating func restart() {
    counts = 0
    seconds = 0
  }

  public func logLikelihoodRatio(ratio rho: Double) -> Double {
    counts * log(rho) + (1 - rho) * limitCPS * seconds
  }

  /// Largest LLR over the ratios.
  public var statistic: Double {
    ratios.map(logLikelihoodRatio(ratio:)).max() ?? -.infinity
  }

  public var decidedBelow: Bool { statistic >= decisionValue }

  /// Seconds more counting the test expects to need at the current observed rate, nil when
  /// no ratio's LLR grows at that rate (the rate is too close to, or above, the limit for
  /// counting to show it is below).
  public func secondsToDecide(observedCPS rate: Double) -> Double? {
    if decidedBelow { return 0 }
    var best: Double?
    for rho in ratios {
      let drift = rate * log(rho) + (1 - rho) * limitCPS
      guard drift > 0 else { continue }
      let needed = (decisionValue - logLikelihoodRatio(ratio: rho)) / drift
      best = Swift.min(best ?? .infinity, Swift.max(0, needed))
    }
    return best
  }
}
