import Foundation
import Testing

@testable import DoseCore

/// SBM-20 as the built-in tube table has it: 106.1 cpm per µSv/h (Cs-137), τ = 190 µs.
private let tableSBM20 = Calibration(
  sensitivityCpmPerUSvH: 106.1, nuclide: "Cs-137", source: "TubeTable SBM-20",
  deadTimeSeconds: 190e-6)

/// Default settings: stale after 5 s, silent at 20 expected counts at 0.05 µSv/h, stuck after
/// 10 repeats, over-range at mτ ≥ 0.3.
private func makeMonitor() -> DetectorMonitor {
  DetectorMonitor(id: "d1", calibration: tableSBM20)
}

/// Plausible background counts per 1 s reading: varied, never ten equal in a row.
private let backgroundCounts: [UInt64] = [0, 1, 0, 2, 1, 0, 0, 3, 1, 0]

@Test("No reading yet: stale, without an estimate")
func staleAtStart() {
  let assessment = makeMonitor().assess(now: 100)
  #expect(assessment.state == .stale)
  #expect(assessment.reason == "no reading yet")
  #expect(assessment.estimate == nil)
  #expect(assessment.ageSeconds == nil)
  #expect(assessment.lastReading == nil)
  #expect(assessment.id == "d1")
}

@Test("Normal readings: ok, with an estimate of all counts")
func okWithNormalReadings() throws {
  var monitor = makeMonitor()
  for t in 1...60 {
    monitor.ingest(reading(backgroundCounts[t % backgroundCounts.count], end: Double(t)))
  }
  let assessment = monitor.assess(now: 60.5)
  #expect(assessment.state == .ok)
  #expect(assessment.reason == nil)
  #expect(assessment.ageSeconds == 0.5)
  #expect(assessment.lastReading?.monotonicSeconds == 60)
  let estimate = try #require(assessment.estimate)
  // Hand: six full cycles of the pattern, 8 counts each = 48 counts in 60 s.
  #expect(estimate.counts == 48)
  #expect(estimate.liveSeconds == 60)
}

@Test("Stale after staleAfterSeconds without readings; the estimate is kept with its age")
func staleAfterSilence() throws {
  var monitor = makeMonitor()
  for t in 1...10 {
    monitor.ingest(reading(backgroundCounts[t % backgroundCounts.count], end: Double(t)))
  }
  #expect(monitor.assess(now: 15).state == .ok)  // age 5 s = staleAfterSeconds: not yet
  let stale = monitor.assess(now: 15.5)
  #expect(stale.state == .stale)
  #expect(stale.ageSeconds == 5.5)
  #expect(stale.estimate != nil)
  #expect(stale.reason?.contains("no reading for 5.5 s (expected within 5 s)") == true)
  // A new reading makes it ok again.
  monitor.ingest(reading(1, end: 16))
  #expect(monitor.assess(now: 16).state == .ok)
}

@Test("Silent tube: zero counts for 20 expected counts at 0.05 µSv/h is a fault")
func silentTube() throws {
  var monitor = makeMonitor()
  // Hand: 0.05 µSv/h · 106.1 cpm per µSv/h / 60 = 0.0884167 cps; 20 / 0.0884167 = 226.2 s.
  // 226 one-second zero readings expect 19.98 counts (ok), 227 expect 20.07 (fault).
  for t in 1...226 {
    monitor.ingest(reading(0, end: Double(t)))
  }
  let before = monitor.assess(now: 226)
  #expect(before.state == .ok)
  #expect(before.estimate?.doseRateUSvH == 0)
  monitor.ingest(reading(0, end: 227))
  let silent = monitor.assess(now: 227)
  #expect(silent.state == .fault)
  #expect(silent.reason?.hasPrefix("silent") == true)
  #expect(silent.estimate == nil)
  // One pulse does not prove the tube alive: the fault holds until 10 healthy readings with
  // at least 20 counts between them.
  monitor.ingest(reading(1, end: 228))
  let recovering = monitor.assess(now: 228)
  #expect(recovering.state == .fault)
  #expect(recovering.reason?.contains("recovering: 1 good readings") == true)
  for t in 229...236 {
    monitor.ingest(reading(2, end: Double(t)))
  }
  // 9 readings, 17 counts: not yet.
  #expect(monitor.assess(now: 236).state == .fault)
  monitor.ingest(reading(3, end: 237))
  let back = monitor.assess(now: 237)
  #expect(back.state == .ok)
  // Only the healthy readings are in the estimate: the silent zeros were thrown away.
  #expect(try #require(back.estimate).counts == 20)
  #expect(try #require(back.estimate).liveSeconds == 10)
}

@Test("Silent-tube limit follows the calibration: 106 cpm per µSv/h gives 226.4 s")
func silentTubeLongIntervals() {
  var monitor = DetectorMonitor(id: "d1", calibration: sbm20)
  // Hand: 20 / (0.05·106/60) = 226.415 s. Readings of 60 s: 180 s ok, 240 s fault.
  for i in 1...3 {
    monitor.ingest(reading(0, end: Double(i) * 60, interval: 60))
  }
  #expect(monitor.assess(now: 180).state == .ok)
  monitor.ingest(reading(0, end: 240, interval: 60))
  #expect(monitor.assess(now: 240).state == .fault)
}

@Test("Stuck counter: ten identical non-zero counts in a row is a fault")
func stuckCount() {
  var monitor = makeMonitor()
  for t in 1...9 {
    monitor.ingest(reading(12, end: Double(t)))
  }
  #expect(monitor.assess(now: 9).state == .ok)
  monitor.ingest(reading(12, end: 10))
  let stuck = monitor.assess(now: 10)
  #expect(stuck.state == .fault)
  #expect(stuck.reason?.hasPrefix("stuck: the same count (12) 10 times") == true)
  #expect(stuck.estimate == nil)
  // A different count ends the run, but the fault holds until the counter proves itself:
  // ten healthy readings with at least 20 counts.
  monitor.ingest(reading(8, end: 11))
  #expect(monitor.assess(now: 11).state == .fault)
  for t in 12...20 {
    monitor.ingest(reading(UInt64(t % 3 + 5), end: Double(t)))
  }
  #expect(monitor.assess(now: 20).state == .ok)
}

@Test("Small counts need longer runs before they are called stuck")
func smallCountsNeedLongerRuns() {
  let monitor = makeMonitor()
  // Hand: max pmf of k=1 is e⁻¹ = 0.3679; ln(1e-8)/ln(0.3679) = 18.42 → 19, +1 = 20.
  #expect(monitor.requiredRepeats(for: 1) == 20)
  // k = 7: 7⁷e⁻⁷/7! = 0.1490; 18.42/1.904 = 9.68 → 10, +1 = 11.
  #expect(monitor.requiredRepeats(for: 7) == 11)
  // k ≥ 10: max pmf ≤ 0.1251, 18.42/2.078 = 8.86 → 9, +1 = 10 = the minimum.
  #expect(monitor.requiredRepeats(for: 10) == 10)
  #expect(monitor.requiredRepeats(for: 5000) == 10)
  var counting = makeMonitor()
  for t in 1...19 {
    counting.ingest(reading(1, end: Double(t)))
  }
  #expect(counting.assess(now: 19).state == .ok, "19 ones in a row happen by chance")
  counting.ingest(reading(1, end: 20))
  #expect(counting.assess(now: 20).state == .fault)
}

@Test("Repeated zeros are not a stuck counter")
func zerosAreNotStuck() {
  var monitor = makeMonitor()
  for t in 1...20 {
    monitor.ingest(reading(0, end: Double(t)))
  }
  #expect(monitor.assess(now: 20).state == .ok)
}

@Test("Over-range at dead fraction mτ ≥ 0.3")
func overRange() {
  var monitor = makeMonitor()
  // Hand: mτ = 0.3 at m = 0.3 / 190e-6 = 1578.95 cps. 1578 cps → 0.29982 (ok),
  // 1579 cps → 0.30001 (over-range).
  monitor.ingest(reading(1578, end: 1))
  #expect(monitor.assess(now: 1).state == .ok)
  monitor.ingest(reading(1579, end: 2))
  let over = monitor.assess(now: 2)
  #expect(over.state == .fault)
  #expect(over.reason?.hasPrefix("over-range") == true)
  #expect(over.estimate == nil)
  // Still a fault when no further reading arrives (it is not downgraded to stale).
  #expect(monitor.assess(now: 100).state == .fault)
}

@Test("Over-range latches: a sudden low reading is not believed (fold-back) for 300 s")
func overRangeLatches() throws {
  var monitor = makeMonitor()
  monitor.ingest(reading(3000, end: 1))
  #expect(monitor.assess(now: 1).state == .fault)
  #expect(monitor.assess(now: 1).overRange)
  // The count rate collapses, as a paralyzed tube's would in a rising field: that drop from
  // near saturation is itself a fault (fold-back), which restarts the hold at t = 2.
  monitor.ingest(reading(22, end: 2))
  #expect(monitor.assess(now: 2).reason?.hasPrefix("fold-back") == true)
  for t in 3...301 {
    monitor.ingest(reading(UInt64(20 + t % 7), end: Double(t)))
  }
  let held = monitor.assess(now: 301)
  #expect(held.state == .fault)
  #expect(held.overRange)
  #expect(held.estimate == nil)
  // 300 s after the fold-back reading it lifts; the estimate holds only in-range counts.
  monitor.ingest(reading(20, end: 302))
  let after = monitor.assess(now: 302)
  #expect(after.state == .ok)
  #expect(!after.overRange)
  #expect(try #require(after.estimate).windowStart >= 2)
}

@Test("Readings with no interval are not a sign of life")
func zeroIntervalReadingsDoNotKeepDetectorFresh() {
  var monitor = makeMonitor()
  monitor.ingest(reading(5, end: 1))
  monitor.ingest(reading(0, end: 50, interval: 0))
  #expect(monitor.assess(now: 50).state == .stale)
}

@Test("Disconnected after disconnect(reason:): estimate dropped, old counts forgotten")
func disconnected() throws {
  var monitor = makeMonitor()
  for t in 1...10 {
    monitor.ingest(reading(30 + UInt64(t), end: Double(t)))
  }
  #expect(monitor.assess(now: 10).state == .ok)
  monitor.disconnect(reason: "USB device removed")
  let lost = monitor.assess(now: 10)
  #expect(lost.state == .disconnected)
  #expect(lost.reason == "USB device removed")
  #expect(lost.estimate == nil)
  // Disconnected wins over stale however long it lasts.
  #expect(monitor.assess(now: 1000).state == .disconnected)
  // Reconnect: only the new counts count.
  monitor.ingest(reading(5, end: 1001))
  let back = monitor.assess(now: 1001)
  #expect(back.state == .ok)
  let estimate = try #require(back.estimate)
  #expect(estimate.counts == 5)
  #expect(estimate.liveSeconds == 1)
}

@Test("disconnect() also clears a silent run and a stuck run")
func disconnectClearsRuns() {
  var monitor = makeMonitor()
  for t in 1...9 {
    monitor.ingest(reading(7, end: Double(t)))
  }
  monitor.disconnect(reason: "port closed")
  monitor.ingest(reading(7, end: 10))
  // Nine repeats before the disconnect plus one after are not ten in a row.
  #expect(monitor.assess(now: 10).state == .ok)
}

@Test("Over-range hold survives a later silent fault (paralysed tube, then fold-back)")
func overRangeHoldOutlivesSilence() {
  var monitor = makeMonitor()
  monitor.ingest(reading(3000, end: 1))
  // Paralysed: no pulses for long enough to latch "silent" instead.
  for t in 2...240 {
    monitor.ingest(reading(0, end: Double(t)))
  }
  let silent = monitor.assess(now: 240)
  #expect(silent.state == .fault)
  #expect(silent.overRange, "still over range as far as the location is concerned")
  // Low, plausible counts do not lift it before 300 s after the collapse (t = 2, fold-back)…
  for t in 241...301 {
    monitor.ingest(reading(UInt64(20 + t % 5), end: Double(t)))
  }
  #expect(monitor.assess(now: 301).state == .fault)
  // … only after the hold.
  monitor.ingest(reading(21, end: 302))
  #expect(monitor.assess(now: 302).state == .ok)
}

@Test("Absurd rates are over range even without a configured dead time")
func implausibleRateIsOverRange() {
  var monitor = DetectorMonitor(id: "d1", calibration: noDeadTime)
  monitor.ingest(reading(5_000_000, end: 1))
  let assessment = monitor.assess(now: 1)
  #expect(assessment.state == .fault)
  #expect(assessment.overRange)
}

@Test("Huge garbled counts never trap")
func hugeCountsSaturate() {
  var monitor = DetectorMonitor(id: "d1", calibration: noDeadTime)
  monitor.ingest(reading(UInt64.max, end: 1))
  monitor.ingest(reading(UInt64.max, end: 2))
  #expect(monitor.assess(now: 2).state == .fault)
  var estimator = RateEstimator()
  estimator.add(counts: UInt64.max, interval: 1, end: 1)
  estimator.add(counts: UInt64.max, interval: 1, end: 2)
  #expect(estimator.estimate(calibration: noDeadTime)?.counts == UInt64.max)
}

@Test("A disconnect does not reset the silent-tube run")
func silentRunSurvivesDisconnect() {
  var monitor = makeMonitor()
  for t in 1...200 {
    monitor.ingest(reading(0, end: Double(t)))
  }
  monitor.disconnect(reason: "flaky cable")
  for t in 201...230 {
    monitor.ingest(reading(0, end: Double(t)))
  }
  let assessment = monitor.assess(now: 230)
  #expect(assessment.state == .fault)
  #expect(assessment.reason?.hasPrefix("silent") == true)
}

@Test("A tube that still clicks now and then is a fault, not a clean room")
func sparseTubeIsAFault() {
  var monitor = makeMonitor()
  // One pulse every 200 s: the zero runs (199 s) stay below the silent limit (226 s), but a
  // 300 s window then holds 1 count where 0.05 µSv/h gives 26.5 on average:
  // P(X ≤ 1; 26.5) = e^-26.5 · 27.5 ≈ 8.6e-11 < 1e-9.
  var faulted: DetectorAssessment?
  for t in 1...1000 {
    monitor.ingest(reading(t % 200 == 0 ? 1 : 0, end: Double(t)))
    let assessment = monitor.assess(now: Double(t))
    if assessment.state == .fault && faulted == nil { faulted = assessment }
  }
  #expect(faulted?.reason?.hasPrefix("too few counts") == true)
  #expect(monitor.assess(now: 1000).state == .fault)
}

@Test("Ordinary background never trips the sparse check")
func backgroundIsNotSparse() {
  var monitor = makeMonitor()
  // 0.1 µSv/h on an SBM-20 is 0.177 cps; a deterministic pattern with that mean.
  for t in 1...3000 {
    monitor.ingest(reading(t % 6 == 0 ? 1 : 0, end: Double(t)))
    #expect(monitor.assess(now: Double(t)).state == .ok)
  }
}
