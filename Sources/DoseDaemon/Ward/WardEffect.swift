import DetectorDrivers
import DoseCore
import Foundation

/// What the ward model asks the edges to do after a step: it decides, they write, log and
/// publish. In the order the model produced them.
enum WardEffect: Sendable {
  /// An event for the records and the journal.
  case record(WardRecord)
  /// Closed minutes of detector data for the records.
  case minutes([MinuteAggregate])
  /// Keep this alarm occurrence's row current (raised, acknowledged).
  case saveAlarm(WardAlarm)
  /// The occurrence is over: its row goes.
  case deleteAlarm(AlarmKey)
  /// News for the `watch` stream.
  case publish(WardNews)
}

/// One event for the records, typed; the store's `StoredEvent` is made from it at the edge.
struct WardRecord: Sendable, Equatable {
  var time: Date
  var kind: EventKind
  var location: String?
  var detector: String?
  var level: AlarmLevel?
  var message: String
  var actor: ActorIdentity?
  var data: RecordData?

  init(
    time: Date, kind: EventKind, location: String? = nil, detector: String? = nil,
    level: AlarmLevel? = nil, message: String, actor: ActorIdentity? = nil,
    data: RecordData? = nil
  ) {
    self.time = time
    self.kind = kind
    self.location = location
    self.detector = detector
    self.level = level
    self.message = message
    self.actor = actor
    self.data = data
  }
}

/// The measurement an event rests on, kept with it as JSON.
enum RecordData: Sendable, Equatable {
  /// A location's dose rate, interval and source detector.
  case measurement(LocationAssessment)
  /// Why a dose alarm was raised.
  case evidence(AlarmEvidence)
}

/// A line of the `watch` stream, typed.
enum WardNews: Sendable {
  case reading(Reading, DetectorAssessment)
  case deviceAttached(detector: String, summary: String, at: Date)
  case deviceDetached(detector: String, reason: String, at: Date)
  case detectorState(DetectorAssessment, previous: DetectorState?, at: Date)
  case locationState(LocationAssessment, previous: LocationState?, at: Date)
  case configReload(summary: String, at: Date)
  /// An alarm occurrence started, was acknowledged, or ended.
  case alarm(WardAlarm, AlarmChange, at: Date)
}

/// What happened to an alarm occurrence.
enum AlarmChange: Sendable {
  case raised, acknowledged, cleared
}
