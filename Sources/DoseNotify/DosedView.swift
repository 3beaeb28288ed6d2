import DoseProtocol
import Foundation

/// An active alarm as the notifier needs it, decoded leniently from dosed's `status` or
/// `alarms` reply: unknown fields are ignored, and fields a daemon may not send yet (`alarm_id`,
/// `test`) are optional, so the notifier works with the daemon as it is and as it grows.
public struct AlarmView: Sendable, Hashable, Codable {
  public var kind: String
  public var level: String
  public var location: String?
  public var detector: String?
  public var message: String
  public var since: Date
  public var test: Bool
  public var acknowledged: AcknowledgementStatus?
  /// dosed's `alarm_id`, or one made the same way from kind, location/detector and level.
  public var id: String

  enum CodingKeys: String, CodingKey {
    case kind, level, location, detector, message, since, test, acknowledged
    case alarmID = "alarm_id"
  }

  public init(
    id: String, kind: String, level: String, location: String?, detector: String?,
    message: String, since: Date, test: Bool = false,
    acknowledged: AcknowledgementStatus? = nil
  ) {
    self.id = id
    self.kind = kind
    self.level = level
    self.location = location
    self.detector = detector
    self.message = message
    self.since = since
    self.test = test || kind == "test"
    self.acknowledged = acknowledged
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    kind = try container.decode(String.self, forKey: .kind)
    level = try container.decodeIfPresent(String.self, forKey: .level) ?? "alarm"
    location = try container.decodeIfPresent(String.self, forKey: .location)
    detector = try container.decodeIfPresent(String.self, forKey: .detector)
    message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    since = try container.decode(Date.self, forKey: .since)
    test = (try? container.decodeIfPresent(Bool.self, forKey: .test)) ?? false || kind == "test"
    acknowledged = try? container.decodeIfPresent(
      AcknowledgementStatus.self, forKey: .acknowledged)
    id =
      try container.decodeIfPresent(String.self, forKey: .alarmID)
      ?? Self.derivedID(kind: kind, level: level, location: location, detector: detector)
  }

  /// The same keys as dosed's, for the notifier's memory (`state_file`).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .alarmID)
    try container.encode(kind, forKey: .kind)
    try container.encode(level, forKey: .level)
    try container.encodeIfPresent(location, forKey: .location)
    try container.encodeIfPresent(detector, forKey: .detector)
    try container.encode(message, forKey: .message)
    try container.encode(since, forKey: .since)
    try container.encode(test, forKey: .test)
    try container.encodeIfPresent(acknowledged, forKey: .acknowledged)
  }

  /// The id dosed gives (docs/protocol.md, "Alarms"), for a daemon that does not send it.
  static func derivedID(kind: String, level: String, location: String?, detector: String?)
    -> String
  {
    switch kind {
    case "fault": "fault:\(detector ?? "")"
    case "dose": "dose:\(location ?? ""):\(level)"
    default: location.map { "\(kind):\($0)" } ?? kind
    }
  }

  /// One occurrence: the same id with another `since` is a new alarm (it cleared and recurred).
  public var occurrence: Occurrence { Occurrence(id: id, since: since) }
}

/// An alarm id and when that occurrence began.
public struct Occurrence: Sendable, Hashable {
  public var id: String
  public var since: Date
}

/// The part of a `status` reply the notifier reads: when the snapshot was made, how long dosed
/// has run, and the active alarms. An `alarms` reply decodes too (without `uptime_s`).
public struct SnapshotView: Sendable, Hashable, Decodable {
  public var time: Date
  public var uptimeSeconds: Double?
  public var alarms: [AlarmView]
  /// The ward's locations and the detectors each reads (a `status` reply's; none in an
  /// `alarms` reply): a detector's fault shows at the doors of the rooms it watches.
  public var locations: [LocationView]

  /// A location as the notifier needs it.
  public struct LocationView: Sendable, Hashable, Decodable {
    public var id: String
    public var detectors: [String]

    public init(id: String, detectors: [String]) {
      self.id = id
      self.detectors = detectors
    }

    enum CodingKeys: String, CodingKey { case id, detectors }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      id = try container.decode(String.self, forKey: .id)
      detectors = (try? container.decodeIfPresent([String].self, forKey: .detectors)) ?? []
    }
  }

  enum CodingKeys: String, CodingKey {
    case time, alarms, locations
    case uptimeSeconds = "uptime_s"
  }

  public init(
    time: Date, uptimeSeconds: Double?, alarms: [AlarmView], locations: [LocationView] = []
  ) {
    self.time = time
    self.uptimeSeconds = uptimeSeconds
    self.alarms = alarms
    self.locations = locations
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    time = try container.decode(Date.self, forKey: .time)
    uptimeSeconds = try container.decodeIfPresent(Double.self, forKey: .uptimeSeconds)
    alarms = try container.decode([AlarmView].self, forKey: .alarms)
    locations = (try? container.decodeIfPresent([LocationView].self, forKey: .locations)) ?? []
  }

  /// Decodes a reply line; nil for an error reply or something else.
  public static func decode(_ line: Data) -> SnapshotView? {
    let messageClass = WireCoding.messageClass(of: line)
    guard messageClass == "status" || messageClass == "alarms" else { return nil }
    return try? WireCoding.decoder().decode(SnapshotView.self, from: line)
  }
}

/// A `watch` line, read only for what the notifier needs: any line that is not a reading makes
/// it reconcile with `status` (the source of truth), and an `alarm_ack` line says who
/// acknowledged, which `status` can no longer show once the ack has cleared the alarm (a test
/// alarm) or the alarm ended before the next poll.
public struct WatchLine: Sendable, Hashable, Decodable {
  public var `class`: String
  public var event: String?
  public var alarmID: String?
  public var acknowledged: AcknowledgementStatus?

  enum CodingKeys: String, CodingKey {
    case `class`, event, acknowledged
    case alarmID = "alarm_id"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    `class` = try container.decode(String.self, forKey: .class)
    event = try? container.decodeIfPresent(String.self, forKey: .event)
    alarmID = try? container.decodeIfPresent(String.self, forKey: .alarmID)
    acknowledged = try? container.decodeIfPresent(
      AcknowledgementStatus.self, forKey: .acknowledged)
  }

  /// Whether the line may mean an alarm changed (anything but a reading, including kinds this
  /// notifier does not know yet).
  public var mayChangeAlarms: Bool { `class` != "event" || event != "reading" }

  public static func decode(_ line: Data) -> WatchLine? {
    try? WireCoding.decoder().decode(WatchLine.self, from: line)
  }
}
