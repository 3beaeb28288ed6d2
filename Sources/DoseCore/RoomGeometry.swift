import Foundation

/// Converts a room detector's dose rate into the dose rate at a reference distance from the
/// patient in that room.
///
/// A fixed room detector sees the patient at some unknown distance, through the bed and the
/// room's shielding; the ratio to the dose rate at 1 m (or 2 m) is measured, not computed. At
/// admission the RSO takes a handheld reading at the reference distance, and the factor is
/// handheld ÷ room detector at that moment (project choice). Both
/// readings are gross (background included), which over-states the patient's share of the
/// room reading and so errs towards keeping the patient in.
public struct RoomGeometry: Sendable, Hashable, Codable {
  /// Dose rate at `distanceM` from the patient per µSv/h read by the room detector.
  public let factor: Double
  /// The reference distance the factor converts to, metres.
  public let distanceM: Double
  /// How the factor was obtained (instrument, who, when), for the release record.
  public let basis: String

  public init(factor: Double, distanceM: Double, basis: String) throws(RoomGeometryError) {
    guard factor.isFinite, factor > 0 else { throw .invalidFactor(factor) }
    guard distanceM.isFinite, distanceM > 0 else { throw .invalidDistance(distanceM) }
    self.factor = factor
    self.distanceM = distanceM
    self.basis = basis
  }

  /// The factor from a handheld reading at `distanceM` from the patient and the room
  /// detector's reading at the same moment.
  public static func fromHandheld(
    handheldUSvH: Double, distanceM: Double, detectorUSvH: Double, basis: String
  ) throws(RoomGeometryError) -> RoomGeometry {
    guard handheldUSvH.isFinite, handheldUSvH > 0 else {
      throw .invalidReading("handheld", handheldUSvH)
    }
    guard detectorUSvH.isFinite, detectorUSvH > 0 else {
      throw .invalidReading("room detector", detectorUSvH)
    }
    return try RoomGeometry(
      factor: handheldUSvH / detectorUSvH, distanceM: distanceM, basis: basis)
  }

  public func patientDoseRateUSvH(detectorUSvH: Double) -> Double {
    detectorUSvH * factor
  }

  /// The room detector's value and 95 % bounds as a dose rate at `distanceM` from the patient.
  public func patientDoseRate(
    detectorUSvH: Double, detectorLower95USvH: Double, detectorUpper95USvH: Double
  ) -> PatientDoseRate {
    PatientDoseRate(
      valueUSvH: detectorUSvH, lower95USvH: detectorLower95USvH,
      upper95USvH: detectorUpper95USvH, distanceM: distanceM
    ).scaled(by: factor, toDistanceM: distanceM)
  }

  /// The same for a detector's rate estimate; nil when the estimate has no dose rate
  /// (a saturated counter), which must never read as a low dose.
  public func patientDoseRate(_ estimate: RateEstimate) -> PatientDoseRate? {
    guard let value = estimate.doseRateUSvH, let interval = estimate.doseRateInterval else {
      return nil
    }
    return patientDoseRate(
      detectorUSvH: value, detectorLower95USvH: interval.lowerBound,
      detectorUpper95USvH: interval.upperBound)
  }
}

public enum RoomGeometryError: Error, Hashable, CustomStringConvertible {
  case invalidFactor(Double)
  case invalidDistance(Double)
  case invalidReading(String, Double)

  public var description: String {
    switch self {
    case .invalidFactor(let factor):
      return "room geometry factor must be a positive number, got \(factor)"
    case .invalidDistance(let distance):
      return "room geometry distance must be a positive number of metres, got \(distance)"
    case .invalidReading(let instrument, let value):
      return "the \(instrument) reading must be a positive dose rate, got \(value) µSv/h"
    }
  }
}
