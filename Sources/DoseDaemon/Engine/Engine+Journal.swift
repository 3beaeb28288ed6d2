import DoseCore
import Foundation
import Logging

/// The journal's view of what the engine records: one line per state change and alarm, with
/// stable keys (`event`, `location`, `detector`, `level`), at a level the journal can filter on.
/// The records stay authoritative; a flapping detector's lines are rate-limited here.
extension Engine {
  public func setLogger(_ logger: Logger) {
    self.logger = logger
  }

  /// Event kinds logged elsewhere (the service logs start, stop and device news with its own
  /// limiter; the reloader logs reloads; control actions are logged by the socket session).
  static let kindsNotJournalled: Set<String> = [
    "start", "stop", "device_attached", "device_detached", "config_reload",
    "config_reload_failed", "waste_add", "admit", "discharge", "clear", "calibrate",
    "waste_survey", "waste_release", "alarm_ack",
  ]

  /// Kinds that a flapping detector repeats: limited per detector or location.
  static let kindsLimited: Set<String> = [
    "detector_state", "location_state", "alarm", "alarm_cleared",
  ]

  func journal(_ event: StoredEvent) {
    guard let logger, !Self.kindsNotJournalled.contains(event.kind) else { return }
    if Self.kindsLimited.contains(event.kind) {
      let key = event.detector ?? event.location ?? event.kind
      switch journalLimiter.check(key, now: clock.now().monotonicSeconds) {
      case .suppress: return
      case .log(let suppressed) where suppressed > 0:
        logger.warning(
          "state messages suppressed",
          metadata: [
            "for": "\(key)", "suppressed": "\(suppressed)",
            "window_s": "\(Int(journalLimiter.window))",
          ])
      case .log: break
      }
    }
    var metadata: Logger.Metadata = ["event": "\(event.kind)"]
    if let location = event.location { metadata["location"] = "\(location)" }
    if let detector = event.detector { metadata["detector"] = "\(detector)" }
    if let level = event.level { metadata["level"] = "\(level)" }
    logger.log(level: Self.logLevel(of: event), "\(event.message)", metadata: metadata)
  }

  /// An alarm-level record is an error in the journal, a warning a warning, a return to normal
  /// a notice.
  static func logLevel(of event: StoredEvent) -> Logger.Level {
    switch event.level {
    case AlarmLevel.alarm.rawValue: .error
    case AlarmLevel.warn.rawValue: .warning
    default: .notice
    }
  }
}
