import Foundation
import Testing

@testable import DoseCore

@Test("106 cpm at 106 cpm per µSv/h is 1 µSv/h")
func calibrationUnits() {
  // Hand: dose = cps·60 / S; 106 cpm = 106/60 cps → 1 µSv/h.
  #expect(isClose(sbm20.doseRate(cps: 106.0 / 60.0), 1.0, rel: 1e-12))
  #expect(isClose(sbm20.countRate(doseRateUSvH: 1.0), 106.0 / 60.0, rel: 1e-12))
  // Hand: 10 µSv/h → 1060 cpm → 17.6667 cps.
  #expect(isClose(sbm20.countRate(doseRateUSvH: 10), 17.666666666666668, rel: 1e-12))
}

@Test("Tube table: SBM-20 carries its Cs-137 sensitivity, dead time and source")
func tubeTable() throws {
  // health-physics.md §5.1 / Rad Lab: SBM-20 106.1 cpm per µSv/h (Cs-137), τ ≤ 190 µs.
  let tube = try #require(TubeTable.lookup("sbm 20"))
  #expect(tube.name == "SBM-20")
  #expect(tube.sensitivityCpmPerUSvH == 106.1)
  #expect(tube.deadTimeSeconds == 190e-6)
  #expect(tube.calibrationNuclide == "Cs-137")
  #expect(!tube.source.isEmpty)
  // LND-7317 252.6, τ 40 µs (same table); J305 has no sourced dead time.
  #expect(TubeTable.lookup("lnd-7317")?.sensitivityCpmPerUSvH == 252.6)
  #expect(TubeTable.lookup("J305")?.deadTimeSeconds == nil)
  #expect(TubeTable.lookup("SBM-21") == nil)
}

@Test("RateEstimate without dead time: 100 counts in 60 s")
func rateEstimateLowRate() throws {
  let estimate = RateEstimate(
    counts: 100, liveSeconds: 60, windowStart: 0, windowEnd: 60, calibration: noDeadTime)
  // Hand: 100 counts / 60 s = 1.6667 cps = 100 cpm → 100/106 = 0.943396 µSv/h.
  #expect(isClose(estimate.observedCPS, 100.0 / 60.0, rel: 1e-12))
  #expect(estimate.deadTimeFactor == 1)
  #expect(isClose(estimate.cps, 100.0 / 60.0, rel: 1e-12))
  #expect(isClose(estimate.doseRateUSvH, 0.9433962264150944, rel: 1e-12))
  // Garwood bounds for k = 100 (scipy.stats.chi2: 81.36399125092314, 121.62679379242638)
  // counted over one minute are cpm: 81.364/106 = 0.767585, 121.627/106 = 1.147423 µSv/h.
  let dose = try #require(estimate.doseRateInterval)
  #expect(isClose(dose.lowerBound, 0.7675848231219163, rel: 1e-8))
  #expect(isClose(dose.upperBound, 1.1474225829474187, rel: 1e-8))
  let cps = try #require(estimate.cpsInterval)
  #expect(isClose(cps.lowerBound, 81.36399125092314 / 60, rel: 1e-8))
  #expect(isClose(cps.upperBound, 121.62679379242638 / 60, rel: 1e-8))
}

@Test("RateEstimate with SBM-20 dead time: 60000 counts in 60 s")
func rateEstimateDeadTimeCorrected() throws {
  let estimate = RateEstimate(
    counts: 60_000, liveSeconds: 60, windowStart: 0, windowEnd: 60, calibration: sbm20)
  // Hand: m = 1000 cps, mτ = 0.19, n = 1000/0.81 = 1234.5679 cps,
  // dose = 1234.5679·60/106 = 698.81202 µSv/h.
  #expect(isClose(estimate.observedCPS, 1000, rel: 1e-12))
  #expect(isClose(estimate.deadFraction, 0.19, rel: 1e-12))
  #expect(isClose(estimate.deadTimeFactor, 1 / 0.81, rel: 1e-12))
  #expect(isClose(estimate.cps, 1234.567901234568, rel: 1e-12))
  #expect(isClose(estimate.doseRateUSvH, 698.8120195667366, rel: 1e-12))
  // scipy.stats.chi2 for k = 60000: lower 59520.85668619871, upper 60482.041618160685 counts;
  // each bound /60 s, dead-time corrected n = m/(1 − mτ), then ·60/106:
  // 691.9353719159514 and 705.7563094779254 µSv/h (Python, same formulas).
  let dose = try #require(estimate.doseRateInterval)
  #expect(isClose(dose.lowerBound, 691.9353719159514, rel: 1e-8))
  #expect(isClose(dose.upperBound, 705.7563094779254, rel: 1e-8))
  #expect(dose.contains(698.8120195667366))
}

@Test("RateEstimate from zero counts: 0 with upper bound 3.689 counts")
func rateEstimateZeroCounts() throws {
  let estimate = RateEstimate(
    counts: 0, liveSeconds: 60, windowStart: 0, windowEnd: 60, calibration: noDeadTime)
  #expect(estimate.doseRateUSvH == 0)
  let dose = try #require(estimate.doseRateInterval)
  #expect(dose.lowerBound == 0)
  // scipy.stats.chi2.ppf(0.975, 2)/2 = 3.6888794541139354 counts in one minute → /106 µSv/h.
  #expect(isClose(dose.upperBound, 3.6888794541139354 / 106, rel: 1e-8))
}

@Test("RateEstimate of a saturated counter has no dose")
func rateEstimateSaturated() {
  // Hand: 6000 counts in 1 s with τ = 190 µs → mτ = 1.14 ≥ 1.
  let estimate = RateEstimate(
    counts: 6000, liveSeconds: 1, windowStart: 0, windowEnd: 1, calibration: sbm20)
  #expect(estimate.deadTimeFactor == nil)
  #expect(estimate.cps == nil)
  #expect(estimate.cpsInterval == nil)
  #expect(estimate.doseRateUSvH == nil)
  #expect(estimate.doseRateInterval == nil)
}

@Test("An upper bound beyond saturation is reported as infinity")
func rateEstimateUnboundedUpper() throws {
  // τ = 10 ms saturates at 100 cps. 95 counts in 1 s: mτ = 0.95, but the Garwood upper bound of
  // k = 95 is ≈ 116 counts (> 100), beyond saturation.
  let calibration = Calibration(
    sensitivityCpmPerUSvH: 106, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0.01)
  let estimate = RateEstimate(
    counts: 95, liveSeconds: 1, windowStart: 0, windowEnd: 1, calibration: calibration)
  // Hand: n = 95/(1 − 0.95) = 1900 cps.
  #expect(isClose(estimate.cps, 1900, rel: 1e-9))
  let interval = try #require(estimate.doseRateInterval)
  #expect(interval.upperBound == .infinity)
  #expect(interval.lowerBound > 0)
}
