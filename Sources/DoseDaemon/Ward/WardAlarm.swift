import DoseCore
import Foundation

/// One active alarm occurrence: what it is about, how bad, since when, and whether someone has
/// acknowledged it.
struct WardAlarm: Sendable, Equatable {
  var key: AlarmKey
  var level: AlarmLevel
  var message: String
  var since: Date
  /// A dose alarm's statistical evidence; a fault's detector is in the key.
  var evidence: AlarmEvidence?
  /// The detector a dose alarm rests on (its evidence's, or the one over its range).
  var detector: String?
  var acknowledgement: AlarmAcknowledgement?

  init(
    key: AlarmKey, level: AlarmLevel, message: String, since: Date,
    evidence: AlarmEvidence? = nil, detector: String? = nil
  ) {
    self.key = key
    self.level = level
    self.message = message
    self.since = since
    self.evidence = evidence
    self.detector = detector ?? key.detector
  }

  var location: String? { key.location }
}

/// Who silenced an occurrence, when, and why.
struct AlarmAcknowledgement: Sendable, Equatable {
  var user: String
  var uid: UInt32?
  var at: Date
  var note: String?
}
