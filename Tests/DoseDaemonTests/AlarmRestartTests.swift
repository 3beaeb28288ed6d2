import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

@Suite(.serialized, .stopsDaemons) struct AlarmRestartTests {
  /// An acknowledged alarm that is still active after a restart is the same occurrence: same
  /// `since`, same acknowledgement; the records hold one raise, not two.
  @Test func acknowledgedAlarmsContinueAcrossARestart() async throws {
    let daemon = try await TestDaemon.start(alarmingWard, timeScale: 60)
    let directory = daemon.directory
    try await eventually("the dose alarm is raised") {
      try await daemon.status().alarms.contains { $0.alarmID == "dose:room:alarm" }
    }
    let acknowledged = try await daemon.send(
      AlarmAckRequest(id: .number(1), alarm: "dose:room:alarm", note: "known patient"),
      as: AlarmsReply.self
    ).alarms.first { $0.alarmID == "dose:room:alarm" }
    let before = try #require(acknowledged)
    #expect(before.acknowledged?.note == "known patient")

    await daemon.stop(keepFiles: true)
    // The restart on a manual clock: a restored alarm not raised again within its grace
    // (300 s of clock time, 5 s of real time at 60×) counts as cleared, and a slow start on a
    // loaded machine must not decide that.
    let restarted = try await TestDaemon.start(
      alarmingWard, timeScale: 60, manualTime: true, directory: directory)
    try await restarted.advance("the alarm back after the restart", step: 15, limit: 240) {
      try await restarted.status().alarms.contains { $0.alarmID == "dose:room:alarm" }
    }
    let after = try #require(
      try await restarted.status().alarms.first { $0.alarmID == "dose:room:alarm" })
    #expect(after.since == before.since)
    #expect(after.acknowledged?.note == "known patient")
    #expect(after.acknowledged?.uid == before.acknowledged?.uid)
    let events = try await restarted.send(EventsRequest(id: .number(2)), as: EventsReply.self)
      .events
    #expect(
      events.filter { $0.kind == "alarm" && $0.location == "room" && $0.level == "alarm" }.count
        == 1)
  }
}
