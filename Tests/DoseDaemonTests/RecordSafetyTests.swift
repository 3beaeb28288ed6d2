import DoseProtocol
import Foundation
import GRDB
import Testing

@testable import DoseDaemon

/// Issue 14: no typo, unreadable row or renamed location loses a room's or a package's record.
/// One room and one store, each with one simulated detector at background.
private let ward = """
  [[detector]]
  id = "r1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1

  [[detector]]
  id = "s1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["r1"]
  warn_usv_h = 100.0
  alarm_usv_h = 200.0
  state = "clear"

  [[location]]
  id = "store-1"
  kind = "waste_store"
  detectors = ["s1"]
  warn_usv_h = 50.0
  alarm_usv_h = 100.0
  release_rule = "us-dis"
  """

/// The same ward after an edit that renamed both locations.
private let renamedWard =
  ward
  .replacingOccurrences(of: "\"room-1\"", with: "\"room-A\"")
  .replacingOccurrences(of: "\"store-1\"", with: "\"store-A\"")

/// 0000-01-01T00:00:00Z, the date of the report.
private let yearZero = Date(timeIntervalSince1970: -62_167_219_200)

@Suite(.serialized) struct RecordSafetyTests {
  @Test func timesOutsideTheWindowAreRefusedAndNothingIsRecorded() async throws {
    let daemon = try await TestDaemon.start(ward)
    let directory = daemon.directory
    let now = try await daemon.status().time
    for at in [yearZero, Date(timeIntervalSince1970: 0), now.addingTimeInterval(-367 * 86_400)] {
      await expectFailure(
        daemon, admit("P-1", at: at), code: .badRequest, containing: "outside the accepted window")
    }
    await expectFailure(
      daemon, admit("P-1", at: now.addingTimeInterval(3600)), code: .badRequest,
      containing: "at_future_limit_s")
    for at in [yearZero, Date(timeIntervalSince1970: 253_402_300_799)] {
      await expectFailure(
        daemon, wasteAdd("W-1", at: at), code: .badRequest, containing: "sealing time")
    }
    // Within the window: recorded, and it reads back the same after a restart.
    let admittedAt = now.addingTimeInterval(-30 * 86_400)
    _ = try await daemon.send(admit("P-1", at: admittedAt), as: RoomReply.self)
    await expectFailure(
      daemon,
      RoomRequest(
        id: .number(3), command: .roomDischarge, room: "room-1",
        at: admittedAt.addingTimeInterval(-60)), code: .badRequest,
      containing: "before the admission")
    _ = try await daemon.send(
      wasteAdd("W-2", at: now.addingTimeInterval(-86_400)), as: WasteReply.self)
    await daemon.stop(keepFiles: true)
    let again = try await TestDaemon.start(ward, directory: directory)
    let room = try await again.send(
      RoomRequest(id: .number(4), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(room.occupancy == "occupied")
    let restored = try #require(room.patient?.admittedAt)
    #expect(abs(restored.timeIntervalSince(admittedAt)) < 0.001)
    let packages = try await again.send(
      WasteRequest(id: .number(5), command: .wasteList), as: WasteListReply.self
    ).packages
    #expect(packages.map(\.id) == ["W-2"])
    #expect(try await again.status().alarms.filter { $0.kind == "storage" }.isEmpty)
    await again.stop()
  }

  @Test func anUnreadableRoomRecordHoldsTheRoomInsteadOfClearingIt() async throws {
    let daemon = try await TestDaemon.start(ward)
    let directory = daemon.directory
    _ = try await daemon.send(admit("P-7", at: nil), as: RoomReply.self)
    _ = try await daemon.send(wasteAdd("W-9", at: nil), as: WasteReply.self)
    await daemon.stop(keepFiles: true)
    // What the year-0000 typo wrote before the fix: text no reader accepts.
    let queue = try DatabaseQueue(path: directory + "/state/" + RecordStore.fileName)
    try await queue.write { db in
      try db.execute(sql: "UPDATE room_state SET since = '00-1-12-30 00:00:00.000'")
      try db.execute(sql: "UPDATE waste_package SET sealed_at = '00-1-12-30 00:00:00.000'")
    }
    try queue.close()

    let again = try await TestDaemon.start(ward, directory: directory)
    let status = try await again.status()
    let room = try #require(status.locations.first { $0.id == "room-1" })
    #expect(room.state == "fault", "never clear, never the configuration's initial state")
    #expect(room.reasons?.first?.contains("records unreadable") == true)
    let storage = status.alarms.filter { $0.kind == "storage" }
    #expect(storage.contains { $0.location == "room-1" })
    #expect(storage.contains { $0.location == "store-1" && $0.message.contains("W-9") })
    let shown = try await again.send(
      RoomRequest(id: .number(1), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(shown.occupancy == "awaiting_clearance")
    // The RSO re-admits the patient who is still inside: recorded, and the fault is resolved.
    let readmitted = try await again.send(admit("P-7", at: nil), as: RoomReply.self).room
    #expect(readmitted.occupancy == "occupied")
    try await eventually("the room's storage alarm clears") {
      try await again.status().alarms.contains { $0.kind == "storage" && $0.location == "room-1" }
        == false
    }
    // A second, different admission is refused: the room is occupied again.
    await expectFailure(again, admit("P-8", at: nil), code: .refused, containing: "occupied")
    await again.stop()
  }

  @Test func anUnreadableMinuteCostsNothingButItsOwnRow() async throws {
    let daemon = try await TestDaemon.start(ward)
    let directory = daemon.directory
    _ = try await daemon.send(admit("P-5", at: nil), as: RoomReply.self)
    await daemon.stop(keepFiles: true)
    // A minute after the admission whose time no reader accepts: the occupied
    // room's clearance series is rebuilt from such rows at start.
    let queue = try DatabaseQueue(path: directory + "/state/" + RecordStore.fileName)
    try await queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO minute_aggregate (detector, minute, counts, live_s, readings,
            dose_min_usv_h, dose_mean_usv_h, dose_max_usv_h)
          VALUES ('r1', '2999-12-xx 00:00:00.000', 10, 60, 60, 0.1, 0.1, 0.1)
          """)
    }
    try queue.close()
    let again = try await TestDaemon.start(ward, directory: directory)
    let room = try await again.send(
      RoomRequest(id: .number(1), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(room.occupancy == "occupied")
    #expect(room.patient?.reference == "P-5")
    let storage = try await again.status().alarms.filter { $0.kind == "storage" }
    #expect(storage.contains { $0.location == nil && $0.message.contains("minute_aggregate") })
    #expect(!storage.contains { $0.location == "room-1" })
    await again.stop()
  }

  @Test func withoutRecordsActionsAreRefusedAndRoomsAreHeld() async throws {
    let directory = "/tmp/dosed-test-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // The state directory cannot be made: a file is in the way.
    _ = FileManager.default.createFile(atPath: directory + "/state", contents: Data("x".utf8))
    let daemon = try await TestDaemon.start(ward, directory: directory)
    await expectFailure(daemon, admit("P-1", at: nil), code: .unavailable, containing: "recorded")
    await expectFailure(
      daemon, wasteAdd("W-1", at: nil), code: .unavailable, containing: "recorded")
    let status = try await daemon.status()
    #expect(status.locations.first { $0.id == "room-1" }?.state == "fault")
    #expect(status.alarms.contains { $0.kind == "storage" })
    // The room's alarm says what helps here: nothing can be recorded until the records open.
    let roomAlarm = status.alarms.first { $0.kind == "storage" && $0.location == "room-1" }
    #expect(roomAlarm?.message.contains("fix the state directory") == true)
    await daemon.stop()
  }

  @Test func renamedLocationsBecomeOrphansWithAlarmsAndStayListed() async throws {
    let daemon = try await TestDaemon.start(ward)
    let directory = daemon.directory
    _ = try await daemon.send(admit("P-3", at: nil), as: RoomReply.self)
    _ = try await daemon.send(wasteAdd("W-3", at: nil), as: WasteReply.self)
    await daemon.stop(keepFiles: true)

    let renamed = try await TestDaemon.start(renamedWard, directory: directory)
    let alarms = try await renamed.status().alarms.filter { $0.kind == "orphan" }
    let roomAlarm = try #require(alarms.first { $0.location == "room-1" })
    #expect(roomAlarm.message.contains("P-3"))
    #expect(alarms.contains { $0.location == "store-1" && $0.message.contains("W-3") })
    let packages = try await renamed.send(
      WasteRequest(id: .number(1), command: .wasteList), as: WasteListReply.self
    ).packages
    #expect(packages.map(\.state) == ["orphan"])
    await expectFailure(
      renamed, WasteRequest(id: .number(2), command: .wasteRelease, package: "W-3"),
      code: .refused, containing: "not in the configuration")
    await renamed.stop(keepFiles: true)

    // Configured again: the patient is back in the room, and the alarms are gone.

    let restored = try await TestDaemon.start(ward, directory: directory)
    let room = try await restored.send(
      RoomRequest(id: .number(3), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(room.patient?.reference == "P-3")
    #expect(try await restored.status().alarms.filter { $0.kind == "orphan" }.isEmpty)
    await restored.stop()
  }

  @Test func aRenameIsFollowedByAnExplicitMoveOfTheRoomAndItsPackages() async throws {
    let daemon = try await TestDaemon.start(ward)
    let directory = daemon.directory
    _ = try await daemon.send(admit("P-4", at: nil), as: RoomReply.self)
    _ = try await daemon.send(wasteAdd("W-4", at: nil), as: WasteReply.self)
    await daemon.stop(keepFiles: true)

    let renamed = try await TestDaemon.start(renamedWard, directory: directory)
    // Nothing moves by itself: the new room is clear and the package is an orphan.
    let empty = try await renamed.send(
      RoomRequest(id: .number(1), command: .roomShow, room: "room-A"), as: RoomReply.self
    ).room
    #expect(empty.occupancy == "clear")
    await expectFailure(
      renamed, RoomMoveRequest(id: .number(2), room: "room-A", to: "room-A"), code: .refused,
      containing: "configured")
    let moved = try await renamed.send(
      RoomMoveRequest(id: .number(3), room: "room-1", to: "room-A"), as: RoomReply.self
    ).room
    #expect(moved.occupancy == "occupied")
    #expect(moved.patient?.reference == "P-4")
    let package = try await renamed.send(
      WasteMoveRequest(id: .number(4), package: "W-4", store: "store-A"), as: WasteReply.self
    ).package
    #expect(package.store == "store-A")
    #expect(package.state != "orphan")
    try await eventually("the orphan alarms clear") {
      try await renamed.status().alarms.filter { $0.kind == "orphan" }.isEmpty
    }
    let events = try await renamed.send(
      EventsRequest(id: .number(5), location: "room-A"), as: EventsReply.self
    ).events
    #expect(events.contains { $0.kind == "room_move" && $0.actor != nil })
    await renamed.stop(keepFiles: true)

    // The move is recorded: after a restart the patient is in room-A, nothing is orphaned.
    let again = try await TestDaemon.start(renamedWard, directory: directory)
    let room = try await again.send(
      RoomRequest(id: .number(6), command: .roomShow, room: "room-A"), as: RoomReply.self
    ).room
    #expect(room.patient?.reference == "P-4")
    #expect(try await again.status().alarms.filter { $0.kind == "orphan" }.isEmpty)
    await again.stop()
  }
}

private func admit(_ patient: String, at: Date?) -> RoomAdmitRequest {
  RoomAdmitRequest(
    id: .number(1), room: "room-1", patient: patient, nuclide: "Lu-177", activityBq: 7.4e9, at: at)
}

private func wasteAdd(_ package: String, at: Date?) -> WasteAddRequest {
  WasteAddRequest(
    id: .number(2), package: package, store: "store-1", activitiesBq: ["Lu-177": 5e7], massG: nil,
    at: at, surfaceUSvH: nil, route: "nca")
}

/// Sends `request` and expects an error reply with `code` whose message contains `fragment`.
private func expectFailure(
  _ daemon: TestDaemon, _ request: some Encodable & Sendable, code: ErrorCode,
  containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) async {
  do {
    let line = try await daemon.talk { try $0.request(request) }
    guard WireCoding.messageClass(of: line) == "error" else {
      Issue.record(
        "expected \(code.rawValue), but the request succeeded", sourceLocation: sourceLocation)
      return
    }
    let reply = try WireCoding.decoder().decode(ErrorReply.self, from: line)
    #expect(reply.code == code, "\(reply.message)", sourceLocation: sourceLocation)
    #expect(reply.message.contains(fragment), "\(reply.message)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
  }
}
