import Foundation

/// A dose rate at a stated distance from a patient, with its 95 % interval.
///
/// The distance travels with the value because release rules are tied to a geometry (1 m in
/// the US, 2 m in Germany; health-physics.md §1.8) and a value must not be compared with a
/// limit for another distance.
public struct PatientDoseRate: Sendable, Hashable, Codable {
  public let valueUSvH: Double
  public let lower95USvH: Double
  /// May be infinite when the detector behind it is near saturation.
  public let upper95USvH: Double
  public let distanceM: Double

  public init(valueUSvH: Double, lower95USvH: Double, upper95USvH: Double, distanceM: Double) {
    self.valueUSvH = valueUSvH
    self.lower95USvH = lower95USvH
    self.upper95USvH = upper95USvH
    self.distanceM = distanceM
  }

  /// The same dose rate multiplied by a positive factor. Multiplication by a positive number
  /// is monotone, so the bounds map onto the bounds.
  func scaled(by factor: Double, toDistanceM distance: Double) -> PatientDoseRate {
    PatientDoseRate(
      valueUSvH: valueUSvH * factor, lower95USvH: lower95USvH * factor,
      upper95USvH: upper95USvH * factor, distanceM: distance)
  }
}
