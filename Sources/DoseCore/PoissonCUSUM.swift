import Foundation

/// Page's CUSUM for a Poisson count stream: tells a rise from rate λ₀ to λ₁ (counts/s) as fast
/// as the false-alarm budget allows.
///
/// Each reading of c counts in t seconds adds its log-likelihood ratio c·ln(λ₁/λ₀) − (λ₁ − λ₀)·t;
/// the statistic is floored at 0 and fires at h (Page, Biometrika 41 (1954) 100; Lucas,
/// Technometrics 27 (1985) 129). Its asymptotic delay after a step to λ₁ is h/KL with
/// KL = λ₁·ln(λ₁/λ₀) − (λ₁ − λ₀) per second (DOMAIN.md "Statistics").
///
/// Threshold from the false-alarm budget, h = ln(ARL·λ₀). What is guaranteed: each
/// reading's increment is the exact log-likelihood ratio of its Poisson count,
/// so the likelihood ratio started at any reading is a nonnegative supermartingale at any rate
/// ≤ λ₀ and crosses e^h with probability ≤ e^−h (Ville); by Lorden (Ann. Math. Stat. 42 (1971)
/// 1897, Theorem 2) the mean number of *readings* before a false alarm is then at least e^h.
/// Flooring at reading ends and capping at h only delay firing. For readings of t seconds that
/// is e^h·t = ARL·λ₀·t seconds: at least ARL whenever λ₀·t ≥ 1 (one expected count per reading
/// at λ₀). Below that, a low-sensitivity tube at a low threshold (SI-3BG at 0.5 µSv/h:
/// λ₀ = 0.0136 cps), the proven figure is only ARL·λ₀·t, and the budget there rests on
/// simulation (`dosebench` low-threshold rows, docs/measurement.md §3). The earlier claim of
/// e^h counts, i.e. e^h/λ₀ seconds, at every rate treated the statistic as a CUSUM over
/// inter-arrival times; the statistic kept here floors at reading ends, not at counts, so that
/// comparison does not hold and the figure was slightly overstated at low rates.
public struct PoissonCUSUM: Sendable, Hashable {
  public let lambda0: Double
  public let lambda1: Double
  public let threshold: Double
  private let logRatio: Double
  public private(set) var statistic = 0.0
  /// Counts and seconds since the statistic was last zero: the evidence behind its value.
  public private(set) var counts = 0.0
  public private(set) var seconds = 0.0

  /// - Parameters: rates in observed counts per second, λ₁ > λ₀ > 0; `meanSecondsBetweenFalse`
  ///   the ARL at λ₀.
  public init(lambda0: Double, lambda1: Double, meanSecondsBetweenFalse arl: Double) {
    precondition(lambda0 > 0 && lambda1 > lambda0, "CUSUM needs 0 < λ0 < λ1")
    self.lambda0 = lambda0
    self.lambda1 = lambda1
    logRatio = log(lambda1 / lambda0)
    threshold = Swift.max(log(arl * lambda0), 1)
  }

  /// Kullback–Leibler rate of λ₁ against λ₀, nats per second.
  public static func divergence(lambda1: Double, lambda0: Double) -> Double {
    lambda1 * log(lambda1 / lambda0) - (lambda1 - lambda0)
  }

  /// Asymptotic detection delay ln(ARL)/KL of the benchmark's bound, seconds.
  public static func boundDelay(lambda1: Double, lambda0: Double, arlSeconds: Double) -> Double {
    log(arlSeconds) / divergence(lambda1: lambda1, lambda0: lambda0)
  }

  public var fired: Bool { statistic >= threshold }

  /// Adds a reading; returns whether the test is (now) above its threshold. The statistic is
  /// capped at the threshold, so it falls below at once when the rate drops.
  @discardableResult
  public mutating func update(counts c: Double, seconds t: Double) -> Bool {
    let next = statistic + c * logRatio - (lambda1 - lambda0) * t
    if next <= 0 {
      statistic = 0
      counts = 0
      seconds = 0
      return false
    }
    statistic = Swift.min(next, threshold)
    counts += c
    seconds += t
    return next >= threshold
  }

  public mutating func reset() {
    statistic = 0
    counts = 0
    seconds = 0
  }
}
