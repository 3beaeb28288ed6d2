import Foundation

/// When a patient clears "much more slowly than expected": the half-life that governs late
/// clearance (`ClearanceFit.terminalHalfLifeSeconds`) is longer than a threshold. The flag is
/// advice to the RSO (release will come late; look at the patient's excretion), not a
/// release decision. There is no default threshold: the site picks a criterion with its
/// source.
public struct SlowClearanceCriterion: Sendable, Hashable, Codable {
  public let thresholdHalfLifeSeconds: Double
  public let source: String

  public init(thresholdHalfLifeSeconds: Double, source: String) {
    self.thresholdHalfLifeSeconds = thresholdHalfLifeSeconds
    self.source = source
  }

  /// Slow when the half-life exceeds `fraction` of the nuclide's physical half-life (the
  /// effective half-life can never exceed the physical one, so a fraction near 1 means
  /// "hardly any biological clearance"). Useful where no cohort value is known; note that
  /// for Ra-223 the whole-body effective half-life reaches the physical one (2.5–11.4 d,
  /// Dauer et al., health-physics.md §1.7), so a fraction there must be close to 1.
  public static func fractionOfPhysicalHalfLife(_ fraction: Double, of nuclide: Nuclide)
    -> SlowClearanceCriterion
  {
    SlowClearanceCriterion(
      thresholdHalfLifeSeconds: fraction * nuclide.halfLifeSeconds,
      source: "\(fraction) × physical half-life of \(nuclide.symbol) (\(nuclide.source))")
  }

  /// Lu-177 PSMA-617: slower than every patient of Kurth et al., EJNMMI Res 2018
  /// (doi 10.1186/s13550-018-0386-4), whose effective half-lives were 40.5 ± 9.6 h, range
  /// 21.7–85.7 h (health-physics.md §1.6 [V]). The cohort maximum is used rather than a
  /// mean + k·SD, because the range is skewed (the maximum is 4.7 SD above the mean).
  public static let lutetium177PSMA = SlowClearanceCriterion(
    thresholdHalfLifeSeconds: 85.7 * Time.hour,
    source:
      "Lu-177 PSMA-617 effective half-life above 85.7 h, the longest of Kurth et al., "
      + "EJNMMI Res 2018 (40.5 ± 9.6 h, range 21.7–85.7 h)")

  public func assess(_ fit: ClearanceFit) -> SlowClearanceAssessment {
    guard let halfLife = fit.terminalHalfLifeSeconds else {
      return SlowClearanceAssessment(
        slow: true, halfLifeSeconds: nil, thresholdSeconds: thresholdHalfLifeSeconds,
        reason: "the fitted dose rate does not fall")
    }
    let hours = halfLife / Time.hour
    let limitHours = thresholdHalfLifeSeconds / Time.hour
    let slow = halfLife > thresholdHalfLifeSeconds
    return SlowClearanceAssessment(
      slow: slow, halfLifeSeconds: halfLife, thresholdSeconds: thresholdHalfLifeSeconds,
      reason: "\(fit.model.rawValue) half-life \(hours) h \(slow ? ">" : "≤") \(limitHours) h "
        + "(\(source))")
  }
}

public struct SlowClearanceAssessment: Sendable, Hashable, Codable {
  public let slow: Bool
  /// The half-life compared; nil when the dose rate does not fall (always slow).
  public let halfLifeSeconds: Double?
  public let thresholdSeconds: Double
  public let reason: String
}
