import Foundation

/// A detector's energy correction for one location's nuclide: the counter reads `factor` times
/// the true H*(10) of that nuclide (health-physics.md §5.3), so the part of the reading above
/// background is divided by it. Background itself (natural, mostly not the nuclide) is left as
/// read, which is also why a correction needs a background measurement: applied to the whole
/// reading it would scale background down too, and a clearance decision near background must not
/// rest on that (Rad Pro applies its source factors only at ≥ 10× background for the same
/// reason).
///
/// Applied only where the location declares its nuclide and the detector's calibration has a
/// factor for it; reported in the provenance of every value (`energy_corrected`).
public struct EnergyCorrection: Sendable, Hashable {
  public let nuclide: String
  public let factor: Double
  /// The detector's background as a dose rate, µSv/h.
  public let backgroundUSvH: Double
  public let source: String

  /// The correction for `nuclide` on a detector, nil when there is none to apply.
  public init?(calibration: Calibration, nuclide: String?) {
    guard let nuclide, let response = calibration.energyResponse,
      let factor = response.factors[nuclide], factor > 0,
      let background = calibration.backgroundUSvH
    else { return nil }
    self.nuclide = nuclide
    self.factor = factor
    self.source = response.source
    backgroundUSvH = background
  }

  /// A correction as dosed reports it (`energy_correction` in a location's status), for a client
  /// that applies it to recorded readings the same way.
  public init(nuclide: String, factor: Double, backgroundUSvH: Double, source: String) {
    self.nuclide = nuclide
    self.factor = factor
    self.backgroundUSvH = backgroundUSvH
    self.source = source
  }

  /// The location's dose rate from the detector's reading.
  public func corrected(_ detectorUSvH: Double) -> Double {
    backgroundUSvH + (detectorUSvH - backgroundUSvH) / factor
  }

  /// The detector reading at which the location reads `locationUSvH` (for test design).
  public func detectorDose(_ locationUSvH: Double) -> Double {
    backgroundUSvH + (locationUSvH - backgroundUSvH) * factor
  }

  /// Applies to an interval (the map is increasing, so bounds map to bounds).
  public func corrected(_ interval: ClosedRange<Double>) -> ClosedRange<Double> {
    corrected(interval.lowerBound)...corrected(interval.upperBound)
  }
}
