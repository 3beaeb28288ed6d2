import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// The alarm chain test (`alarm_test`) and the alarm news on `watch` that notifiers follow.
@Suite(.serialized, .stopsDaemons) struct AlarmChainTests {
  /// A test alarm is an alarm marked `test` on the wire, in the records and on `watch`; it
  /// neither masks nor acknowledges the room's real alarm, and its acknowledgement ends it.
  @Test func aTestAlarmTravelsAsATestAndNeverTouchesARealOne() async throws {
    // On a manual clock: the room's state is compared before and during the test, and on
    // scaled wall time a loaded machine could let the detector go stale in between.
    let daemon = try await TestDaemon.start(alarmingWard, timeScale: 60, manualTime: true)
    try await daemon.advance("the real dose alarm raised", step: 15, limit: 1800) {
      try await daemon.status().alarms.contains { $0.alarmID == "dose:room:alarm" }
    }
    // A watcher, as dosed-notify would be, collecting alarm news until the test has ended.
    let path = daemon.socketPath
    let watching = Task {
      try await offPool { () -> [WatchEvent] in
        // Long: on the manual clock nothing is sent while the test makes its requests.
        let client = try DoseClient(path: path, timeout: 300)
        try client.send(Request(id: .number(9), cmd: "watch"))
        var news: [WatchEvent] = []
        while let line = try client.readLine() {
          guard WireCoding.messageClass(of: line) == "event",
            let event = try? WireCoding.decoder().decode(WatchEvent.self, from: line),
            event.alarmID != nil
          else { continue }
          news.append(event)
          if event.event == "alarm_cleared", event.alarmID == "test:room" { break }
        }
        return news
      }
    }
    try await eventually("the watcher is subscribed") {
      await daemon.service.engine.watcherCount > 0
    }
    let before = try await daemon.status()
    let raised = try await daemon.send(
      AlarmTestRequest(id: .number(1), location: "room", note: "quarterly chain test"),
      as: AlarmsReply.self)
    let test = try #require(raised.alarms.first { $0.alarmID == "test:room" })
    #expect(test.test == true)
    #expect(test.kind == "test")
    #expect(test.level == "alarm")
    #expect(test.location == "room")
    #expect(test.message.contains("not a real alarm"))
    // The real alarm and the room are as they were.
    let during = try await daemon.status()
    #expect(
      during.alarms.first { $0.alarmID == "dose:room:alarm" }?.since
        == before.alarms.first { $0.alarmID == "dose:room:alarm" }?.since)
    #expect(during.locations.map(\.state) == before.locations.map(\.state))
    #expect(during.alarms.filter { $0.test == true }.map(\.alarmID) == ["test:room"])
    // A second test at the same place is refused while the first is active.
    let again = try await daemon.talk {
      try $0.request(AlarmTestRequest(id: .number(2), location: "room"))
    }
    #expect(WireCoding.messageClass(of: again) == "error")
    // Unknown places are refused with the known ones.
    let nowhere = try await daemon.talk {
      try $0.request(AlarmTestRequest(id: .number(3), location: "roon"))
    }
    #expect(String(decoding: nowhere, as: UTF8.self).contains("not_found"))

    _ = try await daemon.send(
      AlarmAckRequest(id: .number(4), alarm: "test:room", note: "beacon and pager rang"),
      as: AlarmsReply.self)
    try await daemon.advance("the test ended", step: 15, limit: 600) {
      try await !daemon.status().alarms.contains { $0.alarmID == "test:room" }
    }
    let after = try await daemon.status()
    let real = try #require(after.alarms.first { $0.alarmID == "dose:room:alarm" })
    #expect(real.acknowledged == nil)

    let news = try await watching.value.filter { $0.alarmID == "test:room" }
    #expect(news.map(\.event) == ["alarm", "alarm_ack", "alarm_cleared"])
    #expect(news.allSatisfy { $0.test == true && $0.kind == "test" && $0.location == "room" })
    #expect(news[1].acknowledged?.note == "beacon and pager rang")

    let events = try await daemon.send(EventsRequest(id: .number(5)), as: EventsReply.self).events
      .filter { $0.message.contains("chain test") || $0.message.contains("test:room") }
    #expect(events.map(\.kind) == ["alarm_test", "alarm", "alarm_ack", "alarm_cleared"])
    #expect(events.first?.actor?.uid == getuid())
  }
}
