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
