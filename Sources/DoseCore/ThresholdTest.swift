import Foundation

/// The sequential test behind one alarm level of one location on one detector: has the dose
/// rate reached `thresholdUSvH`?
///
/// Two Poisson CUSUMs share the false-alarm budget (each gets half of what the alarm's
/// lower-bound path leaves, `DoseAlarmTracker.lowerBoundShare`, so together with it at most
/// `falseAlarmsPerYear` at half the threshold; see `PoissonCUSUM` for what the bound rests on):
/// - *fast*, λ₀ at ½·threshold (the highest rate that must not alarm) against λ₁ at
///   2·threshold: near the fastest any test with this budget can be for a clear exceedance;
/// - *steady*, λ₀ at ¾·threshold against λ₁ at the threshold: the fast test alone would never
///   fire at the threshold itself (its drift is negative below (λ₁ − λ₀)/ln(λ₁/λ₀) ≈ 1.08×),
///   this one fires for any rate above about 0.87× the threshold, given time.
///
/// Rates are observed count rates for the detector: the dose threshold through the energy
/// correction (when the location has one), the sensitivity, the tube's intrinsic counts and the
/// dead-time model.
public struct ThresholdTest: Sendable, Hashable {
  public let thresholdUSvH: Double
  public private(set) var fast: PoissonCUSUM
  public private(set) var steady: PoissonCUSUM

  /// 1 false alarm per detector-year at half the threshold: the budget.
  public static let defaultFalseAlarmsPerYear = 1.0
  public static let secondsPerYear = 365.25 * 86_400

  /// - Parameter detectorDose: the detector's own (uncorrected) dose rate at which the location
  ///   reads a given dose rate; identity without energy correction.
  public init(
    thresholdUSvH: Double, calibration: Calibration,
    falseAlarmsPerYear: Double = defaultFalseAlarmsPerYear,
    detectorDose: (Double) -> Double = { $0 }
  ) {
    self.thresholdUSvH = thresholdUSvH
    func rate(_ fraction: Double) -> Double {
      Swift.max(
        calibration.observedCountRate(doseRateUSvH: detectorDose(thresholdUSvH * fraction)),
        1e-9)
    }
    // Each test gets half of what the lower-bound path leaves (`DoseAlarmTracker`).
    let share = (1 - DoseAlarmTracker.lowerBoundShare) / 2
    let arl = Self.secondsPerYear / (share * falseAlarmsPerYear)
    fast = PoissonCUSUM(
      lambda0: rate(0.5), lambda1: Swift.max(rate(2), rate(0.5) * 1.0001),
      meanSecondsBetweenFalse: arl)
    steady = PoissonCUSUM(
      lambda0: rate(0.75), lambda1: Swift.max(rate(1), rate(0.75) * 1.0001),
      meanSecondsBetweenFalse: arl)
  }

  public var fired: Bool { fast.fired || steady.fired }

  /// Key of a location's level test in a detector's test list: "room-1/alarm".
  public static func key(_ location: String, _ level: AlarmLevel) -> String {
    "\(location)/\(level.rawValue)"
  }

  @discardableResult
  public mutating func update(counts: Double, seconds: Double) -> Bool {
    let a = fast.update(counts: counts, seconds: seconds)
    let b = steady.update(counts: counts, seconds: seconds)
    return a || b
  }

  public mutating func reset() {
    fast.reset()
    steady.reset()
  }

  /// Why the test fired, for operators; nil while it has not.
  public var evidence: AlarmEvidence? {
    let test = fast.fired ? fast : steady.fired ? steady : nil
    guard let test else { return nil }
    return AlarmEvidence(
      method: fast.fired ? .cusumFast : .cusumSteady, thresholdUSvH: thresholdUSvH,
      statistic: test.statistic, decisionValue: test.threshold, counts: test.counts,
      windowSeconds: test.seconds, designRatesCPS: [test.lambda0, test.lambda1])
  }

  /// Same design (rates and thresholds), whatever the statistics.
  public func sameDesign(as other: ThresholdTest) -> Bool {
    thresholdUSvH == other.thresholdUSvH && fast.lambda0 == other.fast.lambda0
      && fast.lambda1 == other.fast.lambda1 && fast.threshold == other.fast.threshold
      && steady.lambda0 == other.steady.lambda0 && steady.lambda1 == other.steady.lambda1
  }
}

/// Why an alarm level was raised: shown to operators with the alarm.
public struct AlarmEvidence: Sendable, Hashable {
  /// Which test raised the level; the raw values are the wire's `evidence.method`.
  public enum Method: String, Sendable, Hashable, CaseIterable {
    case cusumFast = "cusum_fast"
    case cusumSteady = "cusum_steady"
    /// The 95 % lower bound reached the threshold.
    case lowerBound = "lower_bound"
    /// The counter is beyond its range.
    case overRange = "over_range"
  }

  public var method: Method
  public var thresholdUSvH: Double
  /// The test statistic (nats for CUSUM; µSv/h for lower_bound).
  public var statistic: Double
  /// The value the statistic had to reach.
  public var decisionValue: Double
  /// Counts and seconds the statistic rests on.
  public var counts: Double
  public var windowSeconds: Double
  /// λ₀, λ₁ of a CUSUM, observed cps.
  public var designRatesCPS: [Double]?
  public var detector: String?

  public init(
    method: Method, thresholdUSvH: Double, statistic: Double, decisionValue: Double,
    counts: Double, windowSeconds: Double, designRatesCPS: [Double]? = nil,
    detector: String? = nil
  ) {
    self.method = method
    self.thresholdUSvH = thresholdUSvH
    self.statistic = statistic
    self.decisionValue = decisionValue
    self.counts = counts
    self.windowSeconds = windowSeconds
    self.designRatesCPS = designRatesCPS
    self.detector = detector
  }
}
