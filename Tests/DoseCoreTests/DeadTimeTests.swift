import Foundation
import Testing

@testable import DoseCore

/// SBM-20 dead time, health-physics.md §6.1 (datasheet ≤ 190 µs at 400 V).
private let tau = 190e-6

@Test("Non-paralyzable correction n = m/(1 − mτ) for the SBM-20")
func trueRateSBM20() {
  // Hand: 1000 / (1 − 1000·190e-6) = 1000 / 0.81 = 1234.5679 (health-physics.md §6.1 test
  // vectors: 1234.6); 100 / 0.981 = 101.9368 (table 101.9); 3000 / 0.43 = 6976.744 (table 6976.7).
  #expect(isClose(DeadTime.trueRate(observedCPS: 1000, tau: tau), 1234.567901234568, rel: 1e-12))
  #expect(isClose(DeadTime.trueRate(observedCPS: 100, tau: tau), 101.9367991845056, rel: 1e-12))
  #expect(isClose(DeadTime.trueRate(observedCPS: 3000, tau: tau), 6976.744186046512, rel: 1e-12))
  // Hand: factor 1/0.81 = 1.2345679, dead fraction 1000·190e-6 = 0.19.
  #expect(isClose(DeadTime.correctionFactor(observedCPS: 1000, tau: tau), 1 / 0.81, rel: 1e-12))
  #expect(isClose(DeadTime.deadFraction(observedCPS: 1000, tau: tau), 0.19, rel: 1e-12))
  // LND-7317, τ = 40 µs: 3000 / 0.88 = 3409.09 (health-physics.md §6.1 table: 3409.1).
  #expect(isClose(DeadTime.trueRate(observedCPS: 3000, tau: 40e-6), 3409.090909090909, rel: 1e-12))
}

@Test("Observed ↔ true round trip", arguments: [0.0, 1, 100, 1000, 3000, 5000])
func roundTrip(observed: Double) throws {
  let trueRate = try #require(DeadTime.trueRate(observedCPS: observed, tau: tau))
  #expect(trueRate >= observed)
  #expect(isClose(DeadTime.observedRate(trueCPS: trueRate, tau: tau), observed, rel: 1e-12))
}

@Test("A true rate far above 1/τ still maps back to itself")
func roundTripFromTrue() throws {
  // m = n/(1 + nτ) < 1/τ for every n, so the inverse always exists.
  for trueRate in [10.0, 1e4, 1e6] {
    let observed = DeadTime.observedRate(trueCPS: trueRate, tau: tau)
    #expect(observed < 1 / tau)
    let back = try #require(DeadTime.trueRate(observedCPS: observed, tau: tau))
    #expect(isClose(back, trueRate, rel: 1e-9))
  }
}

@Test("No answer when the counter is saturated (mτ ≥ 1)")
func saturated() {
  // τ = 1 ms makes mτ exactly 1 at m = 1000 cps (binary-exact product).
  #expect(DeadTime.trueRate(observedCPS: 1000, tau: 1e-3) == nil)
  #expect(DeadTime.correctionFactor(observedCPS: 1000, tau: 1e-3) == nil)
  // SBM-20 at 6000 cps: mτ = 1.14.
  #expect(DeadTime.trueRate(observedCPS: 6000, tau: tau) == nil)
  #expect(DeadTime.correctionFactor(observedCPS: 6000, tau: tau) == nil)
  // Just below saturation there is an (enormous) answer.
  #expect(DeadTime.trueRate(observedCPS: 999, tau: 1e-3) != nil)
}

@Test("Over-range limit sits below the paralyzable peak mτ = 1/e")
func overRangeLimit() {
  // DOMAIN.md "Dead time": a paralyzable counter peaks at m = 1/(eτ).
  #expect(DeadTime.defaultMaxDeadFraction == 0.3)
  #expect(DeadTime.defaultMaxDeadFraction < exp(-1.0))
}

@Test("Paralyzable: peak 1/(eτ) = 1936 cps for the SBM-20's 190 µs (health-physics.md §6.1)")
func paralyzablePeak() {
  let model = DeadTimeModel.paralyzable
  #expect(isClose(model.peakObservedCPS(tau: 190e-6), 1936.3, rel: 1e-4))
  #expect(isClose(model.peakObservedCPS(tau: 40e-6), 9197, rel: 1e-3))
  #expect(isClose(DeadTimeModel.nonParalyzable.peakObservedCPS(tau: 190e-6), 1 / 190e-6))
}

@Test("Paralyzable inversion takes the lower branch: m = 1000 cps, τ = 190 µs → n = 1273.83")
func paralyzableInversion() throws {
  let model = DeadTimeModel.paralyzable
  // scipy: −W₀(−0.19)/τ = 1273.8293105343091.
  let n = try #require(model.trueRate(observedCPS: 1000, tau: 190e-6))
  #expect(isClose(n, 1273.8293105343091, rel: 1e-10))
  #expect(isClose(model.observedRate(trueCPS: n, tau: 190e-6), 1000, rel: 1e-12))
  // More loss than the non-paralyzable model at the same observed rate.
  #expect(n > 1234.567)
  // Round trips up to just below the peak.
  for fraction in [0.01, 0.2, 0.5, 0.9, 0.999] {
    let m = fraction * model.peakObservedCPS(tau: 190e-6)
    let back = try #require(model.trueRate(observedCPS: m, tau: 190e-6))
    #expect(back < 1 / 190e-6)
    #expect(isClose(model.observedRate(trueCPS: back, tau: 190e-6), m, rel: 1e-9))
  }
}

@Test("Paralyzable: beyond the peak there is no answer (fold-back territory)")
func paralyzableBeyondPeak() {
  let model = DeadTimeModel.paralyzable
  #expect(model.trueRate(observedCPS: 1937, tau: 190e-6) == nil)
  #expect(model.correctionFactor(observedCPS: 1937, tau: 190e-6) == nil)
  // A true rate far beyond 1/τ reads low: the same observed rate as a much smaller field.
  // 40 000 cps true: m = 40 000·e^(−7.6) ≈ 20 cps.
  let folded = model.observedRate(trueCPS: 40_000, tau: 190e-6)
  #expect(folded < 100)
  #expect(model.trueRate(observedCPS: folded, tau: 190e-6)! < 100)
  #expect(model.trueRate(observedCPS: 0, tau: 190e-6) == 0)
  #expect(model.trueRate(observedCPS: 5, tau: 0) == 5)
}

@Test("Calibration uses its dead-time model and subtracts intrinsic counts, never below 0")
func calibrationModelAndIntrinsic() throws {
  var calibration = sbm20
  calibration.deadTimeModel = .paralyzable
  let n = try #require(calibration.trueRate(observedCPS: 1000))
  #expect(isClose(n, 1273.8293105343091, rel: 1e-10))
  calibration.intrinsicBackgroundCPS = 0.5
  #expect(isClose(calibration.doseRate(cps: 2.5), 2 * 60 / 106, rel: 1e-12))
  #expect(calibration.doseRate(cps: 0.2) == 0)
  #expect(isClose(calibration.countRate(doseRateUSvH: 1), 106.0 / 60 + 0.5, rel: 1e-12))
  #expect(isClose(calibration.netDoseRate(cps: -0.6), -0.6 * 60 / 106, rel: 1e-12))
}
