@_exported import ClientTestSupport
import DoseBoard
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A status reply made by hand: two rooms and a store, with text an operator could have typed.
enum Fixture {
  static let time = Date(timeIntervalSince1970: 1_796_198_400)  // 2026-12-01T08:00:00Z
  static let hostile = "<script>alert(1)</script>\"'&\u{202E}"

  static func status(alarmMessage: String = "dose rate above warn") -> StatusReply {
    var room1 = LocationStatus(
      id: "room-1", kind: "isolation_room", state: "occupied", alarm: "warn", doseAlarm: "warn",
      detectors: ["r1"], warnUSvH: 60, alarmUSvH: 200)
    room1.doseRateUSvH = 72.5
    room1.ci95USvH = [70.1, 74.9]
    var release = ReleaseStatus(eligible: false, reason: "above the limit")
    release.predictedAt = time.addingTimeInterval(36 * 3600)
    release.predictedEarliest = time.addingTimeInterval(30 * 3600)
    release.predictedLatest = time.addingTimeInterval(42 * 3600)
    room1.release = release
    var room2 = LocationStatus(
      id: "room-2", kind: "isolation_room", state: "clear", alarm: "none", doseAlarm: "none",
      detectors: ["r2"], warnUSvH: 2, alarmUSvH: 10)
    room2.doseRateUSvH = 0.1
    room2.ci95USvH = [0.08, 0.12]
    var room3 = LocationStatus(
      id: "room-3", kind: "isolation_room", state: "awaiting_clearance", alarm: "none",
      doseAlarm: "none", detectors: ["r3"], warnUSvH: 2, alarmUSvH: 10)
    room3.doseRateUSvH = 0.9
    var clearance = ClearanceStatus(limitUSvH: 0.5, decision: "undecided")
    clearance.needsCountingSeconds = 7200
    room3.clearance = clearance
    room3.reasons = [hostile]
    var store = LocationStatus(
      id: "store", kind: "waste_store", state: "holding", alarm: "none", doseAlarm: "none",
      detectors: ["s1"], warnUSvH: 10, alarmUSvH: 50)
    store.packages = [
      PackageStatus(
        id: "W-1", state: "holding", nuclides: ["Lu-177"], surfaceUSvHNow: 4.2,
        releaseDueAt: time.addingTimeInterval(86400 * 20))
    ]
    var alarm = AlarmStatus(
      kind: "dose", level: "warn", location: "room-1", detector: "r1", message: alarmMessage,
      since: time.addingTimeInterval(-600))
    alarm.alarmID = "dose:room-1:warn"
    alarm.acknowledged = AcknowledgementStatus(
      user: "nurse<b>", uid: 1001, at: time.addingTimeInterval(-300), note: hostile)
    let detectors = ["r1", "r2", "r3", "s1"].map { id in
      var detector = DetectorStatus(id: id, driver: "simulated", state: "ok")
      detector.doseRateUSvH = 1
      return detector
    }
    return StatusReply(
      id: nil, time: time, version: "0.1.0", uptimeSeconds: 100, timeScale: 1,
      detectors: detectors, locations: [room1, room2, room3, store], alarms: [alarm])
  }

  static func extras(patient: String = hostile) -> WardExtras {
    var extras = WardExtras()
    var room = RoomDetail(id: "room-1", state: "occupied", occupancy: "occupied")
    room.since = time.addingTimeInterval(-86400)
    room.patient = PatientStatus(reference: patient, nuclide: "Lu-177", admittedAt: room.since!)
    extras.rooms["room-1"] = room
    extras.trends["room-1"] = (0..<60).map {
      TrendPoint(time: time.addingTimeInterval(Double($0 - 60) * 60), value: 70 + Double($0 % 7))
    }
    return extras
  }

  static func config(showPatientRef: Bool = false) -> BoardConfig {
    var config = BoardConfig()
    config.ward = "Ward <7>"
    config.showPatientRef = showPatientRef
    config.visitors["room-1"] = VisitorGuidance(
      maxStayMinutes: 30, minDistanceM: 2, note: "Ask the nurse <first>")
    return config
  }

  static func view(
    monitoring: Monitoring = .live, showPatientRef: Bool = false, status: StatusReply = status()
  ) -> WardView {
    WardView.make(
      status: status, extras: extras(), monitoring: monitoring,
      config: config(showPatientRef: showPatientRef))
  }
}

extension String {
  func count(of needle: String) -> Int {
    components(separatedBy: needle).count - 1
  }
}
