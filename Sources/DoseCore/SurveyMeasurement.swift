import Foundation

/// A release survey of a waste package: counts at its surface, compared with the survey
/// detector's background by the ISO 11929 decision rule (health-physics.md §6.4).
///
/// - "Indistinguishable from background" (10 CFR 35.92(a)(1)) when the net rate is at or below
///   the decision threshold r* (false positive rate α = 5 %, k = 1.645);
/// - and the measurement is *adequate* only when its detection limit r#, as a dose rate, is at
///   or below `maxDetectionLimitUSvH`: a count too short to see the release level is not a
///   valid "indistinguishable" result (§6.4 step 5; MDC 10–50 % of the limit, HPS q5387).
public struct SurveyResult: Sendable, Hashable {
  public let grossCounts: UInt64
  public let grossSeconds: Double
  public let background: BackgroundMeasurement
  /// Surface and background dose rates as read, µSv/h.
  public let surfaceUSvH: Double
  public let backgroundUSvH: Double
  public let netUSvH: Double
  public let decisionThresholdUSvH: Double
  public let detectionLimitUSvH: Double
  public let maxDetectionLimitUSvH: Double

  public var indistinguishable: Bool { netUSvH <= decisionThresholdUSvH }
  public var adequate: Bool { detectionLimitUSvH <= maxDetectionLimitUSvH }
  public var passed: Bool { indistinguishable && adequate }

  /// Why the survey did not pass, for the operator; nil when it passed.
  public var failure: String? {
    if !adequate {
      return String(
        format: "the count was too short: detection limit %.3g µSv/h is above %.3g µSv/h; "
          + "survey longer", detectionLimitUSvH, maxDetectionLimitUSvH)
    }
    if !indistinguishable {
      return String(
        format: "distinguishable from background: net %.3g µSv/h above the decision threshold "
          + "%.3g µSv/h", netUSvH, decisionThresholdUSvH)
    }
    return nil
  }

  /// - Parameters: observed gross counts over `grossSeconds` at the surface; the detector's
  ///   calibration (which must hold its background measurement).
  public init?(
    grossCounts: UInt64, grossSeconds: Double, calibration: Calibration,
    maxDetectionLimitUSvH: Double
  ) {
    guard grossSeconds > 0, let background = calibration.background, background.seconds > 0
    else { return nil }
    self.grossCounts = grossCounts
    self.grossSeconds = grossSeconds
    self.background = background
    self.maxDetectionLimitUSvH = maxDetectionLimitUSvH
    let grossRate = calibration.trueRate(observedCPS: Double(grossCounts) / grossSeconds)
    let backgroundRate = calibration.backgroundCPS ?? 0
    // A saturated counter at the surface is certainly not background.
    let gross = grossRate ?? .infinity
    surfaceUSvH = calibration.doseRate(cps: gross)
    backgroundUSvH = calibration.doseRate(cps: backgroundRate)
    netUSvH = calibration.netDoseRate(cps: gross - backgroundRate)
    let limits = CharacteristicLimits(
      backgroundRate: background.rateCPS, backgroundSeconds: background.seconds,
      grossSeconds: grossSeconds)
    decisionThresholdUSvH = calibration.netDoseRate(cps: limits.decisionThreshold)
    detectionLimitUSvH = calibration.netDoseRate(cps: limits.detectionLimit)
  }
}
