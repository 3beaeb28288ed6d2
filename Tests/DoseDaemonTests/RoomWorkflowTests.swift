import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// One room with one simulated detector: background, then a patient (30 µSv/h at the detector)
/// from 6 to 12 clock minutes after start, then background again. The daemons run on manual
/// time at the cadence of 60× real time (an evaluation every 15 clock seconds).
/// The room is admitted well before the patient "arrives": a clear room with a source in it
/// reverts to awaiting_clearance by itself.
private let ward = """
  [[detector]]
  id = "r1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1
    [[detector.simulated.source]]
    dose_rate_usv_h = 30.0
    half_life_h = 100.0
    start_h = 0.1
    end_h = 0.2

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["r1"]
  warn_usv_h = 100.0
  alarm_usv_h = 200.0
  state = "clear"
  # Above the simulated patient's 30 µSv/h: the clear room must not revert to
  # awaiting_clearance by itself if the patient "arrives" before the test admits them.
  clear_usv_h = 50.0
  """

@Suite(.serialized, .stopsDaemons) struct RoomWorkflowTests {
  @Test func admitCalibrateDischargeClearAreRecordedAndSurviveRestart() async throws {
    var daemon = try await TestDaemon.start(ward, timeScale: 60, manualTime: true)
    let directory = daemon.directory
    try await daemon.advance("the detector ok", step: 15, limit: 600) {
      try await daemon.status().detectors.first?.state == "ok"
    }
    let admitted = try await daemon.send(
      RoomAdmitRequest(
        id: .number(1), room: "room-1", patient: "P-0042", nuclide: "Lu-177", activityBq: 7.4e9,
        at: nil), as: RoomReply.self
    ).room
    #expect(admitted.occupancy == "occupied")
    #expect(admitted.patient?.reference == "P-0042")
    #expect(admitted.patient?.activityBq == 7.4e9)

    // The rules refuse what makes no sense, and say why.
    await expectRefusal(
      daemon,
      RoomAdmitRequest(
        id: .number(2), room: "room-1", patient: "P-0043", nuclide: "Lu-177", activityBq: nil,
        at: nil), code: .refused, containing: "occupied")
    await expectRefusal(
      daemon, RoomClearRequest(id: .number(3), room: "room-1", wipeTest: "ok"), code: .refused,
      containing: "discharge the patient first")
    await expectRefusal(
      daemon,
      RoomAdmitRequest(
        id: .number(4), room: "room-9", patient: "P", nuclide: "Lu-177", activityBq: nil,
        at: nil), code: .notFound, containing: "room-1")
    await expectRefusal(
      daemon,
      RoomAdmitRequest(
        id: .number(5), room: "room-1", patient: "P", nuclide: "Lu-999", activityBq: nil,
        at: nil), code: .badRequest, containing: "unknown nuclide")

    try await daemon.advance("the patient in the room", step: 60, limit: 3600) {
      try await daemon.status().locations.first?.doseRateUSvH ?? 0 > 25
    }
    let calibrated = try await daemon.send(
      RoomCalibrateRequest(id: .number(6), room: "room-1", at1mUSvH: 27), as: RoomReply.self
    ).room
    let factor = try #require(calibrated.patient?.geometryFactor)
    #expect(factor > 0.5 && factor < 1.5, "27 µSv/h at 1 m against about 30 at the detector")

    // A restart while the patient is in: the room and its patient come back from the records.
    await daemon.stop(keepFiles: true)
    daemon = try await TestDaemon.start(
      ward, timeScale: 60, manualTime: true, directory: directory)
    let restored = try await daemon.send(
      RoomRequest(id: .number(7), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(restored.occupancy == "occupied")
    #expect(restored.patient?.reference == "P-0042")
    #expect(restored.patient?.geometryFactor == factor)

    // The simulated patient restarts with the daemon: background until 6 clock minutes.
    try await daemon.advance("the dose rate at background", step: 15, limit: 600) {
      try await daemon.status().locations.first?.doseRateUSvH ?? 100 < 0.3
    }
    let discharged = try await daemon.send(
      RoomRequest(id: .number(8), command: .roomDischarge, room: "room-1"), as: RoomReply.self
    ).room
    #expect(discharged.occupancy == "awaiting_clearance")
    #expect(discharged.patient?.dischargedAt != nil)

    await expectRefusal(
      daemon, RoomClearRequest(id: .number(9), room: "room-1", wipeTest: " "), code: .refused,
      containing: nil)
    try await daemon.advance("the clearance decision below", step: 60, limit: 4 * 3600) {
      try await daemon.status().locations.first?.clearance?.decision == "below"
    }
    await expectRefusal(
      daemon, RoomClearRequest(id: .number(10), room: "room-1", wipeTest: ""), code: .refused,
      containing: "contamination survey")
    let cleared = try await daemon.send(
      RoomClearRequest(id: .number(11), room: "room-1", wipeTest: "12 wipes < 200 dpm/100 cm²"),
      as: RoomReply.self
    ).room
    #expect(cleared.occupancy == "clear")
    #expect(cleared.patient == nil)

    // Every action is in the records with who did it.
    let events = try await daemon.send(EventsRequest(id: .number(12)), as: EventsReply.self)
      .events
    let actions = events.filter { ["admit", "calibrate", "discharge", "clear"].contains($0.kind) }
    #expect(actions.map(\.kind) == ["admit", "calibrate", "discharge", "clear"])
    for action in actions {
      #expect(action.actor?.uid == getuid())
      #expect(action.actor?.pid == getpid())
      #expect(action.location == "room-1")
    }
    #expect(actions.last?.message.contains("12 wipes") == true)
    #expect(events.contains { $0.kind == "start" })
    #expect(events.contains { $0.kind == "stop" }, "the first run's graceful stop")
    // Refused requests change nothing and are not recorded as actions.
    #expect(events.filter { $0.kind == "admit" }.count == 1)

    // After a second restart the room is clear.
    await daemon.stop(keepFiles: true)
    let store = try RecordStore(directory: directory + "/state")
    #expect(try store.integrityCheck() == "ok")
    #expect(try store.roomStates().first?.occupancy == "clear")
    daemon = try await TestDaemon.start(
      ward, timeScale: 60, manualTime: true, directory: directory)
    let final = try await daemon.send(
      RoomRequest(id: .number(13), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(final.occupancy == "clear")
    await daemon.stop()
  }

  @Test func historyHoldsMinuteAggregates() async throws {
    // Manual time at the cadence of 600×: a reading every 120 clock seconds.
    let daemon = try await TestDaemon.start(ward, timeScale: 600, manualTime: true)
    try await daemon.advance("minutes recorded", step: 150, limit: 4 * 3600) {
      let reply = try await daemon.send(
        HistoryRequest(id: .number(1), of: "room-1", since: nil), as: HistoryReply.self)
      return reply.points.count >= 5
    }
    let reply = try await daemon.send(
      HistoryRequest(id: .number(2), of: "r1", since: nil), as: HistoryReply.self)
    #expect(reply.detectors == ["r1"])
    let first = try #require(reply.points.first)
    // Under --time-scale one reading spans many simulated seconds: a minute's live time is
    // that of the readings that ended in it.
    #expect(first.liveSeconds > 0)
    #expect(first.counts > 0)
    let withDose = reply.points.compactMap(\.doseMeanUSvH)
    #expect(!withDose.isEmpty)
    for point in reply.points {
      if let low = point.doseMinUSvH, let mean = point.doseMeanUSvH, let high = point.doseMaxUSvH {
        #expect(low <= mean && mean <= high)
      }
    }
    await expectRefusal(
      daemon, HistoryRequest(id: .number(3), of: "nowhere", since: nil), code: .notFound,
      containing: "nowhere")
  }
}

/// Sends `request` and expects an error reply with `code` (and `containing` in its message).
private func expectRefusal(
  _ daemon: TestDaemon, _ request: some Encodable & Sendable, code: ErrorCode,
  containing fragment: String?, sourceLocation: SourceLocation = #_sourceLocation
) async {
  do {
    _ = try await daemon.send(request, as: RoomReply.self)
    Issue.record(
      "expected \(code.rawValue), but the request succeeded", sourceLocation: sourceLocation)
  } catch let reply as ErrorReply {
    #expect(reply.code == code, "\(reply.message)", sourceLocation: sourceLocation)
    if let fragment {
      #expect(reply.message.contains(fragment), "\(reply.message)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
  }
}
