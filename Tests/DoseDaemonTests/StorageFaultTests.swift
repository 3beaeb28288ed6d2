import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// Issue 9 fault injection: the state directory's database stops taking writes
/// (SQLITE_READONLY, as on a read-only or failing state directory). The daemon keeps monitoring, raises a `storage` alarm, keeps the records
/// it could not write in memory, and writes them when the database recovers.
@Suite(.serialized, .stopsDaemons) struct StorageFaultTests {
  @Test func aReadOnlyDatabaseRaisesAStorageAlarmAndLosesNoRecord() async throws {
    // Staleness at 600 s of clock time (10 s real at 60×): a loaded machine's pause is not a
    // stale detector, while a ward loop stalled by the failing writes still would be.
    let ward = smallWard.replacingOccurrences(
      of: "driver = \"simulated\"\n", with: "driver = \"simulated\"\nstale_after_s = 600.0\n")
    let daemon = try await TestDaemon.start(ward, timeScale: 60)
    try await eventually("every detector reads") {
      try await daemon.status().detectors.allSatisfy { $0.state == "ok" }
    }
    let store = try #require(await daemon.service.engine.store)
    try store.refuseWrites(true)
    let outageStart = try await daemon.status().time
    // Minute records (one a real second at 60×) can no longer be written: the alarm says so.
    try await eventually("the storage alarm is raised") {
      try await daemon.status().alarms.contains {
        $0.kind == "storage" && $0.message.contains("readonly")
      }
    }
    // Monitoring goes on: readings keep coming, detectors stay ok, reads of the records work.
    let before = try await daemon.status().detectors.first { $0.id == "r1" }?.lastReadingAt
    try await eventually("readings keep coming") {
      let now = try await daemon.status().detectors.first { $0.id == "r1" }?.lastReadingAt
      return now != nil && now != before
    }
    #expect(try await daemon.status().detectors.allSatisfy { $0.state == "ok" })
    _ = try await daemon.send(EventsRequest(id: .number(1)), as: EventsReply.self)
    // An operator's action that must be recorded is refused, not silently kept in memory.
    let refused = try await daemon.talk {
      try $0.request(RoomRequest(id: .number(2), command: .roomDischarge, room: "room-1"))
    }
    #expect(WireCoding.messageClass(of: refused) == "error")
    try await Task.sleep(for: .seconds(2))
    let outageEnd = try await daemon.status().time

    try store.refuseWrites(false)
    try await eventually("the storage alarm clears") {
      try await !daemon.status().alarms.contains { $0.kind == "storage" }
    }
    let events = try await daemon.send(EventsRequest(id: .number(3)), as: EventsReply.self).events
    let recovered = try #require(events.first { $0.kind == "storage_recovered" })
    #expect(recovered.message.contains("records written late"))
    #expect(!recovered.message.contains("lost"))
    // The storage alarm itself, raised while nothing could be written, is in the records.
    #expect(events.contains { $0.kind == "alarm" && $0.message.starts(with: "storage:") })
    // So are the minutes of the outage (clock minutes: 60 a real minute at 60×).
    var request = HistoryRequest(id: .number(4), of: "r1", since: nil)
    request.lastSeconds = 3600
    let history = try await daemon.send(request, as: HistoryReply.self)
    let outage = history.points.filter {
      $0.minute >= outageStart && $0.minute.addingTimeInterval(60) <= outageEnd
    }
    #expect(outage.count >= 2, "minutes recorded for the outage: \(outage.count)")
  }
}
