import Foundation
import Testing

@testable import DoseCore

/// keV = 0.5·channel; G(100 keV) = 0.001, G(1000 keV) = 0.01 µSv/h per count/s.
private let model = SpectrumDoseModel(
  energyCalibration: [0, 0.5, 0],
  gFunction: [
    .init(keV: 100, usvHPerCPS: 0.001), .init(keV: 1000, usvHPerCPS: 0.01),
  ], source: "test")

@Test("Energy calibration polynomial and log-log G(E) interpolation, clamped outside")
func spectrumInterpolation() {
  #expect(isClose(model.energy(channel: 400), 200, rel: 1e-12))
  let quadratic = SpectrumDoseModel(
    energyCalibration: [1, 2, 3], gFunction: model.gFunction, source: "test")
  #expect(isClose(quadratic.energy(channel: 10), 1 + 20 + 300, rel: 1e-12))
  // log-log midpoint: √(100·1000) = 316.23 keV → √(0.001·0.01) = 0.0031623 (by hand).
  let mid = model.g(keV: 316.227766)
  #expect(isClose(mid.value, 0.00316227766, rel: 1e-8))
  #expect(mid.inRange)
  #expect(model.g(keV: 100).inRange && model.g(keV: 1000).inRange)
  let below = model.g(keV: 50)
  #expect(below.value == 0.001 && !below.inRange)
  let above = model.g(keV: 3000)
  #expect(above.value == 0.01 && !above.inRange)
  #expect(isClose(model.equivalentSensitivityCpmPerUSvH(atKeV: 1000), 6000, rel: 1e-12))
}

@Test("Weights: Σ G, Σ G² and events outside the table")
func spectrumWeights() throws {
  // channel 200 = 100 keV (G 0.001), 2000 = 1000 keV (G 0.01), 10 = 5 keV (outside, G 0.001).
  let weights = try #require(model.weights(of: [200: 3, 2000: 2, 10: 1, 4000: 0]))
  #expect(isClose(weights.sum, 4 * 0.001 + 2 * 0.01, rel: 1e-12))
  #expect(isClose(weights.sumOfSquares, 4 * 1e-6 + 2 * 1e-4, rel: 1e-12))
  #expect(weights.outsideRange == 1)
}

@Test("Interval on effective counts matches scipy")
func spectrumInterval() {
  // 10 events at G 1 and 10 at G 2: Σ G 30, Σ G² 50, n_eff 18, scale 5/3.
  // scipy: gamma.ppf(0.025, 18)·5/3 = 17.77990130066588, gamma.ppf(0.975, 19)·5/3 =
  // 47.41293377921331.
  let weights = SpectrumDoseModel.Weights(sum: 30, sumOfSquares: 50)
  #expect(isClose(SpectrumDoseModel.effectiveCounts(of: weights) ?? 0, 18, rel: 1e-12))
  let interval = SpectrumDoseModel.interval(of: weights)
  #expect(isClose(interval.lowerBound, 17.77990130066588, rel: 1e-7))
  #expect(isClose(interval.upperBound, 47.41293377921331, rel: 1e-7))
}

@Test("RateEstimate with a spectrum model: dose Σ G / t, counts unchanged, dead time n/m")
func spectrumRateEstimate() throws {
  let calibration = Calibration(
    sensitivityCpmPerUSvH: 6000, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0)
  var estimator = RateEstimator(spectrumModel: model)
  for t in 1...10 {
    estimator.add(
      Reading(
        detectorID: "og", counts: 5, intervalSeconds: 1, monotonicSeconds: Double(t),
        wallTime: Date(), spectrum: [200: 3, 2000: 2]))
  }
  let estimate = try #require(estimator.estimate(calibration: calibration))
  #expect(estimate.counts == 50)
  #expect(estimate.doseModel == "spectrum G(E)")
  // Σ G over 10 s = 10·(3·0.001 + 2·0.01) = 0.23 → 0.023 µSv/h.
  #expect(isClose(estimate.doseRateUSvH ?? 0, 0.023, rel: 1e-12))
  let interval = try #require(estimate.doseRateInterval)
  let sum = SpectrumDoseModel.interval(of: estimate.spectrumWeights!)
  #expect(isClose(interval.lowerBound, sum.lowerBound / 10, rel: 1e-12))
  #expect(isClose(interval.upperBound, sum.upperBound / 10, rel: 1e-12))
  #expect(interval.contains(0.023))
  #expect(isClose(estimate.cps ?? 0, 5, rel: 1e-12))

  // With dead time τ the dose scales by n/m = 1/(1 − mτ).
  let dead = Calibration(
    sensitivityCpmPerUSvH: 6000, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0.01)
  let corrected = try #require(estimator.estimate(calibration: dead))
  #expect(isClose(corrected.doseRateUSvH ?? 0, 0.023 / (1 - 5 * 0.01), rel: 1e-12))

  // Without a model the same readings use the sensitivity.
  var plain = RateEstimator()
  for t in 1...10 { plain.add(counts: 5, interval: 1, end: Double(t)) }
  let counted = try #require(plain.estimate(calibration: calibration))
  #expect(counted.spectrumModel == nil && counted.doseModel == "sensitivity")
  #expect(isClose(counted.doseRateUSvH ?? 0, 5 * 60 / 6000, rel: 1e-12))
}

@Test("Device calibration: used when the configuration gives none, never over the configured one")
func spectrumDeviceCalibration() throws {
  let fromDevice = SpectrumDoseModel(energyCalibration: [], gFunction: model.gFunction, source: "t")
  #expect(fromDevice.usesDeviceCalibration)
  // Device keV = 0.5·channel: the same weights as the configured model.
  let device = try #require(
    fromDevice.weights(of: [200: 3, 2000: 2], deviceCalibration: [0, 0.5, 0]))
  let configured = try #require(model.weights(of: [200: 3, 2000: 2]))
  #expect(isClose(device.sum, configured.sum, rel: 1e-12))
  // No usable calibration anywhere: no weights (not a guess).
  #expect(fromDevice.weights(of: [200: 3]) == nil)
  #expect(fromDevice.weights(of: [200: 3], deviceCalibration: [5, 0, 0]) == nil)
  #expect(fromDevice.weights(of: [200: 3], deviceCalibration: [0, .nan, 0]) == nil)
  // The configured calibration wins over the device's.
  let ignored = try #require(model.weights(of: [200: 3], deviceCalibration: [0, 5, 0]))
  #expect(isClose(ignored.sum, 3 * 0.001, rel: 1e-12))
}
