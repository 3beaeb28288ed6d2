import Foundation
import Testing

@testable import DoseCore

@Test("Poisson CUSUM: hand-computed steps, cap at the threshold, reset at zero")
func cusumArithmetic() {
  // λ0 = 1, λ1 = 4 cps, ARL 10⁶ s → h = ln(10⁶·1) = 13.8155; increment c·ln 4 − 3·t.
  var test = PoissonCUSUM(lambda0: 1, lambda1: 4, meanSecondsBetweenFalse: 1e6)
  #expect(isClose(test.threshold, log(1e6), rel: 1e-12))
  var fired = test.update(counts: 10, seconds: 1)
  #expect(!fired)
  #expect(isClose(test.statistic, 10 * log(4) - 3, rel: 1e-12))  // 10.863
  fired = test.update(counts: 2, seconds: 1)  // 10.636
  #expect(!fired)
  fired = test.update(counts: 5, seconds: 1)  // 14.567 ≥ 13.816
  #expect(fired)
  #expect(test.fired)
  #expect(test.statistic == test.threshold)
  #expect(test.counts == 17)
  #expect(test.seconds == 3)
  // Capped, so one quiet second brings it under at once.
  fired = test.update(counts: 0, seconds: 1)
  #expect(!fired)
  #expect(isClose(test.statistic, log(1e6) - 3, rel: 1e-12))
  for _ in 0..<4 { test.update(counts: 0, seconds: 1) }
  #expect(test.statistic == 0)
  #expect(test.counts == 0)
  #expect(test.seconds == 0)
}

@Test("CUSUM delay bound of DOMAIN.md: SBM-20, 1.25 vs 5 µSv/h, one year → about 3 s")
func cusumBoundExample() {
  let lambda0 = 1.25 * 106 / 60
  let lambda1 = 5.0 * 106 / 60
  // KL = λ1·ln 4 − (λ1 − λ0) = 12.2455 − 6.625 = 5.6205 per second; ln(31 557 600) = 17.267.
  #expect(isClose(PoissonCUSUM.divergence(lambda1: lambda1, lambda0: lambda0), 5.6205, rel: 1e-4))
  let delay = PoissonCUSUM.boundDelay(
    lambda1: lambda1, lambda0: lambda0, arlSeconds: ThresholdTest.secondsPerYear)
  #expect(isClose(delay, 3.0722, rel: 1e-3))
}

@Test("Lorden's bound holds: at λ0 false alarms come no more often than every e^h/λ0 s")
func cusumFalseAlarmBound() {
  // Budget: one false alarm per 1000 s at λ0 = 5 cps (h = ln 5000 = 8.52). 2·10⁵ s of λ0 may
  // give at most 200 alarms by the bound; a correct CUSUM gives far fewer.
  var test = PoissonCUSUM(lambda0: 5, lambda1: 10, meanSecondsBetweenFalse: 1000)
  var random = SeededGenerator(seed: 7)
  var alarms = 0
  for _ in 0..<200_000 {
    if test.update(counts: Double(PoissonSampler.sample(mean: 5, using: &random)), seconds: 1) {
      alarms += 1
      test.reset()
    }
  }
  #expect(alarms <= 200)
  #expect(alarms > 0, "the budget is spent at least somewhat: the test is not dead")
}

@Test("ThresholdTest design: fast 0.5×/2×, steady 0.75×/1×, each with 45 % of the budget")
func thresholdTestDesign() {
  let test = ThresholdTest(thresholdUSvH: 2.5, calibration: noDeadTime)
  let perUSvH = 106.0 / 60
  #expect(isClose(test.fast.lambda0, 1.25 * perUSvH, rel: 1e-12))
  #expect(isClose(test.fast.lambda1, 5 * perUSvH, rel: 1e-12))
  #expect(isClose(test.steady.lambda0, 1.875 * perUSvH, rel: 1e-12))
  #expect(isClose(test.steady.lambda1, 2.5 * perUSvH, rel: 1e-12))
  // h = ln(ARL · λ0), ARL = 1 year / 0.45 (the lower-bound path keeps 10 % of the budget,
  // issue 15): ln(31 557 600 / 0.45 · 2.2083) = 18.8581.
  #expect(isClose(test.fast.threshold, 18.858070784844905, rel: 1e-9))
  // With dead time the design rates are observed rates (lower).
  let dead = ThresholdTest(thresholdUSvH: 2.5, calibration: sbm20)
  #expect(dead.fast.lambda1 < test.fast.lambda1)
  #expect(
    isClose(
      dead.fast.lambda1, DeadTime.observedRate(trueCPS: 5 * perUSvH, tau: 190e-6), rel: 1e-12))
  // An energy correction maps the location's threshold to the detector's reading.
  let corrected = ThresholdTest(
    thresholdUSvH: 2.5, calibration: noDeadTime, detectorDose: { $0 * 3.5 })
  #expect(isClose(corrected.fast.lambda1, 17.5 * perUSvH, rel: 1e-12))
}

@Test("ThresholdTest: a step to 2× fires within seconds, 1.2× fires, 0.5× stays quiet")
func thresholdTestBehaviour() throws {
  let perSecond = 106.0 / 60
  func secondsToFire(dose: Double, limit: Int, seed: UInt64) -> Int? {
    var test = ThresholdTest(thresholdUSvH: 2.5, calibration: noDeadTime)
    var random = SeededGenerator(seed: seed)
    for second in 1...limit {
      let counts = PoissonSampler.sample(mean: dose * perSecond, using: &random)
      if test.update(counts: Double(counts), seconds: 1) { return second }
    }
    return nil
  }
  // Bound ≈ 3.4 s (h + ln 2 over KL); allow the overshoot and one-second readings.
  let fast = try #require(secondsToFire(dose: 5, limit: 60, seed: 1))
  #expect(fast <= 8)
  // Just above the threshold only the steady test can fire: slowly, but it does.
  #expect(secondsToFire(dose: 3, limit: 3600, seed: 2) != nil)
  // Half the threshold for a simulated day: nothing.
  #expect(secondsToFire(dose: 1.25, limit: 86_400, seed: 3) == nil)
  var test = ThresholdTest(thresholdUSvH: 2.5, calibration: noDeadTime)
  for _ in 0..<5 { test.update(counts: 30, seconds: 1) }
  let evidence = try #require(test.evidence)
  #expect(evidence.method == .cusumFast)
  #expect(evidence.thresholdUSvH == 2.5)
  #expect(evidence.designRatesCPS == [test.fast.lambda0, test.fast.lambda1])
}

@Test("LimitTest: hand-computed likelihood ratios, decision and time still to count")
func limitTestArithmetic() throws {
  // Limit 0.5 µSv/h, 106 cpm per µSv/h → λ_L = 0.88333 cps; α = 10⁻⁵ over 3 ratios →
  // decide at ln(3·10⁵) = 12.6115.
  var test = LimitTest(limitUSvH: 0.5, calibration: noDeadTime)
  #expect(isClose(test.limitCPS, 0.5 * 106 / 60, rel: 1e-12))
  #expect(isClose(test.decisionValue, 12.611537753638338, rel: 1e-12))
  test.update(counts: 40, seconds: 50)
  #expect(isClose(test.logLikelihoodRatio(ratio: 0.5), -5.64255388906448, rel: 1e-9))
  #expect(isClose(test.logLikelihoodRatio(ratio: 0.7), -1.0169977575492979, rel: 1e-9))
  #expect(isClose(test.logLikelihoodRatio(ratio: 0.85), 0.12424282008900267, rel: 1e-9))
  #expect(!test.decidedBelow)
  // At 0.8 cps only ρ = 0.85 drifts up (0.0024849/s): (12.6115 − 0.1242)/0.0024849 = 5025 s.
  let needed = try #require(test.secondsToDecide(observedCPS: 0.8))
  #expect(isClose(needed, 5025.358779124576, rel: 1e-6))
  // At or above the limit counting cannot show "below".
  #expect(test.secondsToDecide(observedCPS: 0.8833) == nil)
  // 20 counts in 100 s: LLR(0.5) = −13.863 + 44.167 = 30.30 ≥ 12.61.
  test.restart()
  test.update(counts: 20, seconds: 100)
  #expect(test.decidedBelow)
  #expect(test.secondsToDecide(observedCPS: 0.2) == 0)
}

@Test("LimitTest error rate at the limit stays within α (Ville), looked at every second")
func limitTestErrorRate() {
  // α = 1 % so the rate is measurable: 2000 rooms exactly at the limit, 2000 s each, checked
  // after every reading. Ville: P(ever below) ≤ α → about 20 expected at most.
  var wrong = 0
  var random = SeededGenerator(seed: 11)
  for _ in 0..<2000 {
    var test = LimitTest(limitUSvH: 0.5, calibration: noDeadTime, alpha: 0.01)
    for _ in 0..<2000 {
      test.update(
        counts: Double(PoissonSampler.sample(mean: test.limitCPS, using: &random)), seconds: 1)
      if test.decidedBelow {
        wrong += 1
        break
      }
    }
  }
  #expect(wrong <= 35)
}
