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
