import Foundation

/// The background-subtracted part of a detector value, with its ISO 11929 limits.
public struct NetStatus: Codable, Sendable, Hashable {
  public var doseRateUSvH: Double
  public var ci95USvH: [Double]?
  /// Decision threshold r* and detection limit r# as dose rates (k = 1.645).
  public var decisionThresholdUSvH: Double
  public var detectionLimitUSvH: Double
  /// Net rate above r*: distinguishable from background.
  public var distinguishable: Bool
  public var backgroundCounts: UInt64
  public var backgroundSeconds: Double
  public var backgroundMeasuredAt: Date?

  enum CodingKeys: String, CodingKey {
    case distinguishable
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
    case decisionThresholdUSvH = "decision_threshold_usv_h"
    case detectionLimitUSvH = "detection_limit_usv_h"
    case backgroundCounts = "background_counts"
    case backgroundSeconds = "background_s"
    case backgroundMeasuredAt = "background_measured_at"
  }

  public init(
    doseRateUSvH: Double, ci95USvH: [Double]?, decisionThresholdUSvH: Double,
    detectionLimitUSvH: Double, distinguishable: Bool, backgroundCounts: UInt64,
    backgroundSeconds: Double, backgroundMeasuredAt: Date?
  ) {
    self.doseRateUSvH = doseRateUSvH
    self.ci95USvH = ci95USvH
    self.decisionThresholdUSvH = decisionThresholdUSvH
    self.detectionLimitUSvH = detectionLimitUSvH
    self.distinguishable = distinguishable
    self.backgroundCounts = backgroundCounts
    self.backgroundSeconds = backgroundSeconds
    self.backgroundMeasuredAt = backgroundMeasuredAt
  }
}

/// The energy correction behind a location's dose rate.
public struct EnergyCorrectionStatus: Codable, Sendable, Hashable {
  public var nuclide: String
  /// The detector's response to the nuclide relative to its calibration nuclide.
  public var factor: Double
  public var backgroundUSvH: Double
  public var source: String

  enum CodingKeys: String, CodingKey {
    case nuclide, factor, source
    case backgroundUSvH = "background_usv_h"
  }

  public init(nuclide: String, factor: Double, backgroundUSvH: Double, source: String) {
    self.nuclide = nuclide
    self.factor = factor
    self.backgroundUSvH = backgroundUSvH
    self.source = source
  }
}

/// Why a dose alarm level was raised.
public struct AlarmEvidenceStatus: Codable, Sendable, Hashable {
  /// `cusum_fast`, `cusum_steady`, `lower_bound` or `over_range`.
  public var method: String
  public var detector: String?
  public var thresholdUSvH: Double
  /// The test statistic (nats for CUSUM, µSv/h for lower_bound) and the value it had to reach.
  public var statistic: Double
  public var decisionValue: Double
  /// Counts and seconds the statistic rests on.
  public var counts: Double
  public var windowSeconds: Double
  /// λ₀ and λ₁ of a CUSUM, observed counts per second.
  public var designRatesCPS: [Double]?

  enum CodingKeys: String, CodingKey {
    case method, detector, statistic, counts
    case thresholdUSvH = "threshold_usv_h"
    case decisionValue = "decision_value"
    case windowSeconds = "window_s"
    case designRatesCPS = "design_rates_cps"
  }

  public init(
    method: String, detector: String?, thresholdUSvH: Double, statistic: Double,
    decisionValue: Double, counts: Double, windowSeconds: Double, designRatesCPS: [Double]?
  ) {
    self.method = method
    self.detector = detector
    self.thresholdUSvH = thresholdUSvH
    self.statistic = statistic
    self.decisionValue = decisionValue
    self.counts = counts
    self.windowSeconds = windowSeconds
    self.designRatesCPS = designRatesCPS
  }
}

/// A room's clearance decision: is the ambient dose rate below its clearance level?
public struct ClearanceStatus: Codable, Sendable, Hashable {
  public var limitUSvH: Double
  /// `below`, `above` or `undecided`.
  public var decision: String
  public var upper95USvH: Double?
  /// Expected seconds more counting before `below` can be decided; omitted when decided or
  /// when counting at the present rate cannot show it.
  public var needsCountingSeconds: Double?
  public var statistic: Double?
  public var decisionValue: Double?
  public var reasons: [String]?

  enum CodingKeys: String, CodingKey {
    case decision, statistic, reasons
    case limitUSvH = "limit_usv_h"
    case upper95USvH = "upper95_usv_h"
    case needsCountingSeconds = "needs_counting_s"
    case decisionValue = "decision_value"
  }

  public init(limitUSvH: Double, decision: String) {
    self.limitUSvH = limitUSvH
    self.decision = decision
  }
}
