import DoseNotify
import DoseProtocol
import Foundation
import Testing

/// The notifier's rules on a hand-driven clock: `now` is whatever the test says.
@Suite struct NotifierCoreTests {
  static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

  /// `watchdog: false` for tests of escalation alone, which look at dosed rarely.
  static func config(escalateAfter: Double? = 300, watchdog: Bool = true) -> NotifyConfig {
    var config = NotifyConfig(ward: "ward-7")
    if !watchdog {
      config.staleAfterSeconds = 1e9
      config.unmonitoredAfterSeconds = 1e9
    }
    var beacon = ActionConfig(name: "beacon", kind: .exec)
    beacon.command = ["/bin/true"]
    var pager = ActionConfig(name: "pager", kind: .exec)
    pager.command = ["/bin/true"]
    var quiet = ActionConfig(name: "quiet", kind: .exec)
    quiet.command = ["/bin/true"]
    quiet.events = [.unmonitored, .monitored]
    config.actions = [beacon, pager, quiet]
    if let escalateAfter {
      config.escalation = [EscalationTier(afterSeconds: escalateAfter, actions: ["pager"])]
    }
    return config
  }

  static func alarm(
    _ id: String, kind: String = "dose", since: Double = 0, test: Bool = false,
    ackBy user: String? = nil
  ) -> AlarmView {
    AlarmView(
      id: id, kind: kind, level: "alarm", location: "room-1", detector: "r1",
      message: "\(id) message", since: t0.addingTimeInterval(since), test: test,
      acknowledged: user.map {
        AcknowledgementStatus(user: $0, uid: 1000, at: t0.addingTimeInterval(10), note: "seen")
      })
  }

  /// A snapshot made at `at` seconds (its `time` advances with it, as a live dosed's does).
  static func snapshot(_ alarms: [AlarmView], at: Double, uptime: Double? = nil) -> SnapshotView {
    SnapshotView(
      time: t0.addingTimeInterval(at), uptimeSeconds: uptime ?? at + 100, alarms: alarms)
  }

  func summary(_ deliveries: [NotifierCore.Delivery]) -> [String] {
    deliveries.map {
      "\($0.action) \($0.event.event.rawValue) \($0.event.alarmID)"
        + ($0.event.escalation.map { " tier\($0)" } ?? "")
    }
  }

  @Test func anAlarmIsDeliveredOncePerOccurrence() {
    var core = NotifierCore(config: Self.config(), now: 0)
    #expect(core.snapshot(Self.snapshot([], at: 0), now: 0, wall: Self.t0).isEmpty)
    let raised = core.snapshot(
      Self.snapshot([Self.alarm("dose:room-1:alarm")], at: 1), now: 1, wall: Self.t0)
    #expect(summary(raised) == ["beacon alarm dose:room-1:alarm"])
    #expect(raised.first?.event.time == Self.t0)
    #expect(raised.first?.event.location == "room-1")
    // The same alarm in the next snapshots is not news.
    for second in 2...5 {
      let again = core.snapshot(
        Self.snapshot([Self.alarm("dose:room-1:alarm")], at: Double(second)),
        now: Double(second), wall: Self.t0)
      #expect(again.isEmpty)
    }
    // Cleared and back between two looks: a new occurrence (a new `since`).
    let recurred = core.snapshot(
      Self.snapshot([Self.alarm("dose:room-1:alarm", since: 5)], at: 6), now: 6, wall: Self.t0)
    #expect(
      summary(recurred) == ["beacon clear dose:room-1:alarm", "beacon alarm dose:room-1:alarm"])
    let cleared = core.snapshot(Self.snapshot([], at: 7), now: 7, wall: Self.t0)
    #expect(summary(cleared) == ["beacon clear dose:room-1:alarm"])
  }

  @Test func faultsAndTestAlarmsHaveTheirOwnEvents() {
    var core = NotifierCore(config: Self.config(), now: 0)
    let raised = core.snapshot(
      Self.snapshot(
        [Self.alarm("fault:r1", kind: "fault"), Self.alarm("test:room-1", kind: "test", since: 1)],
        at: 1), now: 1, wall: Self.t0)
    #expect(summary(raised) == ["beacon fault fault:r1", "beacon test test:room-1"])
    #expect(raised[1].event.test)
    #expect(raised[1].event.environment["DOSED_TEST"] == "1")
    #expect(raised[0].event.environment["DOSED_TEST"] == nil)
  }

  @Test func escalationGoesToTheNextTierUnlessAcknowledged() {
    var core = NotifierCore(config: Self.config(escalateAfter: 300, watchdog: false), now: 0)
    _ = core.snapshot(Self.snapshot([], at: 0), now: 0, wall: Self.t0)
    _ = core.snapshot(
      Self.snapshot([Self.alarm("dose:room-1:alarm")], at: 1), now: 1, wall: Self.t0)
    _ = core.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault")], at: 1), now: 1, wall: Self.t0)
    // The book now holds only the fault (the dose alarm cleared); escalate the fault.
    var ticks: [NotifierCore.Delivery] = []
    for second in stride(from: 2.0, through: 299.0, by: 1) {
      ticks += core.snapshot(
        Self.snapshot([Self.alarm("fault:r1", kind: "fault")], at: second), now: second,
        wall: Self.t0)
      ticks += core.tick(now: second, wall: Self.t0)
    }
    #expect(ticks.isEmpty)
    let escalated = core.tick(now: 301, wall: Self.t0)
    #expect(summary(escalated) == ["pager fault fault:r1 tier1"])
    #expect(core.tick(now: 400, wall: Self.t0).isEmpty)
    // The pager that was woken also hears the ack, with who, and the clear.
    let acked = core.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault", ackBy: "rso")], at: 401), now: 401,
      wall: Self.t0)
    #expect(summary(acked) == ["beacon ack fault:r1", "pager ack fault:r1"])
    #expect(acked.first?.event.environment["DOSED_ACK_USER"] == "rso")
    let cleared = core.snapshot(Self.snapshot([], at: 402), now: 402, wall: Self.t0)
    #expect(summary(cleared) == ["beacon clear fault:r1", "pager clear fault:r1"])
  }

  @Test func anAcknowledgementStopsEscalation() {
    var core = NotifierCore(config: Self.config(escalateAfter: 60, watchdog: false), now: 0)
    _ = core.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault")], at: 0), now: 0, wall: Self.t0)
    let acked = core.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault", ackBy: "nurse")], at: 30), now: 30,
      wall: Self.t0)
    #expect(summary(acked) == ["beacon ack fault:r1"])
    #expect(core.tick(now: 61, wall: Self.t0).isEmpty)
    #expect(core.tick(now: 10_000, wall: Self.t0).isEmpty)
    // The pager was never woken, so it hears nothing of the clear either.
    #expect(
      summary(core.snapshot(Self.snapshot([], at: 10_001), now: 10_001, wall: Self.t0)) == [
        "beacon clear fault:r1"
      ])
  }

  @Test func anAckSeenOnTheWatchStreamIsToldOnceWithWho() {
    var core = NotifierCore(config: Self.config(), now: 0)
    _ = core.snapshot(
      Self.snapshot([Self.alarm("test:room-1", kind: "test", test: true)], at: 0), now: 0,
      wall: Self.t0)
    let ack = AcknowledgementStatus(user: "rso", uid: 0, at: Self.t0, note: "quarterly test")
    let acked = core.watchAcknowledgement(id: "test:room-1", by: ack)
    #expect(summary(acked) == ["beacon ack test:room-1"])
    #expect(acked.first?.event.test == true)
    #expect(acked.first?.event.acknowledged?.note == "quarterly test")
    #expect(core.watchAcknowledgement(id: "test:room-1", by: ack).isEmpty)
    // A test alarm's ack clears it: the next status has it gone, and no second ack is told.
    let after = core.snapshot(Self.snapshot([], at: 1), now: 1, wall: Self.t0)
    #expect(summary(after) == ["beacon clear test:room-1"])
  }

  /// A late `alarm_ack` line about an occurrence that has cleared and come back does not
  /// silence the new one.
  @Test func aLateAckDoesNotSilenceTheNextOccurrence() {
    var core = NotifierCore(config: Self.config(watchdog: false), now: 0)
    _ = core.snapshot(
      Self.snapshot([Self.alarm("dose:room-1:alarm", since: 100)], at: 100), now: 100,
      wall: Self.t0)
    let old = AcknowledgementStatus(
      user: "rso", uid: 0, at: Self.t0.addingTimeInterval(50), note: nil)
    #expect(core.watchAcknowledgement(id: "dose:room-1:alarm", by: old).isEmpty)
    let escalated = core.tick(now: 401, wall: Self.t0)
    #expect(summary(escalated) == ["pager alarm dose:room-1:alarm tier1"])
  }

  /// Every event carries the ward as it is after it, door by door, so that a beacon set from
  /// it is never switched off by news about another alarm.
  @Test func everyEventCarriesEveryDoorsState() {
    var core = NotifierCore(config: Self.config(watchdog: false), now: 0)
    let locations = [
      SnapshotView.LocationView(id: "room-1", detectors: ["r1"]),
      SnapshotView.LocationView(id: "room-2", detectors: ["r2", "shared"]),
      SnapshotView.LocationView(id: "store", detectors: ["shared"]),
    ]
    func snapshot(_ alarms: [AlarmView], at: Double) -> SnapshotView {
      SnapshotView(
        time: Self.t0.addingTimeInterval(at), uptimeSeconds: at + 100, alarms: alarms,
        locations: locations)
    }
    var fault = Self.alarm("fault:shared", kind: "fault")
    fault.location = nil
    fault.detector = "shared"
    var warn = Self.alarm("dose:room-1:warn")
    warn.level = "warn"
    let raised = core.snapshot(snapshot([warn, fault], at: 1), now: 1, wall: Self.t0)
    #expect(raised.count == 2)
    #expect(
      raised.allSatisfy {
        $0.event.active == ["room-1": "warn", "room-2": "alarm", "store": "alarm"]
      })
    #expect(
      raised.first?.event.environment["DOSED_ACTIVE"]
        == "room-1=warn room-2=alarm store=alarm")
    // The fault clears while the warning goes on: the clear says room-1 is still amber.
    let cleared = core.snapshot(snapshot([warn], at: 2), now: 2, wall: Self.t0)
    #expect(summary(cleared) == ["beacon clear fault:shared"])
    #expect(cleared.first?.event.active == ["room-1": "warn"])
    #expect(
      String(decoding: cleared.first!.event.jsonLine(), as: UTF8.self).contains(
        #""active":{"room-1":"warn"}"#))
    // Acknowledged: steady; and while the ward is unwatched, every door says so.
    var acked = warn
    acked.acknowledged = AcknowledgementStatus(user: "rso", uid: 0, at: Self.t0, note: nil)
    #expect(
      core.snapshot(snapshot([acked], at: 3), now: 3, wall: Self.t0).first?.event.active == [
        "room-1": "ack"
      ])
    _ = core.failed("refused", now: 1e10, wall: Self.t0)
    var lost: [NotifierCore.Delivery] = []
    lost = core.failed("refused", now: 1e10 + 1e9 + 1, wall: Self.t0)
    lost += core.tick(now: 2e10, wall: Self.t0)
    #expect(
      Set(lost.map(\.event.active)) == [
        ["room-1": "unmonitored", "room-2": "unmonitored", "store": "unmonitored"]
      ])
  }

  /// A restart of the notifier: what the last run told comes back from its memory. An alarm
  /// that cleared meanwhile is told as cleared (to the pager it was escalated to as well); one
  /// still active is told again; the last run's `unmonitored` ends with `monitored`.
  @Test func aRestartTellsWhatClearedWhileTheNotifierWasAway() throws {
    var first = NotifierCore(config: Self.config(escalateAfter: 300, watchdog: false), now: 0)
    _ = first.snapshot(
      Self.snapshot(
        [Self.alarm("fault:r1", kind: "fault"), Self.alarm("dose:room-1:alarm")], at: 1),
      now: 1, wall: Self.t0)
    #expect(summary(first.tick(now: 301, wall: Self.t0)).count == 2)
    let memory = first.memory
    #expect(memory.told.map(\.id) == ["dose:room-1:alarm", "fault:r1"])
    #expect(memory.escalated == ["dose:room-1:alarm": ["pager"], "fault:r1": ["pager"]])
    // Through the file, as the service keeps it.
    let directory = try ScratchDirectory("memory")
    try memory.save(path: directory.path + "/told.json")
    let loaded = try #require(try NotifierMemory.load(path: directory.path + "/told.json"))
    #expect(loaded == memory)

    var second = NotifierCore(
      config: Self.config(escalateAfter: 300, watchdog: false), now: 0, memory: loaded)
    let back = second.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault")], at: 500), now: 1, wall: Self.t0)
    #expect(
      summary(back) == [
        "beacon clear dose:room-1:alarm", "pager clear dose:room-1:alarm", "beacon fault fault:r1",
      ])
    // Told once: the next snapshot is quiet.
    #expect(
      second.snapshot(
        Self.snapshot([Self.alarm("fault:r1", kind: "fault")], at: 501), now: 2, wall: Self.t0
      ).isEmpty)

    // The last run had lost dosed: this one says when it is back.
    var lost = NotifierCore(config: Self.config(escalateAfter: 300), now: 0)
    _ = lost.snapshot(Self.snapshot([], at: 0), now: 0, wall: Self.t0)
    _ = lost.failed("connection refused", now: 1, wall: Self.t0)
    #expect(!summary(lost.failed("connection refused", now: 4, wall: Self.t0)).isEmpty)
    #expect(lost.memory.unmonitored != nil)
    var restarted = NotifierCore(
      config: Self.config(escalateAfter: 300), now: 0, memory: lost.memory)
    #expect(
      summary(restarted.snapshot(Self.snapshot([], at: 600), now: 1, wall: Self.t0)) == [
        "beacon monitored unmonitored", "quiet monitored unmonitored",
      ])
    #expect(try NotifierMemory.load(path: directory.path + "/none.json") == nil)
  }

  /// What an earlier run's actions had not delivered (a beacon or pager down when it
  /// stopped) is sent at the first snapshot, before anything new and with today's door states:
  /// a clear and a page still owed. The first-tier raise and an ack of an alarm still active
  /// are not (they are told again anyway); an action no longer configured gets nothing.
  @Test func eventsAnEarlierRunOwedAreSentFirst() throws {
    let config = Self.config(escalateAfter: 300, watchdog: false)
    let gone = Self.alarm("dose:room-2:alarm", since: -50)
    let active = Self.alarm("dose:room-1:alarm")
    func event(_ kind: NotifyEventKind, _ alarm: AlarmView, tier: Int? = nil) -> NotifyEvent {
      var event = NotifyEvent(event: kind, time: Self.t0, ward: "ward-7", alarm: alarm)
      event.escalation = tier
      event.active = ["room-9": "alarm"]
      event.dropped = 3
      return event
    }
    let memory = NotifierMemory(
      told: [active], escalated: [active.id: ["pager"]], unmonitored: nil,
      owed: [
        "beacon": [event(.alarm, gone), event(.clear, gone), event(.alarm, active)],
        "pager": [event(.alarm, active, tier: 1), event(.ack, active)],
        "removed-action": [event(.clear, gone)],
      ])
    var core = NotifierCore(config: config, now: 0, memory: memory)
    // Until dosed answers, a further restart still owes them.
    #expect(core.memory.owed == memory.owed)
    let first = core.snapshot(Self.snapshot([active], at: 1), now: 1, wall: Self.t0)
    #expect(
      summary(first) == [
        "beacon alarm dose:room-2:alarm", "beacon clear dose:room-2:alarm",
        "pager alarm dose:room-1:alarm tier1", "beacon alarm dose:room-1:alarm",
      ])
    // Stamped with the doors as they are now, not as they were; drop counts are the action's.
    #expect(first.allSatisfy { $0.event.active == ["room-1": "alarm"] })
    #expect(first.allSatisfy { $0.event.dropped == nil })
    #expect(core.memory.owed == nil)
    #expect(core.snapshot(Self.snapshot([active], at: 2), now: 2, wall: Self.t0).isEmpty)
  }

  /// An alarm paged to the RSO and acknowledged while the notifier was stopped: the pager
  /// hears the ack and the clear after the restart (its escalation entry is kept, stopped).
  /// Before, only unacknowledged alarms kept one, and the pager never heard the end.
  @Test func aPagerHearsTheAckAndClearOfAnAlarmAcknowledgedWhileAway() {
    let config = Self.config(escalateAfter: 300, watchdog: false)
    let alarm = Self.alarm("dose:room-1:alarm")
    let memory = NotifierMemory(told: [alarm], escalated: [alarm.id: ["pager"]], unmonitored: nil)
    var core = NotifierCore(config: config, now: 0, memory: memory)
    let acked = Self.alarm("dose:room-1:alarm", ackBy: "rso")
    let back = core.snapshot(Self.snapshot([acked], at: 1), now: 1, wall: Self.t0)
    #expect(
      summary(back) == [
        "beacon alarm dose:room-1:alarm", "beacon ack dose:room-1:alarm",
        "pager ack dose:room-1:alarm",
      ])
    // Acknowledged: no tier fires again.
    #expect(core.tick(now: 1000, wall: Self.t0).isEmpty)
    let cleared = core.snapshot(Self.snapshot([], at: 2), now: 2, wall: Self.t0)
    #expect(
      summary(cleared) == ["beacon clear dose:room-1:alarm", "pager clear dose:room-1:alarm"])
  }

  /// A page the earlier run owed for an alarm still active goes out at once, and its tier does
  /// not fire again after `after_s`; one for an alarm acknowledged meanwhile is not sent (the
  /// RSO is not woken for it) but the pager hears the ack.
  @Test func anOwedPageIsSentOnceAndNotForAnAcknowledgedAlarm() {
    let config = Self.config(escalateAfter: 300, watchdog: false)
    let alarm = Self.alarm("dose:room-1:alarm")
    var page = NotifyEvent(event: .alarm, time: Self.t0, ward: "ward-7", alarm: alarm)
    page.escalation = 1
    let memory = NotifierMemory(
      told: [alarm], escalated: [alarm.id: ["pager"]], unmonitored: nil, owed: ["pager": [page]])
    var core = NotifierCore(config: config, now: 0, memory: memory)
    let back = core.snapshot(Self.snapshot([alarm], at: 1), now: 1, wall: Self.t0)
    #expect(
      summary(back) == ["pager alarm dose:room-1:alarm tier1", "beacon alarm dose:room-1:alarm"])
    #expect(core.tick(now: 1000, wall: Self.t0).isEmpty)

    var acknowledged = NotifierCore(config: config, now: 0, memory: memory)
    let acked = Self.alarm("dose:room-1:alarm", ackBy: "rso")
    let quiet = acknowledged.snapshot(Self.snapshot([acked], at: 1), now: 1, wall: Self.t0)
    #expect(
      summary(quiet) == [
        "beacon alarm dose:room-1:alarm", "beacon ack dose:room-1:alarm",
        "pager ack dose:room-1:alarm",
      ])
  }

  /// dosed does not answer after a restart: the clears (and the notifier's own events) owed
  /// go out with `unmonitored`, without waiting for dosed; the raises wait for its list.
  @Test func owedClearsDoNotWaitForDosed() {
    let config = Self.config(escalateAfter: 300)
    let gone = Self.alarm("dose:room-2:alarm", since: -50)
    let memory = NotifierMemory(
      told: [], escalated: [:], unmonitored: nil,
      owed: [
        "beacon": [
          NotifyEvent(event: .alarm, time: Self.t0, ward: "ward-7", alarm: gone),
          NotifyEvent(event: .clear, time: Self.t0, ward: "ward-7", alarm: gone),
        ]
      ])
    var core = NotifierCore(config: config, now: 0, memory: memory)
    var lost: [NotifierCore.Delivery] = []
    for second in 1...5 {
      lost += core.failed("connection refused", now: Double(second), wall: Self.t0)
    }
    #expect(
      summary(lost) == [
        "beacon clear dose:room-2:alarm", "beacon unmonitored unmonitored",
        "quiet unmonitored unmonitored",
      ])
    #expect(core.memory.owed?["beacon"]?.map(\.event) == [.alarm])
    let back = core.snapshot(Self.snapshot([], at: 10), now: 10, wall: Self.t0)
    #expect(
      summary(back) == [
        "beacon alarm dose:room-2:alarm", "beacon monitored unmonitored",
        "quiet monitored unmonitored",
      ])
  }

  /// A state file whose `owed` cannot be read keeps what was told.
  @Test func anUnreadableOwedListKeepsWhatWasTold() throws {
    let directory = try ScratchDirectory("memory-owed")
    let path = directory.path + "/told.json"
    let alarm = Self.alarm("dose:room-1:alarm")
    try NotifierMemory(told: [alarm], escalated: [:], unmonitored: nil).save(path: path)
    var json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        as? [String: Any])
    json["owed"] = ["beacon": [["event": "no-such-event"]]]
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    let loaded = try #require(try NotifierMemory.load(path: path))
    #expect(loaded.told == [alarm])
    #expect(loaded.owed == nil)
  }

  @Test func unreachableDosedIsUnmonitoredThenMonitored() {
    var core = NotifierCore(config: Self.config(escalateAfter: 300), now: 0)
    _ = core.snapshot(Self.snapshot([], at: 0), now: 0, wall: Self.t0)
    #expect(core.failed("connection refused", now: 1, wall: Self.t0).isEmpty)
    #expect(core.tick(now: 3.5, wall: Self.t0).isEmpty)
    let lost = core.failed("connection refused", now: 4, wall: Self.t0)
    #expect(summary(lost) == ["beacon unmonitored unmonitored", "quiet unmonitored unmonitored"])
    #expect(lost.first?.event.message.contains("connection refused") == true)
    #expect(core.failed("connection refused", now: 5, wall: Self.t0).isEmpty)
    // Unmonitored is an alarm: it escalates like one.
    #expect(summary(core.tick(now: 305, wall: Self.t0)) == ["pager unmonitored unmonitored tier1"])
    // Back, with an alarm raised while it was away: monitored first, then the alarm.
    let back = core.snapshot(
      Self.snapshot([Self.alarm("fault:r1", kind: "fault", since: 2)], at: 306, uptime: 3),
      now: 306, wall: Self.t0)
    #expect(
      summary(back) == [
        "beacon monitored unmonitored", "quiet monitored unmonitored",
        "pager monitored unmonitored", "beacon fault fault:r1",
      ])
  }

  @Test func aSnapshotThatStopsAdvancingIsUnmonitored() {
    var core = NotifierCore(config: Self.config(), now: 0)
    let frozen = Self.snapshot([], at: 0)
    _ = core.snapshot(frozen, now: 0, wall: Self.t0)
    for second in 1...4 {
      #expect(core.snapshot(frozen, now: Double(second), wall: Self.t0).isEmpty)
    }
    let stuck = core.snapshot(frozen, now: 5, wall: Self.t0)
    #expect(summary(stuck).contains("beacon unmonitored unmonitored"))
    #expect(stuck.first?.event.message.contains("has not advanced") == true)
    let moving = core.snapshot(Self.snapshot([], at: 6), now: 6, wall: Self.t0)
    #expect(summary(moving).contains("beacon monitored unmonitored"))
  }

  /// A hung dosed (SIGSTOP) answers nothing: the failure is known only when a reply times out,
  /// but the snapshot went stale before that, and that alone is `unmonitored` at 5 s.
  @Test func aHungDosedIsUnmonitoredWhenItsSnapshotGoesStale() {
    var core = NotifierCore(config: Self.config(), now: 0)
    _ = core.snapshot(Self.snapshot([], at: 0), now: 0, wall: Self.t0)
    #expect(core.failed("no reply within 3 s", now: 4, wall: Self.t0).isEmpty)
    let lost = core.tick(now: 5.1, wall: Self.t0)
    #expect(summary(lost) == ["beacon unmonitored unmonitored", "quiet unmonitored unmonitored"])
    #expect(lost.first?.event.message.contains("does not answer (no reply within 3 s)") == true)
  }

  @Test func aDosedNeverReachedIsUnmonitored() {
    var core = NotifierCore(config: Self.config(), now: 0)
    #expect(core.tick(now: 2.9, wall: Self.t0).isEmpty)
    #expect(summary(core.tick(now: 3, wall: Self.t0)).contains("beacon unmonitored unmonitored"))
  }

  @Test func theFirstContactIsNotNews() {
    var core = NotifierCore(config: Self.config(), now: 0)
    #expect(core.snapshot(Self.snapshot([], at: 0), now: 0.5, wall: Self.t0).isEmpty)
    #expect(core.tick(now: 1, wall: Self.t0).isEmpty)
    #expect(core.isMonitored)
  }
}
