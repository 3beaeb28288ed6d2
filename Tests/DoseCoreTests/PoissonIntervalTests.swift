import Foundation
import Testing

@testable import DoseCore

struct GarwoodCase: Sendable, CustomTestStringConvertible {
  let counts: Double
  let lower: Double
  let upper: Double
  var testDescription: String { "k = \(Int(counts))" }
}

/// Expected bounds from scipy.stats.chi2:
/// `python3 -c "from scipy.stats import chi2; k=K; print(chi2.ppf(0.025, 2*k)/2,
/// chi2.ppf(0.975, 2*k+2)/2)"` (lower bound 0 for k = 0). They agree with Garwood's table
/// (k=0 → 3.689, k=1 → 0.0253…5.572, k=10 → 4.795…18.39).
let garwoodCases: [GarwoodCase] = [
  GarwoodCase(counts: 0, lower: 0, upper: 3.6888794541139354),
  GarwoodCase(counts: 1, lower: 0.025317807984289876, upper: 5.571643390938898),
  GarwoodCase(counts: 5, lower: 1.6234863901184207, upper: 11.66833207932267),
  GarwoodCase(counts: 10, lower: 4.7953886961324335, upper: 18.39035604201778),
  GarwoodCase(counts: 100, lower: 81.36399125092314, upper: 121.62679379242638),
  GarwoodCase(counts: 10_000, lower: 9804.952467260184, upper: 10197.951624661473),
]

@Test("Exact Poisson 95 % interval matches scipy.stats.chi2", arguments: garwoodCases)
func garwoodInterval(_ c: GarwoodCase) {
  let interval = PoissonInterval(counts: c.counts)
  #expect(isClose(interval.lower, c.lower, rel: 1e-8))
  #expect(isClose(interval.upper, c.upper, rel: 1e-8))
}

@Test("A 90 % interval for k = 10 is narrower and matches scipy.stats.chi2")
func garwoodNinetyPercent() {
  // scipy.stats.chi2: chi2.ppf(0.05, 20)/2 = 5.425405697091295, chi2.ppf(0.95, 22)/2 =
  // 16.962219235721903.
  let interval = PoissonInterval(counts: 10, confidence: 0.90)
  #expect(isClose(interval.lower, 5.425405697091295, rel: 1e-8))
  #expect(isClose(interval.upper, 16.962219235721903, rel: 1e-8))
}

struct GammaPoint: Sendable, CustomTestStringConvertible {
  let shape: Double
  let x: Double
  let p: Double
  var testDescription: String { "P(\(shape), \(x))" }
}

/// P(a, x) from scipy.stats.gamma.cdf(x, a). Covers both branches of the implementation
/// (series for x < a + 1, continued fraction otherwise). Cross-checks by hand:
/// P(1, 1) = 1 − e⁻¹ = 0.63212…; P(½, 2) = erf(√2) = P(|Z| < 2) = 0.95450….
let gammaPoints: [GammaPoint] = [
  GammaPoint(shape: 1, x: 1, p: 0.6321205588285577),
  GammaPoint(shape: 0.5, x: 2, p: 0.9544997361036415),
  GammaPoint(shape: 3, x: 2.5, p: 0.45618688411667035),
  GammaPoint(shape: 10, x: 15, p: 0.9301463393005901),
  GammaPoint(shape: 100, x: 90, p: 0.15822098918643007),
  GammaPoint(shape: 5, x: 0.1, p: 7.667801686189327e-08),
]

@Test("Gamma.regularizedLower matches scipy.stats.gamma.cdf", arguments: gammaPoints)
func regularizedLower(_ point: GammaPoint) {
  #expect(isClose(Gamma.regularizedLower(shape: point.shape, x: point.x), point.p, rel: 1e-10))
}

@Test("Gamma.regularizedLower is 0 at and below x = 0")
func regularizedLowerAtZero() {
  #expect(Gamma.regularizedLower(shape: 2, x: 0) == 0)
  #expect(Gamma.regularizedLower(shape: 2, x: -1) == 0)
}

@Test("Gamma.quantile inverts regularizedLower")
func gammaQuantile() {
  // scipy.stats.gamma.ppf(0.3, 2.5) = 1.4999540663799533.
  #expect(isClose(Gamma.quantile(probability: 0.3, shape: 2.5), 1.4999540663799533, rel: 1e-9))
  // Exponential (a = 1): P(1, x) = 1 − e^(−x), so the median is ln 2 (hand formula).
  #expect(isClose(Gamma.quantile(probability: 0.5, shape: 1), log(2.0), rel: 1e-10))
}

@Test("Normal.quantile matches scipy.stats.norm.ppf")
func normalQuantile() {
  // scipy.stats.norm.ppf(0.975) = 1.959963984540054; ppf(0.01) = −2.3263478740408408 (the
  // lower-tail branch of Acklam's approximation); Acklam's relative error is < 1.2e-9.
  #expect(isClose(Normal.quantile(0.975), 1.959963984540054, rel: 1.2e-9))
  #expect(isClose(Normal.quantile(0.025), -1.959963984540054, rel: 1.2e-9))
  #expect(isClose(Normal.quantile(0.01), -2.3263478740408408, rel: 1.2e-9))
  #expect(abs(Normal.quantile(0.5)) < 1e-15)
}
