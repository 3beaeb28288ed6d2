import Foundation
import Testing

@testable import DoseCore

/// Defaults: 400 target counts, 300 s maximum window (RateEstimator.Settings).
private let settings = RateEstimator.Settings(targetCounts: 400, maxWindowSeconds: 300)

@Test("No data, no estimate")
func emptyEstimator() {
  let estimator = RateEstimator(settings: settings)
  #expect(estimator.isEmpty)
  #expect(estimator.estimate(calibration: noDeadTime) == nil)
}

@Test("At a high rate the window holds only the newest readings up to targetCounts")
func shortWindowAtHighRate() throws {
  var estimator = RateEstimator(settings: settings)
  // 20 readings of 1 s with 150 counts each, ending at t = 1 … 20.
  for t in 1...20 {
    estimator.add(counts: 150, interval: 1, end: Double(t))
  }
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  // Hand: 150 + 150 = 300 < 400, + 150 = 450 ≥ 400 → three readings, 450 counts, 3 s,
  // window [17, 20].
  #expect(estimate.counts == 450)
  #expect(estimate.liveSeconds == 3)
  #expect(estimate.windowStart == 17)
  #expect(estimate.windowEnd == 20)
  #expect(isClose(estimate.observedCPS, 150, rel: 1e-12))
}

@Test("A single reading above targetCounts is a window of its own")
func singleReadingWindow() throws {
  var estimator = RateEstimator(settings: settings)
  estimator.add(counts: 10, interval: 1, end: 1)
  estimator.add(counts: 5000, interval: 1, end: 2)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 5000)
  #expect(estimate.liveSeconds == 1)
  #expect(estimate.windowStart == 1)
}

@Test("At a low rate the window grows to maxWindowSeconds and no further")
func longWindowAtLowRate() throws {
  var estimator = RateEstimator(settings: settings)
  // 60 readings of 10 s with 5 counts each, ending at t = 10 … 600 (0.5 cps, background).
  for i in 1...60 {
    estimator.add(counts: 5, interval: 10, end: Double(i) * 10)
  }
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  // Hand: never reaches 400 counts, so the window is the last 300 s = 30 readings = 150 counts,
  // [300, 600].
  #expect(estimate.counts == 150)
  #expect(estimate.liveSeconds == 300)
  #expect(estimate.windowStart == 300)
  #expect(estimate.windowEnd == 600)
  #expect(isClose(estimate.observedCPS, 0.5, rel: 1e-12))
}

@Test("A reading that straddles the window edge is left out")
func straddlingReadingExcluded() throws {
  var estimator = RateEstimator(settings: settings)
  // [0, 20] then [20, 310]: the first reading starts 310 s before the newest end (> 300 s).
  estimator.add(counts: 100, interval: 20, end: 20)
  estimator.add(counts: 29, interval: 290, end: 310)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 29)
  #expect(estimate.liveSeconds == 290)
}

@Test("Samples older than the window are dropped, even before a long gap")
func oldSamplesDropped() throws {
  var estimator = RateEstimator(settings: settings)
  // A hot minute long ago …
  for t in 1...60 {
    estimator.add(counts: 1000, interval: 1, end: Double(t))
  }
  // … then, 1000 s later, quiet readings that never reach targetCounts.
  estimator.add(counts: 3, interval: 1, end: 1060)
  var estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 3)
  #expect(estimate.liveSeconds == 1)
  for t in 1061...1100 {
    estimator.add(counts: 1, interval: 1, end: Double(t))
  }
  estimate = try #require(estimator.estimate(calibration: noDeadTime))
  // Hand: 3 + 40·1 = 43 counts over 41 s; none of the 1000-count readings.
  #expect(estimate.counts == 43)
  #expect(estimate.liveSeconds == 41)
  #expect(estimate.windowStart == 1059)
}

@Test("The newest reading is used whatever its length")
func newestReadingLongerThanWindow() throws {
  var estimator = RateEstimator(settings: settings)
  estimator.add(counts: 7, interval: 600, end: 600)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 7)
  #expect(estimate.liveSeconds == 600)
}

@Test("Readings without an interval are ignored")
func zeroIntervalIgnored() {
  var estimator = RateEstimator(settings: settings)
  estimator.add(counts: 50, interval: 0, end: 1)
  estimator.add(counts: 50, interval: -1, end: 2)
  #expect(estimator.isEmpty)
}

@Test("reset() forgets everything")
func resetForgets() throws {
  var estimator = RateEstimator(settings: settings)
  estimator.add(reading(100, end: 1))
  #expect(!estimator.isEmpty)
  estimator.reset()
  #expect(estimator.isEmpty)
  #expect(estimator.estimate(calibration: noDeadTime) == nil)
  estimator.add(reading(4, end: 2))
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 4)
}

@Test("Adding a Reading uses its counts, interval and end time")
func addReading() throws {
  var estimator = RateEstimator(settings: settings)
  estimator.add(reading(12, end: 42, interval: 4))
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 12)
  #expect(estimate.liveSeconds == 4)
  #expect(estimate.windowStart == 38)
  #expect(estimate.windowEnd == 42)
}
