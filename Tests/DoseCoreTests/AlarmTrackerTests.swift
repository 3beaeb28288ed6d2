import Testing

@testable import DoseCore

/// warn 10 µSv/h, alarm 20 µSv/h, hysteresis 10 %: warn holds while the upper bound is ≥ 9,
/// alarm while it is ≥ 18 (hand: threshold·(1 − 0.1)).
private func makeTracker() -> DoseAlarmTracker {
  DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20, hysteresis: 0.1)
}

private func cusum(_ threshold: Double) -> AlarmEvidence {
  AlarmEvidence(
    method: "cusum_fast", thresholdUSvH: threshold, statistic: 18, decisionValue: 18,
    counts: 40, windowSeconds: 3, designRatesCPS: [1, 4], detector: "d1")
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

@Test("A point estimate above the threshold alone raises nothing; the lower bound does")
func raiseOnLowerBound() throws {
  var tracker = makeTracker()
  // Upper bound far above, point estimate (midpoint) above: still not significant.
  #expect(tracker.update(interval: 2...40) == AlarmLevel.none)
  #expect(tracker.update(interval: 9.99...12) == AlarmLevel.none)
  #expect(tracker.update(interval: 10...12) == .warn)
  let evidence = try #require(tracker.evidence[.warn])
  #expect(evidence.method == "lower_bound")
  #expect(evidence.statistic == 10)
  #expect(tracker.update(interval: 20...22) == .alarm)
  #expect(tracker.evidence[.alarm]?.method == "lower_bound")
}

@Test("A fired sequential test raises its level and is kept as the evidence")
func raiseOnTest() throws {
  var tracker = makeTracker()
  #expect(tracker.update(interval: 5...30, fired: [.warn: cusum(10)]) == .warn)
  #expect(tracker.evidence[.warn]?.method == "cusum_fast")
  #expect(tracker.evidence[.alarm] == nil)
  #expect(tracker.update(interval: 5...30, fired: [.alarm: cusum(20)]) == .alarm)
  // Raised straight to alarm: warn takes the alarm's evidence only if it had none.
  #expect(tracker.evidence[.warn]?.thresholdUSvH == 10)
  #expect(tracker.evidence[.alarm]?.thresholdUSvH == 20)
}

@Test("Straight from none to alarm, each level with its own evidence")
func noneToAlarm() {
  var tracker = makeTracker()
  #expect(tracker.update(interval: 45...55) == .alarm)
  #expect(tracker.evidence[.warn]?.thresholdUSvH == 10)
  #expect(tracker.evidence[.alarm]?.thresholdUSvH == 20)
}

@Test("No interval (no working detector) holds the level: missing data never clears")
func missingDataHolds() {
  var tracker = makeTracker()
  tracker.update(interval: 22...28)
  #expect(tracker.update(interval: nil) == .alarm)
}

@Test("Warn holds while the upper bound is ≥ warn·(1 − h), and drops after")
func warnHysteresis() {
  var tracker = makeTracker()
  tracker.update(interval: 10...13)
  #expect(tracker.level == .warn)
  #expect(tracker.update(interval: 6...9.5) == .warn)
  #expect(tracker.update(interval: 6...9.0) == .warn)  // boundary: 9 ≥ 9
  #expect(tracker.update(interval: 6...8.99) == AlarmLevel.none)
  #expect(tracker.evidence.isEmpty)
  // Once dropped, an upper bound above 9 alone does not bring it back.
  #expect(tracker.update(interval: 6...9.5) == AlarmLevel.none)
}

@Test("Alarm holds while the upper bound is ≥ alarm·(1 − h), then steps down through warn")
func alarmHysteresis() {
  var tracker = makeTracker()
  tracker.update(interval: 22...28)
  #expect(tracker.level == .alarm)
  #expect(tracker.update(interval: 12...18.5) == .alarm)
  #expect(tracker.update(interval: 12...17.9) == .warn)
  #expect(tracker.evidence[.alarm] == nil)
  #expect(tracker.evidence[.warn] != nil)
  #expect(tracker.update(interval: 3...8) == AlarmLevel.none)
}

@Test("Alarm drops straight to none when the upper bound is below both hold levels")
func alarmToNone() {
  var tracker = makeTracker()
  tracker.update(interval: 22...28)
  #expect(tracker.update(interval: 0.5...2) == AlarmLevel.none)
}

@Test("Hysteresis 0 drops as soon as the upper bound is below the threshold")
func zeroHysteresis() {
  var tracker = DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20, hysteresis: 0)
  tracker.update(interval: 10...11)
  #expect(tracker.update(interval: 8...10) == .warn)
  #expect(tracker.update(interval: 8...9.99) == AlarmLevel.none)
}

@Test("A fired test holds its level even while the upper bound is low (it is evidence)")
func firedTestHolds() {
  var tracker = makeTracker()
  tracker.update(interval: 1...30, fired: [.warn: cusum(10)])
  #expect(tracker.update(interval: 1...5, fired: [.warn: cusum(10)]) == .warn)
  #expect(tracker.update(interval: 1...5) == AlarmLevel.none)
}
