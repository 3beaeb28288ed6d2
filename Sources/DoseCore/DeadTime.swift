import Foundation

/// How a counter loses counts after each pulse (Knoll, *Radiation Detection and Measurement*,
/// 4th ed., ch. 4 §VII; health-physics.md §6.1, table rows 16–17).
///
/// - non-paralyzable: blind for τ after each *counted* pulse; m = n/(1 + nτ), n = m/(1 − mτ).
///   The observed rate saturates at 1/τ.
/// - paralyzable: every pulse, counted or not, restarts the dead time; m = n·e^(−nτ). The
///   observed rate peaks at 1/(eτ) (at n = 1/τ) and then *falls* as the field rises (fold-back),
///   so one observed rate has two true rates. We always answer with the lower one and rely on the
///   over-range and fold-back faults (`DetectorMonitor`) to refuse readings near the peak.
///
/// Real GM tubes sit between the two models; the non-paralyzable one is Rad Pro's default.
public enum DeadTimeModel: String, Sendable, Hashable, Codable, CaseIterable {
  case nonParalyzable = "non_paralyzable"
  case paralyzable

  /// True rate n for an observed rate m, or nil where the model has no answer (m ≥ 1/τ for
  /// non-paralyzable, m > 1/(eτ) for paralyzable): the counter is saturated.
  public func trueRate(observedCPS m: Double, tau: Double) -> Double? {
    guard tau > 0 else { return m }
    let y = m * tau
    switch self {
    case .nonParalyzable:
      guard y < 1 else { return nil }
      return m / (1 - y)
    case .paralyzable:
      guard let x = Self.lowerBranch(y) else { return nil }
      return x / tau
    }
  }

  /// Observed rate for a true rate (what a simulated counter reports).
  public func observedRate(trueCPS n: Double, tau: Double) -> Double {
    switch self {
    case .nonParalyzable: n / (1 + n * tau)
    case .paralyzable: n * exp(-n * tau)
    }
  }

  /// Multiplicative correction n/m, reported in provenance; nil when saturated.
  public func correctionFactor(observedCPS m: Double, tau: Double) -> Double? {
    guard m > 0 else { return trueRate(observedCPS: m, tau: tau) == nil ? nil : 1 }
    return trueRate(observedCPS: m, tau: tau).map { $0 / m }
  }

  /// Highest observed rate the model can produce: 1/τ or 1/(eτ).
  public func peakObservedCPS(tau: Double) -> Double {
    guard tau > 0 else { return .infinity }
    return self == .nonParalyzable ? 1 / tau : 1 / (M_E * tau)
  }

  /// x in [0, 1) with x·e^(−x) = y, i.e. −W₀(−y) (Lambert W, principal branch), for
  /// 0 ≤ y < 1/e; nil beyond the peak. Newton steps on g(x) = ln x − x − ln y, which is
  /// increasing and concave on (0, 1), so from x₀ = y they climb monotonically to the root.
  static func lowerBranch(_ y: Double) -> Double? {
    guard y > 0 else { return 0 }
    guard y < 1 / M_E else { return nil }
    let target = log(y)
    var x = y
    for _ in 0..<100 {
      let g = log(x) - x - target
      let step = g / (1 / x - 1)
      let next = Swift.min(x - step, 1)
      if abs(next - x) <= 1e-15 * x { return next }
      x = next
    }
    return x
  }
}

/// Non-paralyzable dead time, the common case, as plain functions (see `DeadTimeModel`).
public enum DeadTime {
  /// Fraction of time the counter is dead at observed rate `observedCPS`: m·τ.
  public static func deadFraction(observedCPS: Double, tau: Double) -> Double {
    observedCPS * tau
  }

  /// True count rate for an observed rate, or nil when mτ ≥ 1 (the model has no answer: the
  /// counter is saturated and the reading must not be trusted).
  public static func trueRate(observedCPS: Double, tau: Double) -> Double? {
    DeadTimeModel.nonParalyzable.trueRate(observedCPS: observedCPS, tau: tau)
  }

  /// Observed rate for a true rate (what a simulated counter reports).
  public static func observedRate(trueCPS: Double, tau: Double) -> Double {
    DeadTimeModel.nonParalyzable.observedRate(trueCPS: trueCPS, tau: tau)
  }

  /// Multiplicative correction n/m = 1 / (1 − mτ), reported in provenance.
  public static func correctionFactor(observedCPS: Double, tau: Double) -> Double? {
    let fraction = observedCPS * tau
    guard fraction < 1 else { return nil }
    return 1 / (1 - fraction)
  }

  /// Dead fraction above which a reading is over-range. A paralyzable counter's observed rate
  /// peaks at m = 1/(eτ), i.e. mτ = 1/e ≈ 0.368, and then falls as the field rises (fold-back);
  /// real GM tubes sit between the two models, so we stop trusting either correction well before
  /// that peak (DOMAIN.md "Dead time"; health-physics.md row 17). 0.3: project choice, 80 % of
  /// the paralyzable peak.
  public static let defaultMaxDeadFraction = 0.3
}
