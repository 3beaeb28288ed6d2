import Foundation

/// How a patient's dose rate is assumed to change with distance r: Ḣ(r₂) = Ḣ(r₁)·(r₁/r₂)ⁿ.
///
/// A patient is not a point source. Between 1 and 2 m the dose rate of an extended source
/// falls more slowly than the inverse square, so the inverse square over-estimates the dose
/// rate when converting inwards (a 2 m reading to 1 m: conservative) and under-estimates it
/// when converting outwards (a 1 m reading to 2 m: *not* conservative). health-physics.md §1.5
/// says, for the German 2 m rule: "A patient is not a point source, so configure the 2 m
/// geometry directly; do not convert", and §1.8: "Never silently convert one to the other".
/// Conversion is therefore only ever explicit, with the law named; the preferred way to get a
/// 2 m value is a room geometry factor set from a handheld reading at 2 m (`RoomGeometry`).
public struct DistanceLaw: Sendable, Hashable, Codable {
  public let exponent: Double
  public let source: String

  public init(exponent: Double, source: String) {
    self.exponent = exponent
    self.source = source
  }

  /// Point source, n = 2. health-physics.md §1.5 [D]: "3.5 µSv/h at 2 m is about 14 µSv/h at
  /// 1 m by inverse square".
  public static let pointSourceInverseSquare = DistanceLaw(
    exponent: 2,
    source: "point source, inverse square (health-physics.md §1.5: conservative only inwards)")

  /// n = 1.5, the patient model of the `glowgreen` package (Clearance_1m and ContactPattern,
  /// "inverse 1.5 power", after Cormack & Shearer, Phys Med Biol 1998;43(3)); the paper itself
  /// was not checked.
  public static let glowgreenPatient = DistanceLaw(
    exponent: 1.5,
    source:
      "inverse 1.5 power, glowgreen 0.1.1 patient model after Cormack & Shearer, "
      + "Phys Med Biol 1998;43(3) (unverified against the paper)")

  /// (r₁/r₂)ⁿ: multiply a dose rate at `fromM` by this to get the dose rate at `toM`.
  public func factor(fromM: Double, toM: Double) -> Double {
    pow(fromM / toM, exponent)
  }

  public func convert(_ doseRateUSvH: Double, fromM: Double, toM: Double) -> Double {
    doseRateUSvH * factor(fromM: fromM, toM: toM)
  }

  /// The value and both bounds, moved to `toM` (a positive factor keeps their order).
  public func convert(_ rate: PatientDoseRate, toM: Double) -> PatientDoseRate {
    rate.scaled(by: factor(fromM: rate.distanceM, toM: toM), toDistanceM: toM)
  }
}
