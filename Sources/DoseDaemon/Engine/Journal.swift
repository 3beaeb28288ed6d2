import DoseCore
import Foundation
import Logging

/// The journal's view of what the engine records: one line per state change and alarm, with
/// stable keys (`event`, `location`, `detector`, `level`), at a level the journal can filter on.
/// The records stay authoritative; a flapping detector's lines are rate-limited here.
struct Journal: Sendable {
  /// Where recorded state changes and alarms are also logged; nil in tests.
  var logger: Logger?
  private var limiter = DeviceLogLimiter()

  init(logger: Logger? = nil) {
    self.logger = logger
  }

  /// Logs a recorded event, unless its kind is logged by whoever caused it.
  /// - Parameter seconds: the clock's monotonic seconds, for the rate limit.
  mutating func log(_ event: StoredEvent, at seconds: Double) {
    guard let logger else { return }
    let kind = event.eventKind
    if kind?.journalledElsewhere == true { return }
    if kind?.repeatsWhenFlapping == true {
      let key = event.detector ?? event.location ?? event.kind
      switch limiter.check(key, now: seconds) {
      case .suppress: return
      case .log(let suppressed) where suppressed > 0:
        logger.warning(
          "state messages suppressed",
          metadata: [
            "for": "\(key)", "suppressed": "\(suppressed)", "window_s": "\(Int(limiter.window))",
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
    switch event.level.flatMap(AlarmLevel.init(rawValue:)) {
    case .alarm: .error
    case .warn: .warning
    default: .notice
    }
  }
}
