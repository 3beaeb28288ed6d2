import Testing

@testable import DoseCore

/// warn 10 µSv/h, alarm 20 µSv/h, hysteresis 10 %: warn holds while the upper bound is ≥ 9,
/// alarm while it is ≥ 18 (hand: threshold·(1 − 0.1)).
private func makeTracker() -> DoseAlarmTracker {
  DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20, hysteresis: 0.1)
}

@Test("Levels are ordered none < warn < alarm")
func levelOrder() {
  #expect(AlarmLevel.none < .warn)
  #expect(AlarmLevel.warn < .alarm)
  #expect(AlarmLevel.none < .alarm)
  #expect(AlarmLevel.allCases.max() == .alarm)
  let tracker = makeTracker()
  #expect(tracker.threshold(for: .none) == nil)
  #expect(tracker.threshold(for: .warn) == 10)
  #expect(tracker.threshold(for: .alarm) == 20)
  #expect(tracker.level == AlarmLevel.none)
}

@Test("Raised when the point estimate reaches the threshold, not on the upper bound alone")
func raiseAtPointEstimate() {
  var tracker = makeTracker()
  #expect(tracker.update(doseRate: 9.99, interval: 8...12) == AlarmLevel.none)
  #expect(tracker.update(doseRate: 5, interval: 2...25) == AlarmLevel.none)
  #expect(tracker.update(doseRate: 10, interval: 8...12) == .warn)
  #expect(tracker.level == .warn)
  #expect(tracker.update(doseRate: 20, interval: 18...22) == .alarm)
}

@Test("Straight from none to alarm")
func noneToAlarm() {
  var tracker = makeTracker()
  #expect(tracker.update(doseRate: 50, interval: 45...55) == .alarm)
}

@Test("Warn holds while the upper bound is ≥ warn·(1 − h), and drops after")
func warnHysteresis() {
  var tracker = makeTracker()
  tracker.update(doseRate: 11, interval: 9...13)
  #expect(tracker.level == .warn)
  #expect(tracker.update(doseRate: 8, interval: 6...9.5) == .warn)
  #expect(tracker.update(doseRate: 8, interval: 6...9.0) == .warn)  // boundary: 9 ≥ 9
  #expect(tracker.update(doseRate: 8, interval: 6...8.99) == AlarmLevel.none)
  // Once dropped, an upper bound above 9 alone does not bring it back.
  #expect(tracker.update(doseRate: 8, interval: 6...9.5) == AlarmLevel.none)
}

@Test("Alarm holds while the upper bound is ≥ alarm·(1 − h), then steps down through warn")
func alarmHysteresis() {
  var tracker = makeTracker()
  tracker.update(doseRate: 25, interval: 22...28)
  #expect(tracker.level == .alarm)
  #expect(tracker.update(doseRate: 15, interval: 12...18.5) == .alarm)
  #expect(tracker.update(doseRate: 15, interval: 12...17.9) == .warn)
  #expect(tracker.update(doseRate: 5, interval: 3...8) == AlarmLevel.none)
}

@Test("Alarm drops straight to none when the upper bound is below both hold levels")
func alarmToNone() {
  var tracker = makeTracker()
  tracker.update(doseRate: 25, interval: 22...28)
  #expect(tracker.update(doseRate: 1, interval: 0.5...2) == AlarmLevel.none)
}

@Test("Hysteresis 0 drops as soon as the upper bound is below the threshold")
func zeroHysteresis() {
  var tracker = DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20, hysteresis: 0)
  tracker.update(doseRate: 10, interval: 9...11)
  #expect(tracker.update(doseRate: 9, interval: 8...10) == .warn)
  #expect(tracker.update(doseRate: 9, interval: 8...9.99) == AlarmLevel.none)
}
