import Foundation
import Testing

@testable import DoseCore

@Test("ISO 11929 worked example: r0 = 20 cpm, 10 min each → r* = 3.29, r# = 6.85 cpm")
func isoWorkedExample() {
  let limits = CharacteristicLimits(
    backgroundRate: 20.0 / 60, backgroundSeconds: 600, grossSeconds: 600)
  // r* = 1.645·√((1/3)·(2/600)) = 1.645/30 cps = 3.29 cpm; r# = 2r* + 1.645²/600.
  #expect(isClose(limits.decisionThreshold * 60, 3.29, rel: 1e-9))
  #expect(isClose(limits.detectionLimit * 60, 6.58 + 2.706025 / 10, rel: 1e-9))
  #expect(isClose(limits.detectionLimit * 60, 6.85, rel: 1e-3))
}

@Test("Equal times reproduce Currie: B = 100 → L_C 23.3, L_D 49.2 counts")
func curriePairedBlank() {
  // Background of B = 100 counts in t = 100 s; gross counted for the same time.
  let limits = CharacteristicLimits(backgroundRate: 1, backgroundSeconds: 100, grossSeconds: 100)
  #expect(isClose(limits.decisionThreshold * 100, 1.645 * 200.0.squareRoot(), rel: 1e-12))
  #expect(isClose(limits.decisionThreshold * 100, 23.3, rel: 2e-3))
  #expect(isClose(limits.detectionLimit * 100, 49.2, rel: 2e-3))
}

@Test("Net rate: gross minus background, conservative interval, limits in µSv/h")
func netRate() throws {
  var calibration = noDeadTime
  calibration.background = BackgroundMeasurement(counts: 600, seconds: 3000)
  let estimate = RateEstimate(
    counts: 300, liveSeconds: 100, windowStart: 0, windowEnd: 100, calibration: calibration)
  let net = try #require(estimate.net)
  #expect(isClose(net.backgroundCPS, 0.2, rel: 1e-12))
  #expect(isClose(net.netCPS, 2.8, rel: 1e-12))
  #expect(isClose(net.netDoseRateUSvH, 2.8 * 60 / 106, rel: 1e-12))
  let gross = PoissonInterval(counts: 300)
  let background = PoissonInterval(counts: 600)
  #expect(isClose(net.netCPSInterval.lowerBound, gross.lower / 100 - background.upper / 3000))
  #expect(isClose(net.netCPSInterval.upperBound, gross.upper / 100 - background.lower / 3000))
  #expect(net.distinguishable)
  let limits = CharacteristicLimits(backgroundRate: 0.2, backgroundSeconds: 3000, grossSeconds: 100)
  #expect(isClose(net.decisionThresholdUSvH, limits.decisionThreshold * 60 / 106, rel: 1e-12))
  // Without a background measurement there is no net value.
  #expect(
    RateEstimate(counts: 3, liveSeconds: 1, windowStart: 0, windowEnd: 1, calibration: noDeadTime)
      .net == nil)
}

@Test("A gross rate within the decision threshold is indistinguishable from background")
func indistinguishable() throws {
  var calibration = noDeadTime
  calibration.background = BackgroundMeasurement(counts: 200, seconds: 600)
  // Gross 210 in 600 s vs background 200 in 600 s: net 10/600 cps; r* = 1.645·√(400)/600.
  let estimate = RateEstimate(
    counts: 210, liveSeconds: 600, windowStart: 0, windowEnd: 600, calibration: calibration)
  let net = try #require(estimate.net)
  #expect(!net.distinguishable)
  #expect(isClose(net.limits.decisionThreshold, 1.645 * 20 / 600, rel: 1e-12))
}
