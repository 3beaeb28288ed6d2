import DoseProtocol
import Foundation

/// What an action is told about; the names are those of an action's `events` filter.
public enum NotifyEventKind: String, Sendable, Hashable, CaseIterable, Codable {
  /// A dose, storage or orphan alarm was raised.
  case alarm
  /// A detector fault was raised (a detector is not `ok`).
  case fault
  /// An alarm is gone (dosed cleared it).
  case clear
  /// Someone acknowledged an alarm (`dosectl alarms ack`).
  case ack
  /// A test alarm was raised (`dosectl alarms test`): the whole chain, marked test.
  case test
  /// dosed cannot be reached, or its snapshot stopped advancing: the ward is unwatched.
  case unmonitored
  /// dosed is reachable and current again.
  case monitored
}

/// One delivery: the event as programs (stdin, environment) and Alertmanager see it.
public struct NotifyEvent: Sendable, Hashable, Codable {
  public var event: NotifyEventKind
  /// When it happened: the alarm's `since` for a raise, the acknowledgement's time for an ack,
  /// the notifier's clock otherwise.
  public var time: Date
  public var ward: String
  /// dosed's alarm id (`fault:DETECTOR`, `dose:LOCATION:LEVEL`, `test:LOCATION`, …), or
  /// `unmonitored` for the notifier's own alarm.
  public var alarmID: String
  /// `fault`, `dose`, `storage`, `orphan`, `test` or `unmonitored`.
  public var kind: String
  /// `warn` or `alarm`.
  public var level: String
  public var location: String?
  public var detector: String?
  public var message: String
  /// When the alarm began (the occurrence: an alarm that clears and recurs is a new one).
  public var since: Date
  public var test: Bool
  public var acknowledged: AcknowledgementStatus?
  /// Set when this delivery is an escalation: the tier (1 = the first `[[escalation]]`).
  public var escalation: Int?
  /// Deliveries this action dropped (queue full or given up) since it last delivered one.
  public var dropped: Int?
  /// The ward after this event, location by location: what a door beacon should show now
  /// (`alarm`, `test`, `warn`, `ack`: all acknowledged; `unmonitored` everywhere while the ward
  /// is unwatched). Locations with nothing active are left out. A program that sets every
  /// beacon from this on every event cannot be misled by an event about another alarm (a
  /// `monitored`, a detector's fault clearing, a test ending while a real alarm goes on).
  public var active: [String: String] = [:]

  enum CodingKeys: String, CodingKey {
    case event, time, ward, kind, level, location, detector, message, since, test
    case acknowledged, escalation, dropped, active
    case alarmID = "alarm_id"
  }

  public init(
    event: NotifyEventKind, time: Date, ward: String, alarm: AlarmView
  ) {
    self.event = event
    self.time = time
    self.ward = ward
    self.alarmID = alarm.id
    self.kind = alarm.kind
    self.level = alarm.level
    self.location = alarm.location
    self.detector = alarm.detector
    self.message = alarm.message
    self.since = alarm.since
    self.test = alarm.test
    self.acknowledged = alarm.acknowledged
  }

  /// The event as one JSON line (sorted keys, ISO 8601 times), newline included.
  public func jsonLine() -> Data {
    (try? WireCoding.line(self)) ?? Data("{}\n".utf8)
  }

  /// The `DOSED_*` variables an exec action gets. Absent values are left out, never empty.
  public var environment: [String: String] {
    var env: [String: String] = [
      "DOSED_EVENT": event.rawValue,
      "DOSED_LEVEL": level,
      "DOSED_ALARM_ID": alarmID,
      "DOSED_KIND": kind,
      "DOSED_MESSAGE": message,
      "DOSED_TIME": Self.text(time),
      "DOSED_SINCE": Self.text(since),
      "DOSED_WARD": ward,
    ]
    env["DOSED_LOCATION"] = location
    env["DOSED_DETECTOR"] = detector
    if test { env["DOSED_TEST"] = "1" }
    if let acknowledged {
      env["DOSED_ACK_USER"] = acknowledged.user
      env["DOSED_ACK_NOTE"] = acknowledged.note
    }
    env["DOSED_ESCALATION"] = escalation.map(String.init)
    env["DOSED_DROPPED"] = dropped.map(String.init)
    // "room-1=alarm room-3=ack", sorted; empty when nothing is active.
    env["DOSED_ACTIVE"] = active.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      .joined(separator: " ")
    return env
  }

  static func text(_ date: Date) -> String {
    date.formatted(.iso8601)
  }
}
