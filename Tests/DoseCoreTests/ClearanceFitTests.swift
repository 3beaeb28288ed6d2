import Foundation
import Testing

@testable import DoseCore

/// Clearance fits: exact recovery from noiseless curves, coverage of the stated uncertainty on
/// seeded Poisson data, the model choice, the prediction interval against Fieller's formula,
/// and refusal of bad input without NaN.
struct ClearanceFitTests {
  static let hour = 3600.0
  /// Counts per µSv/h in a 1-minute count at 106 cpm per µSv/h (SBM-20, DOMAIN.md).
  static let countsPerUSvHMinute = 106.0

  static func curveSamples(_ curve: ClearanceCurve, hours: [Double]) -> [ClearanceSample] {
    hours.map {
      ClearanceSample(timeSeconds: $0 * hour, doseRateUSvH: curve.doseRateUSvH(at: $0 * hour))
    }
  }

  /// Each sample is a Poisson count over `minutes` of the curve's dose rate.
  static func poissonSamples(
    _ curve: ClearanceCurve, hours: [Double], minutes: Double, seed: UInt64
  ) -> [ClearanceSample] {
    var rng = SeededGenerator(seed: seed)
    let perUSvH = countsPerUSvHMinute * minutes
    return hours.map {
      let mean = curve.doseRateUSvH(at: $0 * hour) * perUSvH
      let counts = Double(PoissonSampler.sample(mean: mean, using: &rng))
      return ClearanceSample(
        timeSeconds: $0 * hour, doseRateUSvH: counts / perUSvH, counts: counts)
    }
  }

  static let lu177PSMA = ClearanceCurve.monoExponential(
    initialUSvH: 30, halfLifeSeconds: 40.5 * hour)
  static let biCurve = ClearanceCurve.biExponential(
    initialUSvH: 30, firstFraction: 0.5, firstHalfLifeSeconds: 4 * hour,
    secondHalfLifeSeconds: 50 * hour)
  static let everyFourHours = stride(from: 0.0, through: 96, by: 4).map { $0 }

  func fitted(_ samples: [ClearanceSample]) throws -> ClearanceFit {
    try ClearanceFitter.fit(samples).get()
  }

  @Test func noiselessMonoRecoversTheHalfLife() throws {
    let fit = try fitted(Self.curveSamples(Self.lu177PSMA, hours: Self.everyFourHours))
    #expect(fit.model == .monoExponential)
    #expect(isClose(fit.mono.halfLifeSeconds, 40.5 * Self.hour, rel: 1e-12))
    #expect(fit.mono.halfLifeStandardUncertaintySeconds! < 1e-6 * Self.hour)
    // Time to 5 µSv/h: 40.5 h · log2(30/5) = 104.6910 h (glowgreen gives the same).
    let prediction = fit.predictTime(toReach: 5)
    #expect(isClose(prediction.timeSeconds, 40.5 * log2(6) * Self.hour, rel: 1e-12))
    #expect(isClose(prediction.latestSeconds, 40.5 * log2(6) * Self.hour, rel: 1e-9))
  }

  @Test func noiselessWithCountsIsAlsoExact() throws {
    let samples = Self.curveSamples(Self.lu177PSMA, hours: [2, 6, 24, 48, 72]).map {
      ClearanceSample(
        timeSeconds: $0.timeSeconds, doseRateUSvH: $0.doseRateUSvH,
        counts: $0.doseRateUSvH * Self.countsPerUSvHMinute)
    }
    let fit = try fitted(samples)
    #expect(fit.weighted)
    #expect(isClose(fit.mono.halfLifeSeconds, 40.5 * Self.hour, rel: 1e-12))
  }

  @Test func poissonDataWithinItsStatedUncertainty() throws {
    let samples = Self.poissonSamples(
      Self.lu177PSMA, hours: [1, 3, 6, 12, 24, 30, 48, 54, 72], minutes: 1, seed: 20_261_127)
    let fit = try fitted(samples)
    let halfLife = try #require(fit.mono.halfLifeSeconds)
    let uncertainty = try #require(fit.mono.halfLifeStandardUncertaintySeconds)
    #expect(abs(halfLife - 40.5 * Self.hour) <= 2 * uncertainty)
    #expect(uncertainty > 0.001 * halfLife && uncertainty < 0.05 * halfLife)
  }

  /// Over 400 seeds the 95 % interval T̂ ± k·u(T) must contain the true half-life about 95 %
  /// of the time (binomial standard error 1.1 %: accept 90–99 %).
  @Test func stated95PercentIntervalCovers() throws {
    var covered = 0
    let trials = 400
    for seed in 0..<trials {
      let samples = Self.poissonSamples(
        Self.lu177PSMA, hours: [1, 4, 8, 24, 48, 72], minutes: 1, seed: UInt64(seed) &* 7919)
      let fit = try fitted(samples)
      let halfLife = try #require(fit.mono.halfLifeSeconds)
      let u = try #require(fit.mono.halfLifeStandardUncertaintySeconds)
      if abs(halfLife - 40.5 * Self.hour) <= fit.coverageFactor * u { covered += 1 }
    }
    let fraction = Double(covered) / Double(trials)
    #expect(fraction > 0.90 && fraction < 0.99, "coverage \(fraction)")
  }

  /// The mono-exponential interval equals the roots of Fieller's quadratic
  /// (λ² − k²v_λ)u² − 2λ(c − ln L)u + (c − ln L)² − k²v_c = 0, u = t − t_ref.
  @Test func monoIntervalIsFieller() throws {
    let samples = Self.poissonSamples(
      Self.lu177PSMA, hours: [1, 4, 8, 24, 48], minutes: 1, seed: 5)
    let fit = try fitted(samples)
    let level = 3.0
    let prediction = fit.predictTime(toReach: level)
    let mono = fit.mono
    let k = fit.coverageFactor
    let lambda = mono.decayConstantPerSecond
    let gap = mono.logDoseRateAtReference - log(level)
    let a2 = lambda * lambda - k * k * mono.decayConstantVariance
    let a1 = -2 * lambda * gap
    let a0 = gap * gap - k * k * mono.logDoseRateVariance
    let root = (a1 * a1 - 4 * a2 * a0).squareRoot()
    let early = mono.referenceTimeSeconds + (-a1 - root) / (2 * a2)
    let late = mono.referenceTimeSeconds + (-a1 + root) / (2 * a2)
    #expect(isClose(prediction.earliestSeconds, early, rel: 1e-9))
    #expect(isClose(prediction.latestSeconds, late, rel: 1e-9))
    let central = try #require(prediction.timeSeconds)
    #expect(early < central && central < late)
  }

  @Test func noiselessBiExponentialIsRecovered() throws {
    let hours = stride(from: 0.0, through: 120, by: 4).map { $0 }
    let fit = try fitted(Self.curveSamples(Self.biCurve, hours: hours))
    #expect(fit.model == .biExponential, "\(fit.modelReason)")
    let bi = try #require(fit.bi)
    #expect(isClose(bi.fast.halfLifeSeconds, 4 * Self.hour, rel: 1e-7))
    #expect(isClose(bi.slow.halfLifeSeconds, 50 * Self.hour, rel: 1e-7))
    #expect(isClose(fit.curve.doseRateUSvH(at: 0), 30, rel: 1e-7))
    let exact = try #require(Self.biCurve.timeToReach(2))
    #expect(isClose(fit.predictTime(toReach: 2).timeSeconds, exact, rel: 1e-7))
    #expect(isClose(fit.terminalHalfLifeSeconds, 50 * Self.hour, rel: 1e-7))
  }

  @Test func noisyBiExponentialIsChosenAndWithinUncertainty() throws {
    let hours = [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 36, 48, 60, 72, 96, 120]
    let samples = Self.poissonSamples(Self.biCurve, hours: hours, minutes: 5, seed: 11)
    let fit = try fitted(samples)
    #expect(fit.model == .biExponential, "\(fit.modelReason)")
    let bi = try #require(fit.bi)
    let slow = try #require(bi.slow.halfLifeSeconds)
    let fast = try #require(bi.fast.halfLifeSeconds)
    #expect(abs(slow - 50 * Self.hour) <= 3 * bi.slowHalfLifeStandardUncertaintySeconds)
    #expect(abs(fast - 4 * Self.hour) <= 3 * bi.fastHalfLifeStandardUncertaintySeconds)
    let prediction = fit.predictTime(toReach: 2)
    let central = try #require(prediction.timeSeconds)
    let earliest = try #require(prediction.earliestSeconds)
    let latest = try #require(prediction.latestSeconds)
    #expect(earliest < central && central < latest)
    let truth = try #require(Self.biCurve.timeToReach(2))
    #expect(earliest <= truth && truth <= latest)
  }

  /// On mono-exponential data the bi-exponential must be picked rarely: at most the F test's
  /// 5 % significance (accept up to 12 % over 100 seeds). In practice it is less, because a
  /// bi-exponential fitted to mono data usually degenerates (two equal rates, or a singular
  /// covariance) and is refused before the test; on this seed set none is picked.
  @Test func monoDataRarelyPicksBiExponential() throws {
    var bi = 0
    let hours = [1.0, 2, 4, 8, 12, 24, 36, 48, 60, 72]
    for seed in 0..<100 {
      let samples = Self.poissonSamples(
        Self.lu177PSMA, hours: hours, minutes: 1, seed: 1000 + UInt64(seed))
      if try fitted(samples).model == .biExponential { bi += 1 }
    }
    #expect(bi <= 12, "\(bi) of 100 mono data sets fitted as bi-exponential")
  }

  @Test func fewPointsStayMono() throws {
    let fit = try fitted(Self.curveSamples(Self.biCurve, hours: [1, 10, 30, 60]))
    #expect(fit.model == .monoExponential)
    #expect(fit.modelReason.contains("4 samples"))
  }

  @Test(arguments: [
    ([(0.0, 10.0), (3600, 9)], ClearanceFitError.tooFewPoints(count: 2, needed: 3)),
    ([(0, 10), (3600, 0), (7200, 8)], .nonPositiveDoseRate(index: 1, doseRateUSvH: 0)),
    ([(0, 10), (3600, 9), (7200, -8)], .nonPositiveDoseRate(index: 2, doseRateUSvH: -8)),
    ([(0, 10), (.nan, 9), (7200, 8)], .nonFiniteValue(index: 1)),
    ([(0, 10), (3600, .infinity), (7200, 8)], .nonFiniteValue(index: 1)),
    ([(60, 10), (60, 9), (60, 8)], .tooFewDistinctTimes(count: 1, needed: 3)),
    ([(0, 10), (0, 9), (60, 8), (60, 7)], .tooFewDistinctTimes(count: 2, needed: 3)),
  ])
  func badInputCannotFit(points: [(Double, Double)], expected: ClearanceFitError) {
    let samples = points.map { ClearanceSample(timeSeconds: $0.0, doseRateUSvH: $0.1) }
    #expect(throws: expected) { try ClearanceFitter.fit(samples).get() }
  }

  @Test func uncertaintiesMustBeUsable() {
    let mixed = [
      ClearanceSample(timeSeconds: 0, doseRateUSvH: 10, standardUncertaintyUSvH: 1),
      ClearanceSample(timeSeconds: 60, doseRateUSvH: 9),
      ClearanceSample(timeSeconds: 120, doseRateUSvH: 8, standardUncertaintyUSvH: 1),
    ]
    #expect(throws: ClearanceFitError.mixedUncertainties) { try ClearanceFitter.fit(mixed).get() }
    let noCounts = [
      ClearanceSample(timeSeconds: 0, doseRateUSvH: 10, counts: 100),
      ClearanceSample(timeSeconds: 60, doseRateUSvH: 9, counts: 0),
      ClearanceSample(timeSeconds: 120, doseRateUSvH: 8, counts: 80),
    ]
    #expect(throws: ClearanceFitError.invalidUncertainty(index: 1)) {
      try ClearanceFitter.fit(noCounts).get()
    }
  }

  /// A rising dose rate fits, but has no half-life and no predicted time: nothing is NaN
  /// (JSONEncoder refuses non-finite numbers) and slow clearance is flagged.
  @Test func risingDoseRateHasNoPrediction() throws {
    let samples = [(0.0, 5.0), (3600, 6), (7200, 7), (10_800, 8), (14_400, 9), (18_000, 10)].map {
      ClearanceSample(timeSeconds: $0.0, doseRateUSvH: $0.1)
    }
    let fit = try fitted(samples)
    #expect(fit.mono.halfLifeSeconds == nil)
    #expect(fit.mono.halfLifeStandardUncertaintySeconds == nil)
    let prediction = fit.predictTime(toReach: 1)
    #expect(prediction.timeSeconds == nil && prediction.latestSeconds == nil)
    #expect(SlowClearanceCriterion.lutetium177PSMA.assess(fit).slow)
    _ = try JSONEncoder().encode(fit)
    _ = try JSONEncoder().encode(prediction)
  }

  @Test func flatNoisyDataHasNoUpperBound() throws {
    // Barely falling, very noisy: λ is not significantly positive, so the upper band never
    // reaches the level and `latest` is nil ("not shown"), never a number.
    let samples = [(0.0, 10.0), (3600, 14), (7200, 7), (10_800, 12), (14_400, 8)].map {
      ClearanceSample(timeSeconds: $0.0, doseRateUSvH: $0.1)
    }
    let fit = try fitted(samples)
    let prediction = fit.predictTime(toReach: 1)
    #expect(prediction.latestSeconds == nil)
    _ = try JSONEncoder().encode(prediction)
  }

  @Test func slowClearanceCriteria() throws {
    let typical = try fitted(Self.curveSamples(Self.lu177PSMA, hours: Self.everyFourHours))
    #expect(!SlowClearanceCriterion.lutetium177PSMA.assess(typical).slow)
    let slowCurve = ClearanceCurve.monoExponential(
      initialUSvH: 30, halfLifeSeconds: 100 * Self.hour)
    let slow = try fitted(Self.curveSamples(slowCurve, hours: Self.everyFourHours))
    let assessment = SlowClearanceCriterion.lutetium177PSMA.assess(slow)
    #expect(assessment.slow)
    #expect(isClose(assessment.halfLifeSeconds, 100 * Self.hour, rel: 1e-9))
    // Half the physical half-life of Lu-177: 0.5 × 6.647 d = 79.76 h.
    let half = SlowClearanceCriterion.fractionOfPhysicalHalfLife(
      0.5, of: NuclideTable.lookup("Lu-177")!)
    #expect(isClose(half.thresholdHalfLifeSeconds, 0.5 * 6.647 * 86_400, rel: 1e-12))
    #expect(half.assess(slow).slow && !half.assess(typical).slow)
  }
}

/// Random, often absurd, sample sets: the fitter must return an error or a fit whose every
/// number is finite (JSONEncoder refuses NaN and infinity), and never trap.
struct ClearanceFitFuzzTests {
  @Test func randomInputNeverTrapsOrGivesNaN() throws {
    var rng = SeededGenerator(seed: 77)
    let specials: [Double] = [
      0, -1, .nan, .infinity, 1e-300, 1e300, Double.leastNonzeroMagnitude, 1e15,
    ]
    var fitted = 0
    for _ in 0..<3000 {
      let count = Int(rng.nextUnit() * 9)
      var samples: [ClearanceSample] = []
      for _ in 0..<count {
        let time =
          rng.nextUnit() < 0.05
          ? specials[Int(rng.nextUnit() * 8)] : (rng.nextUnit() * 10).rounded() * 3600
        let dose =
          rng.nextUnit() < 0.05
          ? specials[Int(rng.nextUnit() * 8)] : exp(rng.nextUnit() * 20 - 10)
        let sigma: Double? = rng.nextUnit() < 0.3 ? dose * rng.nextUnit() : nil
        samples.append(
          ClearanceSample(timeSeconds: time, doseRateUSvH: dose, standardUncertaintyUSvH: sigma))
      }
      guard case .success(let fit) = ClearanceFitter.fit(samples) else { continue }
      fitted += 1
      _ = try JSONEncoder().encode(fit)
      for level in [1e-6, 1.0, 1e6] {
        _ = try JSONEncoder().encode(fit.predictTime(toReach: level))
      }
      _ = try JSONEncoder().encode(SlowClearanceCriterion.lutetium177PSMA.assess(fit))
    }
    #expect(fitted > 100)
  }
}
