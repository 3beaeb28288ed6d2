import Foundation

/// How one detector's counts become ambient dose-equivalent rate H*(10).
///
/// Carried into every served value as provenance: an RSO must be able to see which factor, for
/// which nuclide, from which source and of what date, turned clicks into µSv/h.
public struct Calibration: Sendable, Hashable {
  /// Counts per minute per µSv/h of H*(10), for `nuclide`.
  public var sensitivityCpmPerUSvH: Double
  /// The nuclide the sensitivity was determined with (usually Cs-137).
  public var nuclide: String
  /// Where the sensitivity comes from: a calibration certificate, the tube table, a site test.
  public var source: String
  /// Dead time τ in seconds (0 = no correction).
  public var deadTimeSeconds: Double
  public var deadTimeModel: DeadTimeModel
  /// When the sensitivity was determined (certificate date), if known.
  public var calibratedOn: Date?
  /// The tube's own counts with no radiation (cps), subtracted before conversion to dose.
  /// 0 unless configured: datasheet "background" figures include natural background and must
  /// not be subtracted as intrinsic (it would under-read).
  public var intrinsicBackgroundCPS: Double
  /// Highest observed rate the counter is specified for (tube datasheet), cps; above it a
  /// reading is over-range whatever the dead time says. nil = only the dead-time limit.
  public var maxObservedCPS: Double?
  /// Relative response to other nuclides, for locations that declare their nuclide.
  public var energyResponse: EnergyResponse?
  /// The detector's own background at its position, for net dose rates and for decisions
  /// against background.
  public var background: BackgroundMeasurement?

  public init(
    sensitivityCpmPerUSvH: Double, nuclide: String, source: String, deadTimeSeconds: Double,
    deadTimeModel: DeadTimeModel = .nonParalyzable, calibratedOn: Date? = nil,
    intrinsicBackgroundCPS: Double = 0, maxObservedCPS: Double? = nil,
    energyResponse: EnergyResponse? = nil, background: BackgroundMeasurement? = nil
  ) {
    self.sensitivityCpmPerUSvH = sensitivityCpmPerUSvH
    self.nuclide = nuclide
    self.source = source
    self.deadTimeSeconds = deadTimeSeconds
    self.deadTimeModel = deadTimeModel
    self.calibratedOn = calibratedOn
    self.intrinsicBackgroundCPS = intrinsicBackgroundCPS
    self.maxObservedCPS = maxObservedCPS
    self.energyResponse = energyResponse
    self.background = background
  }

  /// Dose rate in µSv/h for a (dead-time corrected) count rate in counts per second, after the
  /// tube's intrinsic counts. Never negative.
  public func doseRate(cps: Double) -> Double {
    Swift.max(0, cps - intrinsicBackgroundCPS) * 60.0 / sensitivityCpmPerUSvH
  }

  /// Dose rate of a *net* count rate (background already subtracted): no intrinsic counts to
  /// remove, and may be negative.
  public func netDoseRate(cps: Double) -> Double {
    cps * 60.0 / sensitivityCpmPerUSvH
  }

  /// True count rate in counts per second that a dose rate in µSv/h produces (with the tube's
  /// intrinsic counts, before dead time).
  public func countRate(doseRateUSvH: Double) -> Double {
    doseRateUSvH * sensitivityCpmPerUSvH / 60.0 + intrinsicBackgroundCPS
  }

  /// Observed count rate at a dose rate: `countRate` through the dead-time model.
  public func observedCountRate(doseRateUSvH: Double) -> Double {
    deadTimeModel.observedRate(
      trueCPS: countRate(doseRateUSvH: doseRateUSvH), tau: deadTimeSeconds)
  }

  /// True rate for an observed rate, nil when saturated.
  public func trueRate(observedCPS: Double) -> Double? {
    deadTimeModel.trueRate(observedCPS: observedCPS, tau: deadTimeSeconds)
  }

  /// The background measurement's true count rate, cps; nil without one.
  public var backgroundCPS: Double? {
    guard let background, background.seconds > 0 else { return nil }
    return trueRate(observedCPS: background.rateCPS)
  }

  /// The background measurement as a dose rate, µSv/h; nil without one.
  public var backgroundUSvH: Double? { backgroundCPS.map(doseRate(cps:)) }
}

/// A counter's response to a nuclide relative to its calibration nuclide (reading ÷ true
/// H*(10)): 3.5 means it reads 3.5× high. Uncompensated GM tubes over-read Lu-177 (M4011 3.52,
/// SBM-20 1.42) and some under-read I-131 (health-physics.md §5.3, Rad Pro reference manual).
public struct EnergyResponse: Sendable, Hashable {
  /// Nuclide symbol → relative response.
  public var factors: [String: Double]
  public var source: String

  public init(factors: [String: Double], source: String) {
    self.factors = factors
    self.source = source
  }
}

/// Background counted by the detector itself at its position with the source away: n₀ counts in
/// t₀ seconds (ISO 11929 notation, health-physics.md §6.3).
public struct BackgroundMeasurement: Sendable, Hashable {
  public var counts: UInt64
  public var seconds: Double
  public var measuredAt: Date?

  public init(counts: UInt64, seconds: Double, measuredAt: Date? = nil) {
    self.counts = counts
    self.seconds = seconds
    self.measuredAt = measuredAt
  }

  /// r₀ = n₀ / t₀, observed cps.
  public var rateCPS: Double { Double(counts) / seconds }
}
