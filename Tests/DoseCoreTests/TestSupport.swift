import Foundation

@testable import DoseCore

/// True when `actual` is within `rel` of `expected`, relative to |expected| (absolute when the
/// expected value is zero).
func isClose(_ actual: Double?, _ expected: Double, rel: Double = 1e-9) -> Bool {
  guard let actual else { return false }
  let scale = expected == 0 ? 1 : abs(expected)
  return abs(actual - expected) <= rel * scale
}

/// SBM-20 with the Rad Pro manual's Cs-137 sensitivity, 106 cpm per µSv/h (DOMAIN.md
/// "Quantities"), and the datasheet dead time τ = 190 µs (health-physics.md §6.1).
let sbm20 = Calibration(
  sensitivityCpmPerUSvH: 106.0, nuclide: "Cs-137", source: "test: Rad Pro manual, SBM-20",
  deadTimeSeconds: 190e-6)

/// 106 cpm per µSv/h without dead-time correction, so that rates are plain counts / seconds.
let noDeadTime = Calibration(
  sensitivityCpmPerUSvH: 106.0, nuclide: "Cs-137", source: "test: no dead time",
  deadTimeSeconds: 0)

let testEpoch = Date(timeIntervalSince1970: 1_700_000_000)

/// A reading of `counts` over `interval` seconds ending at monotonic time `end`.
func reading(_ counts: UInt64, end: Double, interval: Double = 1, id: String = "d1") -> Reading {
  Reading(
    detectorID: id, counts: counts, intervalSeconds: interval, monotonicSeconds: end,
    wallTime: testEpoch.addingTimeInterval(end))
}

/// A detector assessment as `DetectorMonitor.assess` would produce it.
func detector(
  _ id: String, _ state: DetectorState, _ estimate: RateEstimate?, reason: String? = nil
) -> DetectorAssessment {
  DetectorAssessment(
    id: id, state: state, reason: reason ?? (state == .ok ? nil : "test: \(state.rawValue)"),
    estimate: estimate, ageSeconds: 1, lastReading: nil)
}

/// `counts` in `seconds` at 106 cpm per µSv/h without dead time: dose = counts/seconds·60/106.
func estimate(counts: UInt64, seconds: Double) -> RateEstimate {
  RateEstimate(
    counts: counts, liveSeconds: seconds, windowStart: 0, windowEnd: seconds,
    calibration: noDeadTime)
}

/// 10 counts in 60 s: 0.0943 µSv/h, 95 % interval [0.0452, 0.1735] µSv/h
/// (k = 10 bounds 4.7954 and 18.3904 from scipy.stats.chi2, / 106).
let quietEstimate = estimate(counts: 10, seconds: 60)
/// 10 counts in 4 s: 1.41509 µSv/h, 95 % interval [0.67859, 2.60241] µSv/h
/// (hand: 2.5 cps·60/106; bounds 4.7954/4·60/106 and 18.3904/4·60/106).
let uncertainAboveOne = estimate(counts: 10, seconds: 4)
/// 100 counts in 4 s: 14.1509 µSv/h, 95 % interval [11.5138, 17.2113] µSv/h
/// (hand: 25 cps·60/106; k = 100 bounds 81.3640 and 121.6268 from scipy.stats.chi2, /4·60/106).
let hotEstimate = estimate(counts: 100, seconds: 4)
/// The same 14.1509 µSv/h from 1000 counts in 40 s: enough counts for the alarm's strict lower
/// bound (α ≈ 1.1·10⁻¹¹, issue 15) to pass the 10 µSv/h warn level (it is about 11.2) but not
/// the 20 µSv/h alarm; 100 counts in 4 s give a strict bound of about 5.7, raising nothing.
let steadyHotEstimate = estimate(counts: 1000, seconds: 40)
