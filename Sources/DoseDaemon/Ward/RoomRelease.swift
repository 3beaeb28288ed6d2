import DoseCore
import Foundation

/// An occupied room's release question: may the patient go now, against which limit, on what
/// measured dose rate, and when will they likely be allowed to.
struct RoomRelease: Sendable, Equatable {
  var eligible = false
  /// Why (not) eligible, in words.
  var reason: String
  /// The limit resolved for the patient's nuclide.
  var limit: ReleaseLimit?
  /// The patient's dose rate at the limit's distance, with its 95 % interval.
  var patient: PatientDoseRate?
  /// The prediction from the room's clearance curve.
  var outlook: ReleaseOutlook?

  init(reason: String) {
    self.reason = reason
  }
}

/// When the fitted clearance curve reaches the release limit.
struct ReleaseOutlook: Sendable, Equatable {
  var samples: Int
  var model: ClearanceModel
  /// The curve's terminal (effective) half-life and its standard uncertainty, seconds.
  var halfLifeSeconds: Double?
  var halfLifeUncertaintySeconds: Double?
  /// The predicted moment, and its 95 % band.
  var at: Date?
  var earliest: Date?
  var latest: Date?
  /// Clearance slower than the nuclide's sourced expectation, where one exists.
  var slow: SlowClearanceAssessment?
}
