import Foundation

/// One release survey of a waste package as the release test sees it: everything comes from
/// the survey's 10 CFR 35.2092 record (counts, times, and the limits it stated), so surveys
/// recorded before this test existed are decided from their recorded counts.
public struct SurveyCounts: Sendable, Hashable {
  /// Observed gross counts at the surface over `grossSeconds`.
  public var grossCounts: UInt64
  public var grossSeconds: Double
  /// The survey detector's background measurement the survey was compared with.
  public var backgroundCounts: UInt64
  public var backgroundSeconds: Double
  /// The survey's ISO 11929 decision threshold and detection limit as dose rates, µSv/h.
  public var decisionThresholdUSvH: Double
  public var detectionLimitUSvH: Double
  /// The counter was saturated (no finite surface rate): no Poisson model, worst evidence.
  public var saturated: Bool
  /// Detector identity: backgrounds of different detectors are different measurements.
  public var detector: String

  public init(
    grossCounts: UInt64, grossSeconds: Double, backgroundCounts: UInt64,
    backgroundSeconds: Double, decisionThresholdUSvH: Double, detectionLimitUSvH: Double,
    saturated: Bool = false, detector: String = ""
  ) {
    self.grossCounts = grossCounts
    self.grossSeconds = grossSeconds
    self.backgroundCounts = backgroundCounts
    self.backgroundSeconds = backgroundSeconds
    self.decisionThresholdUSvH = decisionThresholdUSvH
    self.detectionLimitUSvH = detectionLimitUSvH
    self.saturated = saturated
    self.detector = detector
  }

  public init(_ result: SurveyResult, detector: String = "") {
    self.init(
      grossCounts: result.grossCounts, grossSeconds: result.grossSeconds,
      backgroundCounts: result.background.counts, backgroundSeconds: result.background.seconds,
      decisionThresholdUSvH: result.decisionThresholdUSvH,
      detectionLimitUSvH: result.detectionLimitUSvH, saturated: !result.surfaceUSvH.isFinite,
      detector: detector)
  }

  /// Background rate r₀ = n₀/t₀, observed cps.
  public var backgroundCPS: Double {
    backgroundSeconds > 0 ? Double(backgroundCounts) / backgroundSeconds : 0
  }

  /// Net count rate per µSv/h of this survey's detector, recovered from the record: the
  /// detection limit r# (cps, recomputed from the recorded times and background) over the
  /// recorded r# in µSv/h (`Calibration.netDoseRate` is linear). r# ≥ k²/t_g > 0 always.
  public var cpsPerUSvH: Double? {
    guard grossSeconds > 0, backgroundSeconds > 0, detectionLimitUSvH > 0,
      detectionLimitUSvH.isFinite
    else { return nil }
    let limits = CharacteristicLimits(
      backgroundRate: backgroundCPS, backgroundSeconds: backgroundSeconds,
      grossSeconds: grossSeconds)
    return limits.detectionLimit / detectionLimitUSvH
  }
}

/// The release decision of a waste package over *all* its surveys, with a stated error rate
/// however often it is surveyed (docs/measurement.md §8).
///
/// One survey decides "indistinguishable" when its net rate is at or below the ISO 11929
/// decision threshold r*: a package exactly at r* passes one survey half the time, one at the
/// detection limit r# 5 % of the time, and surveyed until it passes, any package above
/// background is eventually released. This test instead asks of the whole survey history:
/// is the package's net rate below L, the decision threshold of its first adequate survey?
///
/// - Hypothesis to reject ("danger"): the net rate is at or above L. For survey i with gross
///   counts n in t seconds, the null gross rate is λ₀ = b₋ + L·c (c: cps per µSv/h, b₋ the
///   background's exact one-sided lower bound at α_b,j) and the alternative is a clean package,
///   λ₁ = b̂ = n₀/t₀. LR_i = ρⁿ·e^{(1−ρ)λ₀t}, ρ = λ₁/λ₀ < 1; at a true gross rate λ its
///   expectation is e^{(1−ρ)(λ₀−λ)t} (Poisson generating function), ≤ 1 for every λ ≥ λ₀.
///   Where ρ ≥ 1 (a background counted too briefly) the survey bets nothing (LR = 1).
/// - Each survey bets a fraction θ of the evidence: e_i = 1 − θ + θ·LR_i. The product
///   E = Πe_i is a nonnegative supermartingale under the null (given the backgrounds), so by
///   Ville's inequality it *ever* reaches 1/α_w with probability at most α_w. θ < 1 bounds
///   what one survey made too early (while the package was still above L) costs: at most
///   ln(1/(1 − θ)) of the evidence.
/// - The backgrounds are measurements too: the bounds b₋ are wrong with probability at most
///   Σ α_b,j ≤ α_b (the j-th distinct background measurement gets 0.9·α_b·10^{1−j}).
///
/// So a package at or above L is released with probability at most α = α_w + α_b, the
/// stated error rate, whether it is surveyed once or a hundred times.
public struct WasteReleaseTest: Sendable, Hashable {
  /// α_w + α_b = 5 %: project choice, the single survey's ISO 11929 error rates (α = β = 5 %,
  /// health-physics.md §6.3/§6.4), now for the whole survey history.
  public static let defaultAlpha = 0.05
  /// Share of α spent on the background lower bounds: project choice (1 % of 5 %); a smaller
  /// share widens b₋ and costs clean packages surveys, a larger one raises 1/α_w.
  public static let defaultBackgroundAlpha = 0.01
  /// θ, the fraction of the evidence each survey bets: project choice. 0.9 costs a clean
  /// package about 0.1 surveys on average (docs/measurement.md §8) and caps a survey made
  /// while the package was still above L at ln 10 ≈ 2.3 of the evidence.
  public static let defaultBet = 0.9

  public let alpha: Double
  public let backgroundAlpha: Double
  public let bet: Double
  public let maxDetectionLimitUSvH: Double
  /// L, µSv/h: the decision threshold of the first adequate survey; nil before one.
  public private(set) var levelUSvH: Double?
  /// ln E over every survey.
  public private(set) var logEvidence = 0.0
  /// ln(1/α_w).
  public let decisionValue: Double
  public private(set) var surveys = 0
  public private(set) var adequateSurveys = 0
  /// Expected log evidence one more survey adds for a clean package (gross = b̂), with the last
  /// survey's design; ≤ 0 when counting cannot show it (background counted too briefly).
  public var cleanGainPerSurvey: Double? {
    lastDesign.map { Self.expectedLogBet($0, bet: bet) }
  }
  private var lastDesign: Design?
  /// Surveys before the first adequate one, waiting for L.
  private var pending: [SurveyCounts] = []
  private var backgrounds: [Background] = []
  /// b₋ of each background in `backgrounds`, cps.
  private var backgroundLowerCPS: [Double] = []

  public var sequentialAlpha: Double { alpha - backgroundAlpha }
  public var passed: Bool {
    levelUSvH != nil && adequateSurveys > 0 && logEvidence >= decisionValue
  }

  /// Surveys a clean package is expected to need still (Wald's approximation, no overshoot);
  /// 0 when passed, nil when counting cannot show it.
  public var surveysNeededIfClean: Int? {
    if passed { return 0 }
    guard let level = levelUSvH, level > 0, let gain = cleanGainPerSurvey, gain > 1e-9 else {
      return nil
    }
    return Swift.max(1, Int(((decisionValue - logEvidence) / gain).rounded(.up)))
  }

  /// Why the package may not be released on its surveys; nil when it may.
  public var failure: String? {
    if passed { return nil }
    if surveys == 0 { return "no release survey: survey it first" }
    if adequateSurveys == 0 {
      return "no survey could see the release level (detection limit above the maximum): "
        + "survey longer"
    }
    guard let level = levelUSvH, level > 0 else {
      return "the background measurement has no counts: count the background longer"
    }
    let evidence = String(
      format: "%d surveys give evidence %.3g of the %.3g needed to show the net rate below "
        + "%.3g µSv/h (error rate %.3g %%)", surveys, exp(logEvidence), exp(decisionValue), level,
      alpha * 100)
    if let more = surveysNeededIfClean {
      return evidence + ": survey again (a clean package needs about \(more) more)"
    }
    return evidence
      + ": the background was counted too briefly for counting the package to show it; "
      + "count the background longer"
  }

  /// - Parameters: the largest detection limit a survey may have and count as adequate
  ///   (µSv/h); the error rates and the bet.
  public init(
    maxDetectionLimitUSvH: Double, alpha: Double = defaultAlpha,
    backgroundAlpha: Double = defaultBackgroundAlpha, bet: Double = defaultBet
  ) {
    precondition(alpha > backgroundAlpha && backgroundAlpha > 0 && alpha < 1)
    precondition(bet > 0 && bet <= 1)
    self.alpha = alpha
    self.backgroundAlpha = backgroundAlpha
    self.bet = bet
    self.maxDetectionLimitUSvH = maxDetectionLimitUSvH
    decisionValue = log(1 / (alpha - backgroundAlpha))
  }

  /// Every survey of the package, in the order done.
  public init(
    surveys: [SurveyCounts], maxDetectionLimitUSvH: Double, alpha: Double = defaultAlpha,
    backgroundAlpha: Double = defaultBackgroundAlpha, bet: Double = defaultBet
  ) {
    self.init(
      maxDetectionLimitUSvH: maxDetectionLimitUSvH, alpha: alpha,
      backgroundAlpha: backgroundAlpha, bet: bet)
    for survey in surveys { add(survey) }
  }

  /// Adds the package's next survey.
  public mutating func add(_ survey: SurveyCounts) {
    surveys += 1
    if survey.detectionLimitUSvH <= maxDetectionLimitUSvH {
      adequateSurveys += 1
      if levelUSvH == nil { levelUSvH = survey.decisionThresholdUSvH }
    }
    guard let level = levelUSvH, level > 0 else {
      pending.append(survey)
      return
    }
    let waiting = pending
    pending = []
    for earlier in waiting { evaluate(earlier, level: level) }
    evaluate(survey, level: level)
  }

  private mutating func evaluate(_ survey: SurveyCounts, level: Double) {
    guard !survey.saturated,
      let design = design(of: survey, level: level)
    else {
      logEvidence += log(1 - bet)  // −∞ at θ = 1: a saturated survey stops the release
      return
    }
    logEvidence += Self.logBet(design.logLikelihoodRatio(counts: survey.grossCounts), bet: bet)
    lastDesign = design
  }

  /// One survey's test: null gross rate λ₀, clean alternative λ₁, counting time t.
  struct Design: Hashable {
    let null: Double
    let clean: Double
    let seconds: Double

    func logLikelihoodRatio(counts n: UInt64) -> Double {
      // ρ ≥ 1 would bet on *higher* counts, which the null does not bound: no bet.
      guard clean < null else { return 0 }
      let shift = -(clean - null) * seconds
      if clean <= 0 { return n == 0 ? shift : -.infinity }
      return Double(n) * log(clean / null) + shift
    }
  }

  struct Background: Hashable {
    let counts: UInt64
    let seconds: Double
    let detector: String
  }

  /// Null and alternative of one survey; nil when its record cannot give them.
  private mutating func design(of survey: SurveyCounts, level: Double) -> Design? {
    guard let perUSvH = survey.cpsPerUSvH, survey.grossSeconds > 0 else { return nil }
    let key = Background(
      counts: survey.backgroundCounts, seconds: survey.backgroundSeconds,
      detector: survey.detector)
    let lower: Double
    if let index = backgrounds.firstIndex(of: key) {
      lower = backgroundLowerCPS[index]
    } else {
      // 0.9·α_b, 0.09·α_b, …: sums to α_b however many backgrounds a package meets.
      let share = backgroundAlpha * 0.9 * pow(0.1, Double(backgrounds.count))
      lower =
        survey.backgroundCounts > 0
        ? Gamma.quantile(probability: share, shape: Double(survey.backgroundCounts))
          / survey.backgroundSeconds : 0
      backgrounds.append(key)
      backgroundLowerCPS.append(lower)
    }
    return Design(
      null: lower + level * perUSvH, clean: survey.backgroundCPS, seconds: survey.grossSeconds)
  }

  /// ln(1 − θ + θ·e^x), without overflow.
  static func logBet(_ x: Double, bet: Double) -> Double {
    if x == -.infinity { return log(1 - bet) }
    if x > 0 { return x + log(bet + (1 - bet) * exp(-x)) }
    return log(1 - bet + bet * exp(x))
  }

  /// E[ln e] for a clean package: n ~ Poisson(λ₁·t), summed over ±12 σ of n.
  static func expectedLogBet(_ design: Design, bet: Double) -> Double {
    let mean = design.clean * design.seconds
    guard mean > 0 else { return logBet(design.logLikelihoodRatio(counts: 0), bet: bet) }
    let spread = 12 * mean.squareRoot() + 10
    let low = UInt64(Swift.max(0, (mean - spread).rounded(.down)))
    let high = UInt64((mean + spread).rounded(.up))
    var sum = 0.0
    for n in low...high {
      let logPMF = Double(n) * log(mean) - mean - lgamma(Double(n) + 1)
      sum += exp(logPMF) * logBet(design.logLikelihoodRatio(counts: n), bet: bet)
    }
    return sum
  }
}
