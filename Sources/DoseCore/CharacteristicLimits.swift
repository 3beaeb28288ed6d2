import Foundation

/// ISO 11929 characteristic limits of a net count rate (health-physics.md §6.3, DOMAIN.md
/// "Statistics"): with gross time t_g and background r₀ counted for t₀,
///
/// - decision threshold r* = k·√(r₀·(1/t_g + 1/t₀)): a net rate above it is distinguishable
///   from background at false-positive rate α;
/// - detection limit r# = 2r* + k²/t_g: the smallest true net rate found with probability 1 − β
///   (exact for k_{1−α} = k_{1−β} = k).
///
/// With t_g = t₀ = t and multiplied by t these are Currie's L_C and L_D (Anal. Chem. 40 (1968)
/// 586). Worked example (§6.3): r₀ = 20 cpm, t_g = t₀ = 10 min → r* = 3.29 cpm, r# = 6.85 cpm.
public struct CharacteristicLimits: Sendable, Hashable {
  /// k_{1−α} = k_{1−β}; 1.645 for α = β = 5 % one-sided.
  public let k: Double
  /// r*, in the unit of the rates given (cps here).
  public let decisionThreshold: Double
  /// r#, same unit.
  public let detectionLimit: Double

  /// 1.645: standard normal 95 % one-sided quantile (α = β = 5 %, health-physics.md §6.3).
  public static let defaultK = 1.645

  public init(
    backgroundRate r0: Double, backgroundSeconds t0: Double, grossSeconds tg: Double,
    k: Double = defaultK
  ) {
    self.k = k
    let threshold = k * (Swift.max(0, r0) * (1 / tg + 1 / t0)).squareRoot()
    decisionThreshold = threshold
    detectionLimit = 2 * threshold + k * k / tg
  }
}

/// A gross count rate with the detector's background subtracted, its interval and the ISO 11929
/// limits of the measurement.
public struct NetRate: Sendable, Hashable {
  /// Background true count rate, cps (dead-time corrected, negligible at background).
  public let backgroundCPS: Double
  public let netCPS: Double
  /// Conservative 95 % interval: the gross interval widened by the background's own interval
  /// (lower = gross lower − background upper, upper = gross upper − background lower).
  public let netCPSInterval: ClosedRange<Double>
  public let netDoseRateUSvH: Double
  public let netDoseRateInterval: ClosedRange<Double>
  public let limits: CharacteristicLimits
  /// r* and r# as dose rates, µSv/h.
  public let decisionThresholdUSvH: Double
  public let detectionLimitUSvH: Double

  /// The net rate exceeds the decision threshold: the source is distinguishable from background.
  public var distinguishable: Bool { netCPS > limits.decisionThreshold }

  public init?(estimate: RateEstimate, confidence: Double = 0.95) {
    let calibration = estimate.calibration
    guard let background = calibration.background, background.seconds > 0,
      let gross = estimate.cps, let grossInterval = estimate.cpsInterval,
      let backgroundTrue = calibration.backgroundCPS
    else { return nil }
    let poisson = PoissonInterval(counts: Double(background.counts), confidence: confidence)
    let low = calibration.trueRate(observedCPS: poisson.lower / background.seconds) ?? 0
    let high =
      calibration.trueRate(observedCPS: poisson.upper / background.seconds) ?? .infinity
    backgroundCPS = backgroundTrue
    netCPS = gross - backgroundTrue
    netCPSInterval = (grossInterval.lowerBound - high)...(grossInterval.upperBound - low)
    netDoseRateUSvH = calibration.netDoseRate(cps: netCPS)
    netDoseRateInterval =
      calibration.netDoseRate(
        cps: netCPSInterval.lowerBound)...calibration.netDoseRate(cps: netCPSInterval.upperBound)
    limits = CharacteristicLimits(
      backgroundRate: background.rateCPS, backgroundSeconds: background.seconds,
      grossSeconds: estimate.liveSeconds)
    decisionThresholdUSvH = calibration.netDoseRate(cps: limits.decisionThreshold)
    detectionLimitUSvH = calibration.netDoseRate(cps: limits.detectionLimit)
  }
}
