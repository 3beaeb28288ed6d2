import Foundation

/// A client request: `{"id":1,"cmd":"status"}`.
public struct Request: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd: String

  public init(id: RequestID?, cmd: String) {
    self.id = id
    self.cmd = cmd
  }
}

/// Commands of protocol 1.
public enum Command: String, Sendable, CaseIterable {
  case status
  case detectors
  case locations
  case watch
  case version
  case devices
  case roomShow = "room_show"
  case roomAdmit = "room_admit"
  case roomDischarge = "room_discharge"
  case roomClear = "room_clear"
  case roomCalibrate = "room_calibrate"
  case roomMove = "room_move"
  case events
  case history
  case wasteAdd = "waste_add"
  case wasteList = "waste_list"
  case wasteShow = "waste_show"
  case wasteSurvey = "waste_survey"
  case wasteRelease = "waste_release"
  case wasteMove = "waste_move"
  case alarms
  case alarmAck = "alarm_ack"
  case alarmTest = "alarm_test"
  case metrics
  case reload

  /// Commands that change state: recorded with the requester's identity.
  public var isControl: Bool {
    switch self {
    case .roomAdmit, .roomDischarge, .roomClear, .roomCalibrate, .roomMove, .wasteAdd,
      .wasteSurvey, .wasteRelease, .wasteMove, .alarmAck, .alarmTest, .reload:
      true
    default: false
    }
  }
}

/// Sent by the daemon as soon as a client connects.
public struct Hello: Codable, Sendable, Hashable {
  public var `class` = "hello"
  public var `protocol`: Int
  public var version: String
  public var daemon = "dosed"

  public init(protocol: Int = ProtocolInfo.version, version: String = ProtocolInfo.softwareVersion)
  {
    self.protocol = `protocol`
    self.version = version
  }
}

/// `{"class":"error","id":…,"code":"…","message":"…"}`.
public struct ErrorReply: Codable, Sendable, Hashable, Error {
  public var `class` = "error"
  public var id: RequestID?
  public var code: ErrorCode
  public var message: String

  public init(id: RequestID?, code: ErrorCode, message: String) {
    self.id = id
    self.code = code
    self.message = message
  }
}

/// Reply to `status`: everything at once, from the engine's latest snapshot.
public struct StatusReply: Codable, Sendable, Hashable {
  public var `class` = "status"
  public var id: RequestID?
  public var time: Date
  public var version: String
  public var uptimeSeconds: Double
  public var timeScale: Double
  public var detectors: [DetectorStatus]
  public var locations: [LocationStatus]
  public var alarms: [AlarmStatus]

  enum CodingKeys: String, CodingKey {
    case `class`, id, time, version, detectors, locations, alarms
    case uptimeSeconds = "uptime_s"
    case timeScale = "time_scale"
  }

  public init(
    id: RequestID?, time: Date, version: String, uptimeSeconds: Double, timeScale: Double,
    detectors: [DetectorStatus], locations: [LocationStatus], alarms: [AlarmStatus]
  ) {
    self.id = id
    self.time = time
    self.version = version
    self.uptimeSeconds = uptimeSeconds
    self.timeScale = timeScale
    self.detectors = detectors
    self.locations = locations
    self.alarms = alarms
  }
}

/// Reply to `detectors`.
public struct DetectorsReply: Codable, Sendable, Hashable {
  public var `class` = "detectors"
  public var id: RequestID?
  public var time: Date
  public var detectors: [DetectorStatus]

  public init(id: RequestID?, time: Date, detectors: [DetectorStatus]) {
    self.id = id
    self.time = time
    self.detectors = detectors
  }
}

/// Reply to `locations`.
public struct LocationsReply: Codable, Sendable, Hashable {
  public var `class` = "locations"
  public var id: RequestID?
  public var time: Date
  public var locations: [LocationStatus]

  public init(id: RequestID?, time: Date, locations: [LocationStatus]) {
    self.id = id
    self.time = time
    self.locations = locations
  }
}

/// Reply to `version`.
public struct VersionReply: Codable, Sendable, Hashable {
  public var `class` = "version"
  public var id: RequestID?
  public var version: String
  public var `protocol`: Int

  public init(id: RequestID?, version: String, protocol: Int) {
    self.id = id
    self.version = version
    self.protocol = `protocol`
  }
}

/// Reply to `watch`; `event` lines follow until the client leaves.
public struct WatchReply: Codable, Sendable, Hashable {
  public var `class` = "watch"
  public var id: RequestID?
  public var streaming = true

  public init(id: RequestID?) {
    self.id = id
  }
}

/// Reply to `metrics`: the Prometheus text exposition, as the HTTP endpoint would serve it.
public struct MetricsReply: Codable, Sendable, Hashable {
  public var `class` = "metrics"
  public var id: RequestID?
  public var text: String

  public init(id: RequestID?, text: String) {
    self.id = id
    self.text = text
  }
}
