import Foundation
import Testing

@testable import DoseCore

/// The survey bench of config/demo-ward.toml: SBM-20 at 106 cpm per µSv/h, background 1060
/// counts in 6000 s (0.1 µSv/h), surveys of 120 s, maximum detection limit 0.1 µSv/h (half of
/// the default 0.2 µSv/h release level). r* = 0.0637 cps (0.036 µSv/h), r# = 0.150 cps.
private let backgroundSeconds = 6000.0
private let trueBackgroundCPS = 1060.0 / 6000
private let surveySeconds = 120.0
private let maxDetectionLimit = 0.1

private enum Level {
  case clean, decisionThreshold, detectionLimit
}

/// What became of one simulated package surveyed until released, at most `maxSurveys` times.
private struct Outcome {
  /// Survey after which the combined test released it, nil if never.
  var releasedBy: Int?
  /// Survey after which today's rule (the last survey passed) would have released it.
  var lastPassedBy: Int?
}

/// A package whose true net rate sits at `level` of its own survey design (its background
/// measured afresh per package, so the error rate is over the background's noise too).
private func simulate(
  _ level: Level, packages: Int, maxSurveys: Int = 20, seed: UInt64
) -> [Outcome] {
  var rng = SeededGenerator(seed: seed)
  var outcomes: [Outcome] = []
  for _ in 0..<packages {
    let backgroundCounts = PoissonSampler.sample(
      mean: trueBackgroundCPS * backgroundSeconds, using: &rng)
    var calibration = noDeadTime
    calibration.background = BackgroundMeasurement(
      counts: backgroundCounts, seconds: backgroundSeconds)
    let limits = CharacteristicLimits(
      backgroundRate: Double(backgroundCounts) / backgroundSeconds,
      backgroundSeconds: backgroundSeconds, grossSeconds: surveySeconds)
    let net: Double
    switch level {
    case .clean: net = 0
    case .decisionThreshold: net = limits.decisionThreshold
    case .detectionLimit: net = limits.detectionLimit
    }
    var test = WasteReleaseTest(maxDetectionLimitUSvH: maxDetectionLimit)
    var outcome = Outcome()
    for survey in 1...maxSurveys where outcome.releasedBy == nil {
      let gross = PoissonSampler.sample(
        mean: (trueBackgroundCPS + net) * surveySeconds, using: &rng)
      let result = SurveyResult(
        grossCounts: gross, grossSeconds: surveySeconds, calibration: calibration,
        maxDetectionLimitUSvH: maxDetectionLimit)!
      if result.passed, outcome.lastPassedBy == nil { outcome.lastPassedBy = survey }
      test.add(SurveyCounts(result, detector: "bench"))
      if test.passed { outcome.releasedBy = survey }
    }
    outcomes.append(outcome)
  }
  return outcomes
}

private func fraction(_ outcomes: [Outcome], by surveys: Int, _ at: KeyPath<Outcome, Int?>)
  -> Double
{
  Double(outcomes.filter { ($0[keyPath: at] ?? .max) <= surveys }.count) / Double(outcomes.count)
}

@Suite struct WasteReleaseTestTests {
  @Test("At the detection limit, surveyed until released (≤ 20 times): released ≤ 5 %")
  func detectionLimitSurveyedUntilReleased() {
    let outcomes = simulate(.detectionLimit, packages: 2000, seed: 0x15_0002)
    // Today's rule, release on the last passing survey: 1 − 0.95²⁰ ≈ 64 % released.
    #expect(fraction(outcomes, by: 20, \.lastPassedBy) > 0.5)
    for surveys in [1, 5, 10, 20] {
      let released = fraction(outcomes, by: surveys, \.releasedBy)
      #expect(released <= WasteReleaseTest.defaultAlpha, "\(surveys) surveys: \(released)")
    }
  }

  @Test("At the decision threshold, surveyed until released (≤ 20 times): released ≤ 5 %")
  func decisionThresholdSurveyedUntilReleased() {
    let outcomes = simulate(.decisionThreshold, packages: 2000, seed: 0x15_0003)
    // Today's rule: half pass each survey, 1 − 0.5²⁰ are released.
    #expect(fraction(outcomes, by: 20, \.lastPassedBy) > 0.99)
    for surveys in [1, 5, 10, 20] {
      let released = fraction(outcomes, by: surveys, \.releasedBy)
      #expect(released <= WasteReleaseTest.defaultAlpha, "\(surveys) surveys: \(released)")
    }
  }

  @Test("A clean package is released: ≥ 95 % within 20 surveys, about 6 on average")
  func cleanPackageIsReleased() {
    let outcomes = simulate(.clean, packages: 2000, seed: 0x15_0004)
    #expect(fraction(outcomes, by: 20, \.releasedBy) >= 0.95)
    #expect(fraction(outcomes, by: 10, \.releasedBy) >= 0.8)
    let released = outcomes.compactMap(\.releasedBy)
    let mean = Double(released.reduce(0, +)) / Double(released.count)
    #expect(mean < 7, "\(mean) surveys on average")
  }

  @Test("One survey's evidence is the bet on its Poisson likelihood ratio")
  func oneSurveyByHand() throws {
    let survey = SurveyCounts(
      grossCounts: 20, grossSeconds: 120, backgroundCounts: 1060, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0.036, detectionLimitUSvH: 0.085)
    let test = WasteReleaseTest(surveys: [survey], maxDetectionLimitUSvH: 0.1)
    #expect(test.levelUSvH == 0.036)
    // c from the record: r# in cps over r# in µSv/h.
    let limits = CharacteristicLimits(
      backgroundRate: 1060.0 / 6000, backgroundSeconds: 6000, grossSeconds: 120)
    let perUSvH = limits.detectionLimit / 0.085
    // b₋: the exact one-sided lower bound at 0.9·1 % of 1060 counts.
    let lower = Gamma.quantile(probability: 0.009, shape: 1060) / 6000
    let null = lower + 0.036 * perUSvH
    let clean = 1060.0 / 6000
    let llr = 20 * log(clean / null) - (clean - null) * 120
    #expect(isClose(test.logEvidence, log(0.1 + 0.9 * exp(llr)), rel: 1e-12))
    #expect(isClose(test.decisionValue, log(25), rel: 1e-12))
    #expect(test.passed == (test.logEvidence >= log(25)))
    #expect(test.surveysNeededIfClean != nil)
    #expect(try #require(test.cleanGainPerSurvey) > 0)
  }

  @Test("A survey made while the package was hot costs at most ln 10 of the evidence")
  func earlyHotSurveyIsBounded() {
    let hot = SurveyCounts(
      grossCounts: 5000, grossSeconds: 120, backgroundCounts: 1060, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0.036, detectionLimitUSvH: 0.085)
    let test = WasteReleaseTest(surveys: [hot], maxDetectionLimitUSvH: 0.1)
    #expect(test.logEvidence >= log(0.1) - 1e-12)
    #expect(!test.passed)
    #expect(test.failure?.contains("survey again") == true)
  }

  @Test("No release without an adequate survey, a counted background or a finite reading")
  func refusals() {
    let short = SurveyCounts(
      grossCounts: 0, grossSeconds: 5, backgroundCounts: 1060, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0.2, detectionLimitUSvH: 0.7)
    let inadequate = WasteReleaseTest(
      surveys: Array(repeating: short, count: 50), maxDetectionLimitUSvH: 0.1)
    #expect(!inadequate.passed)
    #expect(inadequate.failure?.contains("survey longer") == true)

    let noBackground = SurveyCounts(
      grossCounts: 0, grossSeconds: 120, backgroundCounts: 0, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0, detectionLimitUSvH: 0.0128)
    let blank = WasteReleaseTest(
      surveys: Array(repeating: noBackground, count: 50), maxDetectionLimitUSvH: 0.1)
    #expect(!blank.passed)
    #expect(blank.failure?.contains("background") == true)

    // A background counted for a fifth of the survey: b̂ − b₋ exceeds r*, so even a package
    // at b̂ exactly, surveyed 50 times, cannot be shown below r*.
    var briefBackground = noDeadTime
    briefBackground.background = BackgroundMeasurement(counts: 11, seconds: 60)
    let brief = SurveyCounts(
      SurveyResult(
        grossCounts: 55, grossSeconds: 300, calibration: briefBackground,
        maxDetectionLimitUSvH: 0.2)!)
    let tooBrief = WasteReleaseTest(
      surveys: Array(repeating: brief, count: 50), maxDetectionLimitUSvH: 0.2)
    #expect(tooBrief.adequateSurveys == 50)
    #expect(!tooBrief.passed)
    #expect(tooBrief.surveysNeededIfClean == nil)
    #expect(tooBrief.failure?.contains("count the background longer") == true)

    // Clean surveys, then one on a saturated counter: the evidence falls by ln 10.
    let clean = SurveyCounts(
      grossCounts: 15, grossSeconds: 120, backgroundCounts: 1060, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0.036, detectionLimitUSvH: 0.085)
    var saturated = clean
    saturated.saturated = true
    let before = WasteReleaseTest(surveys: [clean, clean], maxDetectionLimitUSvH: 0.1)
    let after = WasteReleaseTest(surveys: [clean, clean, saturated], maxDetectionLimitUSvH: 0.1)
    #expect(isClose(after.logEvidence, before.logEvidence + log(0.1), rel: 1e-12))
  }

  @Test("A second background measurement gets a tenth of the first one's error share")
  func backgroundsShareTheirErrorRate() {
    let first = SurveyCounts(
      grossCounts: 21, grossSeconds: 120, backgroundCounts: 1060, backgroundSeconds: 6000,
      decisionThresholdUSvH: 0.036, detectionLimitUSvH: 0.085)
    var second = first
    second.backgroundCounts = 1100
    second.backgroundSeconds = 6000
    let test = WasteReleaseTest(surveys: [first, second], maxDetectionLimitUSvH: 0.1)
    var expected = 0.0
    for (survey, share) in [(first, 0.009), (second, 0.0009)] {
      let counts = Double(survey.backgroundCounts)
      let lower: Double = Gamma.quantile(probability: share, shape: counts) / 6000
      let null: Double = lower + 0.036 * survey.cpsPerUSvH!
      let clean: Double = counts / 6000
      let llr: Double = 21 * log(clean / null) - (clean - null) * 120
      expected += log(0.1 + 0.9 * exp(llr))
    }
    #expect(isClose(test.logEvidence, expected, rel: 1e-12))
  }
}
