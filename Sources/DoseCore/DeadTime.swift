/// Non-paralyzable dead-time model: after each count the tube is blind for τ seconds.
///
/// True rate n from observed rate m: n = m / (1 − mτ); observed from true: m = n / (1 + nτ).
/// Source: Knoll, *Radiation Detection and Measurement*, 4th ed., ch. 4 §VII; Rad Pro reference
/// manual (see `shared/reference/health-physics.md` table row 16).
public enum DeadTime {
  /// Fraction of time the counter is dead at observed rate `observedCPS`: m·τ.
  public static func deadFraction(observedCPS: Double, tau: Double) -> Double {
    observedCPS * tau
  }

  /// True count rate for an observed rate, or nil when mτ ≥ 1 (the model has no answer: the
  /// counter is saturated and the reading must not be trusted).
  public static func trueRate(observedCPS: Double, tau: Double) -> Double? {
    let fraction = observedCPS * tau
    guard fraction < 1 else { return nil }
    return observedCPS / (1 - fraction)
  }

  /// Observed rate for a true rate (what a simulated counter reports).
  public static func observedRate(trueCPS: Double, tau: Double) -> Double {
    trueCPS / (1 + trueCPS * tau)
  }

  /// Multiplicative correction n/m = 1 / (1 − mτ), reported in provenance.
  public static func correctionFactor(observedCPS: Double, tau: Double) -> Double? {
    let fraction = observedCPS * tau
    guard fraction < 1 else { return nil }
    return 1 / (1 - fraction)
  }

  /// Dead fraction above which a reading is over-range. A paralyzable counter's observed rate
  /// peaks at m = 1/(eτ), i.e. mτ = 1/e ≈ 0.368, and then falls as the field rises (fold-back);
  /// real GM tubes sit between the two models, so we stop trusting the non-paralyzable
  /// correction well before that peak (DOMAIN.md "Dead time"; health-physics.md row 17).
  public static let defaultMaxDeadFraction = 0.3
}
