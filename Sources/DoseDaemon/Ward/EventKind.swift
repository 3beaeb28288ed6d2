import DoseCore

/// Every kind of event dosed records (the `event` table's `kind`) or streams to watchers (the
/// `watch` line's `event`). The raw values are the records' and the wire's text and never change.
enum EventKind: String, Sendable, CaseIterable {
  // The daemon.
  case start, stop
  case configReload = "config_reload"
  case configReloadFailed = "config_reload_failed"
  case storageRecovered = "storage_recovered"
  // Detectors and locations.
  case reading
  case deviceAttached = "device_attached"
  case deviceDetached = "device_detached"
  case detectorState = "detector_state"
  case locationState = "location_state"
  // Alarms.
  case alarm
  case alarmCleared = "alarm_cleared"
  case alarmAck = "alarm_ack"
  case alarmTest = "alarm_test"
  // Rooms.
  case admit, discharge, clear, calibrate
  case roomMove = "room_move"
  // Waste.
  case wasteAdd = "waste_add"
  case wasteSurvey = "waste_survey"
  case wasteRelease = "waste_release"
  case wasteMove = "waste_move"

  /// Logged by whoever caused them, not by the records' journal: the service logs start, stop
  /// and device news with its own limiter, the reloader logs reloads, and control actions are
  /// logged by the socket session.
  var journalledElsewhere: Bool {
    switch self {
    case .start, .stop, .deviceAttached, .deviceDetached, .configReload, .configReloadFailed,
      .wasteAdd, .admit, .discharge, .clear, .calibrate, .wasteSurvey, .wasteRelease, .alarmAck,
      .alarmTest:
      true
    case .storageRecovered, .reading, .detectorState, .locationState, .alarm, .alarmCleared,
      .roomMove, .wasteMove:
      false
    }
  }

  /// Kinds a flapping detector repeats: their journal lines are limited per detector or
  /// location.
  var repeatsWhenFlapping: Bool {
    switch self {
    case .detectorState, .locationState, .alarm, .alarmCleared: true
    default: false
    }
  }
}

extension RoomAction {
  /// The event that records the action.
  var eventKind: EventKind {
    switch self {
    case .admit: .admit
    case .discharge: .discharge
    case .clear: .clear
    }
  }
}
