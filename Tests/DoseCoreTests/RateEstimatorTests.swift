import Foundation
import Testing

@testable import DoseCore

/// Defaults: 300 s maximum window, change ratio 1.5, threshold ln 10⁵, 20 reference counts.
private let settings = RateEstimator.Settings()

@Test("No data, no estimate")
func emptyEstimator() {
  let estimator = RateEstimator(settings: settings)
  #expect(estimator.isEmpty)
  #expect(estimator.estimate(calibration: noDeadTime) == nil)
}

@Test("A stable rate lengthens the window to everything so far")
func stableWindowGrows() throws {
  var estimator = RateEstimator(settings: settings)
  // 20 readings of 1 s with 150 counts each, ending at t = 1 … 20.
  for t in 1...20 {
    estimator.add(counts: 150, interval: 1, end: Double(t))
  }
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 3000)
  #expect(estimate.liveSeconds == 20)
  #expect(estimate.windowStart == 0)
  #expect(!estimate.windowCutByChange)
  #expect(isClose(estimate.observedCPS, 150, rel: 1e-12))
}

@Test("A step up cuts the window at the step within two readings")
func stepUpCutsWindow() throws {
  var estimator = RateEstimator(settings: settings)
  for t in 1...200 { estimator.add(counts: 1, interval: 1, end: Double(t)) }
  // Hand: reference λ̂ = 1 cps. First 20-count reading: rise = 20·ln 1.5 − 0.5·1 = 7.61 <
  // ln 10⁵ = 11.51. Second: λ̂ = 220/201, rise = 7.61 + 8.11 − 0.547 = 15.17 → fires. The
  // statistic was last zero before the step (0.405 − 0.5 < 0), so the cut is at t = 200.
  estimator.add(counts: 20, interval: 1, end: 201)
  #expect(estimator.changeCount == 0)
  estimator.add(counts: 20, interval: 1, end: 202)
  #expect(estimator.changeCount == 1)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 40)
  #expect(estimate.liveSeconds == 2)
  #expect(estimate.windowStart == 200)
  #expect(estimate.windowCutByChange)
  #expect(estimator.lastChange?.rising == true)
  #expect(estimator.lastChange?.at == 200)
}

@Test("A step down cuts the window on the first low reading")
func stepDownCutsWindow() throws {
  var estimator = RateEstimator(settings: settings)
  for t in 1...100 { estimator.add(counts: 100, interval: 1, end: Double(t)) }
  // Hand: fall = −10·ln 1.5 + (1 − 1/1.5)·100 = −4.05 + 33.3 = 29.3 ≥ 11.51 at once.
  estimator.add(counts: 10, interval: 1, end: 101)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.counts == 10)
  #expect(estimate.liveSeconds == 1)
  #expect(estimator.lastChange?.rising == false)
  // The window then grows again while the new rate holds.
  for t in 102...150 { estimator.add(counts: 10, interval: 1, end: Double(t)) }
  let later = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(later.counts == 500)
  #expect(later.windowStart == 100)
}

@Test("Poisson noise at a steady rate does not cut the window (seeded, 15 000 counts)")
func noiseDoesNotCut() throws {
  var random = SeededGenerator(seed: 42)
  var estimator = RateEstimator(settings: settings)
  for t in 1...3000 {
    estimator.add(
      counts: PoissonSampler.sample(mean: 5, using: &random), interval: 1, end: Double(t))
  }
  #expect(estimator.changeCount == 0)
  let estimate = try #require(estimator.estimate(calibration: noDeadTime))
  #expect(estimate.liveSeconds == 300)
  #expect(abs(estimate.observedCPS - 5) < 0.5)
}

@Test("Running totals stay exact after old readings are dropped and rebased")
func totalsAfterCompaction() throws {
  var estimator = RateEstimator(settings: settings)
  for t in 1...2000 { estimator.add(counts: 2, interval: 1, end: Double(t)) }
  let totals = try #require(estimator.totals())
  #expect(totals.counts == 600)
  #expect(totals.liveSeconds == 300)
  #expect(totals.start == 1700)
  #expect(totals.end == 2000)
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
