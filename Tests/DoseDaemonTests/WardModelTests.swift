import DetectorDrivers
import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// The ward model on its own: no actor, no clock, no records. Time is whatever the test says.
@Suite struct WardModelTests {
  let config: DaemonConfig
  let start = Date(timeIntervalSince1970: 1_796_000_000)

  init() throws {
    config = try ConfigLoader.parse(alarmingWard, path: "t.toml")
  }

  func now(_ seconds: Double) -> DoseClock.Now {
    DoseClock.Now(monotonicSeconds: seconds, wallTime: start.addingTimeInterval(seconds))
  }

  /// Counts a healthy SBM-20 gives in one second at `usvh`: Poisson, from a fixed seed.
  func counts(_ usvh: Double, _ rng: inout SeededGenerator) -> UInt64 {
    let sensitivity = config.detectors[0].calibration.sensitivityCpmPerUSvH
    return PoissonSampler.sample(mean: usvh * sensitivity / 60, using: &rng)
  }

  /// Feeds one reading a second from `from` to `to` (clock seconds) and evaluates after each.
  func run(
    _ ward: inout WardModel, from: Int, to: Int, usvh: Double
  ) -> (WardSnapshot, [WardEffect]) {
    var effects: [WardEffect] = []
    var rng = SeededGenerator(seed: UInt64(from + 1))
    var snapshot = WardSnapshot(time: now(Double(from)))
    for second in from..<to {
      let t = Double(second + 1)
      let reading = Reading(
        detectorID: "hot", counts: counts(usvh, &rng), intervalSeconds: 1, monotonicSeconds: t,
        wallTime: start.addingTimeInterval(t))
      effects += ward.apply(.reading(reading), at: now(t))
      let (next, more) = ward.evaluate(at: now(t), storage: StorageCondition())
      snapshot = next
      effects += more
    }
    return (snapshot, effects)
  }

  static func records(_ effects: [WardEffect], _ kind: EventKind) -> [WardRecord] {
    effects.compactMap {
      if case .record(let record) = $0, record.kind == kind { return record }
      return nil
    }
  }

  @Test func alarmKeysKeepTheirRecordedText() {
    let keys: [AlarmKey] = [
      .fault(detector: "door-1"), .dose(location: "room:2", level: .warn),
      .dose(location: "r", level: .alarm), .storage(location: nil),
      .storage(location: "store-1"), .orphan(location: "room-9"), .test(location: "room-1"),
    ]
    #expect(
      keys.map(\.id) == [
        "fault:door-1", "dose:room:2:warn", "dose:r:alarm", "storage", "storage:store-1",
        "orphan:room-9", "test:room-1",
      ])
    for key in keys { #expect(AlarmKey(id: key.id) == key) }
    for garbage in ["", "fault", "fault:", "dose:room", "dose:room:none", "smoke:room", ":x"] {
      #expect(AlarmKey(id: garbage) == nil, "\(garbage)")
    }
  }

  @Test func aStepRaisesTheAlarmAndSilenceFaultsTheDetector() throws {
    var ward = WardModel(config: config, timeScale: 1, at: start)
    let (quiet, settled) = run(&ward, from: 0, to: 60, usvh: 0.1)
    #expect(quiet.alarms.isEmpty)
    #expect(quiet.detectors.map(\.assessment.state) == [.ok])
    #expect(Self.records(settled, .detectorState).map(\.message) == ["start → ok"])

    let (hot, raised) = run(&ward, from: 60, to: 90, usvh: 50)
    let alarm = try #require(hot.alarm(.dose(location: "room", level: .alarm)))
    #expect(alarm.evidence != nil)
    #expect(alarm.detector == "hot")
    let recorded = Self.records(raised, .alarm)
    #expect(recorded.map(\.location).contains("room"))
    #expect(recorded.allSatisfy { $0.level != nil })
    #expect(
      raised.contains { if case .saveAlarm(let a) = $0 { a.key == alarm.key } else { false } })

    // No reading for longer than the staleness limit: a fault, never a quiet room.
    let stale = ward.detectors.monitors["hot"]!.settings.staleAfterSeconds
    let (silent, faulted) = ward.evaluate(at: now(90 + stale + 1), storage: StorageCondition())
    #expect(hot.detectors.map(\.assessment.state) == [.ok])
    #expect(
      silent.detectors.map(\.assessment.state) == [.stale],
      "\(silent.detectors.map(\.assessment.reason))")
    #expect(silent.alarm(.fault(detector: "hot")) != nil)
    #expect(silent.locations.map(\.state) == [.fault])
    #expect(
      Self.records(faulted, .detectorState).map(\.message).first?.hasPrefix("ok → stale") == true)
  }

  @Test func aStorageProblemIsAnAlarmThatEndsWhenItIsSolved() throws {
    var ward = WardModel(config: config, timeScale: 1, at: start)
    _ = run(&ward, from: 0, to: 10, usvh: 0.1)
    let (failing, raised) = ward.evaluate(
      at: now(11), storage: StorageCondition(problem: "disk I/O error", waiting: 3))
    let alarm = try #require(failing.alarm(.storage(location: nil)))
    #expect(alarm.message.contains("3 records wait in memory"))
    #expect(Self.records(raised, .alarm).count == 1)
    let (fine, cleared) = ward.evaluate(at: now(12), storage: StorageCondition())
    #expect(fine.alarm(.storage(location: nil)) == nil)
    #expect(Self.records(cleared, .alarmCleared).count == 1)
    #expect(cleared.contains { if case .deleteAlarm(.storage(nil)) = $0 { true } else { false } })
  }

  /// A detector that has not read yet since the start is shown stale and blocks its room, but
  /// raises no fault alarm until its staleness limit has passed: no alarm at every restart.
  /// A fault alarm active at the last stop stays raised meanwhile, as the same occurrence.
  @Test func noFaultAlarmWhileADetectorAwaitsItsFirstReading() throws {
    var ward = WardModel(config: config, timeScale: 1, at: start)
    let stale = ward.detectors.monitors["hot"]!.settings.staleAfterSeconds
    let (early, _) = ward.evaluate(at: now(stale / 2), storage: StorageCondition())
    #expect(early.detectors.map(\.assessment.state) == [.stale])
    #expect(early.detectors.first?.assessment.reason == "no reading yet")
    #expect(early.locations.map(\.state) == [.fault])
    #expect(early.alarm(.fault(detector: "hot")) == nil)
    // Still silent past the limit: now it is a fault alarm, recorded.
    let (late, raised) = ward.evaluate(at: now(stale + 1), storage: StorageCondition())
    #expect(late.alarm(.fault(detector: "hot")) != nil)
    #expect(Self.records(raised, .alarm).map(\.detector) == ["hot"])

    // After a restart with the fault alarm still active: it stays, with its `since`.
    var restarted = WardModel(config: config, timeScale: 1, at: start)
    let before = WardAlarm(
      key: .fault(detector: "hot"), level: .alarm, message: "detector stale",
      since: start.addingTimeInterval(-600))
    restarted.alarms.restore([before])
    let (kept, _) = restarted.evaluate(at: now(stale / 2), storage: StorageCondition())
    #expect(kept.alarm(.fault(detector: "hot"))?.since == before.since)
    // And a detector that reads at once raises nothing.
    var healthy = WardModel(config: config, timeScale: 1, at: start)
    let (reading, effects) = run(&healthy, from: 0, to: Int(stale) + 5, usvh: 0.1)
    #expect(reading.alarms.isEmpty)
    #expect(Self.records(effects, .alarm).isEmpty)
  }

  /// An alarm active at the last stop that does not come back within the grace period is
  /// recorded as cleared (and its row goes), instead of staying in the records for ever.
  @Test func aRestoredAlarmThatDoesNotReturnIsClearedAfterTheGrace() {
    var ward = WardModel(config: config, timeScale: 1, at: start)
    let old = WardAlarm(
      key: .dose(location: "room", level: .warn), level: .warn, message: "before the stop",
      since: start.addingTimeInterval(-600))
    ward.alarms.restore([old])
    let (_, early) = run(&ward, from: 0, to: 60, usvh: 0.1)
    #expect(Self.records(early, .alarmCleared).isEmpty)
    let grace = AlarmBook.restoredGraceSeconds
    let (_, late) = ward.evaluate(at: now(grace + 1), storage: StorageCondition())
    #expect(Self.records(late, .alarmCleared).map(\.location) == ["room"])
    #expect(late.contains { if case .deleteAlarm(old.key) = $0 { true } else { false } })
  }

  /// An acknowledgement silences its occurrence; a recurrence after the alarm cleared is new.
  @Test func anAcknowledgementBelongsToOneOccurrence() {
    var book = AlarmBook()
    let key = AlarmKey.fault(detector: "hot")
    let first = WardAlarm(
      key: key, level: .alarm, message: "stale", since: book.start(key, at: start))
    book.acknowledge(first, by: AlarmAcknowledgement(user: "rso", uid: 0, at: start, note: nil))
    #expect(book.identify([first]).first?.acknowledgement?.user == "rso")
    book.end(key)
    #expect(book.identify([]).isEmpty)
    let again = WardAlarm(
      key: key, level: .alarm, message: "stale",
      since: book.start(key, at: start.addingTimeInterval(60)))
    #expect(book.identify([again]).first?.acknowledgement == nil)
  }
}
