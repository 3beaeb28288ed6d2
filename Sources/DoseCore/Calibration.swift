/// How one detector's counts become ambient dose-equivalent rate H*(10).
///
/// Carried into every served value as provenance: an RSO must be able to see which factor, for
/// which nuclide and from which source, turned clicks into µSv/h.
public struct Calibration: Sendable, Hashable {
  /// Counts per minute per µSv/h of H*(10), for `nuclide`.
  public var sensitivityCpmPerUSvH: Double
  /// The nuclide the sensitivity was determined with (usually Cs-137).
  public var nuclide: String
  /// Where the sensitivity comes from: a calibration certificate, the tube table, a site test.
  public var source: String
  /// Non-paralyzable dead time τ in seconds (0 = no correction).
  public var deadTimeSeconds: Double

  public init(
    sensitivityCpmPerUSvH: Double, nuclide: String, source: String, deadTimeSeconds: Double
  ) {
    self.sensitivityCpmPerUSvH = sensitivityCpmPerUSvH
    self.nuclide = nuclide
    self.source = source
    self.deadTimeSeconds = deadTimeSeconds
  }

  /// Dose rate in µSv/h for a (dead-time corrected) count rate in counts per second.
  public func doseRate(cps: Double) -> Double {
    cps * 60.0 / sensitivityCpmPerUSvH
  }

  /// Count rate in counts per second that a dose rate in µSv/h produces (before dead time).
  public func countRate(doseRateUSvH: Double) -> Double {
    doseRateUSvH * sensitivityCpmPerUSvH / 60.0
  }
}
