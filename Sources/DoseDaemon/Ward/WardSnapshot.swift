import DetectorDrivers
import DoseCore
import Foundation

/// The ward as one evaluation saw it: what `status` shows and what control actions decide on.
struct WardSnapshot: Sendable {
  var time: DoseClock.Now
  var detectors: [DetectorView] = []
  var locations: [LocationView] = []
  var alarms: [WardAlarm] = []

  func alarm(_ key: AlarmKey) -> WardAlarm? {
    alarms.first { $0.key == key }
  }
}

/// One detector in a snapshot.
struct DetectorView: Sendable {
  var config: DetectorConfig
  var assessment: DetectorAssessment
  var identity: DeviceIdentity?
  var counters: LinkCounters?
}

/// One location in a snapshot. `state`, `alarm` and `reasons` are the assessment's unless the
/// location's records could not be read, which holds it in fault.
struct LocationView: Sendable {
  var config: LocationConfig
  var assessment: LocationAssessment
  var state: LocationState
  var alarm: AlarmLevel
  var reasons: [String]
  /// An occupied room's release question.
  var release: RoomRelease?

  init(config: LocationConfig, assessment: LocationAssessment, release: RoomRelease?) {
    self.config = config
    self.assessment = assessment
    state = assessment.state
    alarm = assessment.alarm
    reasons = assessment.reasons
    self.release = release
  }
}

/// How the records are doing, as the record writer last saw them: an input of each evaluation.
struct StorageCondition: Sendable, Equatable {
  /// Why records cannot be written right now.
  var problem: String?
  /// Records waiting in memory for the database.
  var waiting = 0
}
