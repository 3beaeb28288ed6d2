import Foundation

/// Follows one detector: its readings, its health and its rate estimate.
///
/// Deterministic: time comes in as arguments (`monotonicSeconds` of the daemon's clock).
public struct DetectorMonitor: Sendable {
  public struct Settings: Sendable, Hashable {
    /// A reading is overdue after this many seconds without one.
    public var staleAfterSeconds: Double
    /// Lowest plausible ambient dose rate, µSv/h. Zero counts for long enough that this rate
    /// would almost surely have produced some is a dead tube, not a clean room. Default 0.05:
    /// project choice, below nearly every indoor natural background (config/dosed.toml gives
    /// the UNSCEAR context); lower it for a heavily shielded spot.
    public var minBackgroundUSvH: Double
    /// Expected counts at `minBackgroundUSvH` before a run of zeros is a fault. 20 expected
    /// counts means P(0) = e⁻²⁰ ≈ 2·10⁻⁹; the same criterion as t_s = 12000/S s at 0.1 µSv/h
    /// in health-physics.md §5.1 "Proposed daemon rules" 1.
    public var silentExpectedCounts: Double
    /// Fewest identical non-zero counts in a row that make a stuck counter. Small counts repeat
    /// by chance more often, so the run needed grows until the chance is below
    /// `stuckFalseAlarmProbability` (see `requiredRepeats(for:)`).
    ///
    public var stuckRepeats: Int
    /// Chance that a healthy counter repeats a value for a whole run, at most: 10⁻⁸ per run,
    /// about one false stuck fault per detector in 3 years at one reading per second.
    public var stuckFalseAlarmProbability: Double
    /// Dead fraction mτ above which the reading is over-range (see `DeadTime`).
    public var maxDeadFraction: Double
    /// Clock seconds of in-range readings before an over-range fault lifts. A GM tube in a field
    /// beyond its range can fold back to a *low* count rate (DOMAIN.md "Dead time";
    /// health-physics.md §5.1 rule 2), so a drop straight after over-range is not believed.
    /// Default 300 s: project choice (no source gives a figure); the reference suggests holding
    /// until a person acknowledges, which arrives with alarm acknowledgement.
    public var overRangeHoldSeconds: Double
    public var estimator: RateEstimator.Settings

    public init(
      staleAfterSeconds: Double = 5, minBackgroundUSvH: Double = 0.05,
      silentExpectedCounts: Double = 20, stuckRepeats: Int = 10,
      stuckFalseAlarmProbability: Double = 1e-8,
      maxDeadFraction: Double = DeadTime.defaultMaxDeadFraction,
      overRangeHoldSeconds: Double = 300, estimator: RateEstimator.Settings = .init()
    ) {
      self.staleAfterSeconds = staleAfterSeconds
      self.minBackgroundUSvH = minBackgroundUSvH
      self.silentExpectedCounts = silentExpectedCounts
      self.stuckRepeats = stuckRepeats
      self.stuckFalseAlarmProbability = stuckFalseAlarmProbability
      self.maxDeadFraction = maxDeadFraction
      self.overRangeHoldSeconds = overRangeHoldSeconds
      self.estimator = estimator
    }
  }

  public let id: String
  public let calibration: Calibration
  public let settings: Settings

  private var estimator: RateEstimator
  private var lastReadingAt: Double?
  private var lastReadingWall: Reading?
  private var connected = true
  private var disconnectReason: String?
  private var zeroRunSeconds = 0.0
  private var lastCounts: UInt64?
  private var repeatCount = 0
  /// A tube fault stays latched until the counter has proved itself again (see `ingest`).
  private var latched: TubeFault?
  private var healthyReadings = 0
  private var healthyCounts: UInt64 = 0
  /// When the counter was last over range; cleared only when a latch lifts after the hold.
  private var lastOverRangeAt: Double?
  /// Observed rate of the previous reading, for the fold-back check.
  private var previousObservedCPS: Double?
  /// Alarm tests of the locations this detector serves, keyed "location/level".
  private var thresholdTests: [(key: String, test: ThresholdTest)] = []
  /// Clearance tests ("below the limit?") keyed by location.
  private var limitTests: [(key: String, test: LimitTest)] = []

  /// Faults seen in the counts themselves, as opposed to missing or lost readings.
  enum TubeFault: Sendable, Hashable {
    case overRange(at: Double, deadFraction: Double)
    case stuck(counts: UInt64, times: Int)
    case silent(seconds: Double)
    /// The rate collapsed from near saturation: a paralysed counter in a rising field reads low
    /// (fold-back), so the drop is not believed.
    case foldBack(fromCPS: Double, toCPS: Double)
    /// Some counts, but far too few for even the lowest plausible background: a dying tube
    /// that gives the odd pulse.
    case sparse(counts: UInt64, seconds: Double, expected: Double)
  }

  /// - Parameter spectrumModel: for spectrometric detectors, turns the readings' spectra into
  ///   dose; counts still drive the fault checks.
  public init(
    id: String, calibration: Calibration, settings: Settings = Settings(),
    spectrumModel: SpectrumDoseModel? = nil
  ) {
    self.id = id
    self.calibration = calibration
    self.settings = settings
    self.estimator = RateEstimator(settings: settings.estimator, spectrumModel: spectrumModel)
  }

  /// Takes a reading. A reading showing a tube fault latches it and throws away the counts
  /// gathered so far (they cannot be trusted either). The fault lifts only after
  /// `stuckRepeats` healthy readings holding at least `silentExpectedCounts` counts (and, after
  /// over-range, `overRangeHoldSeconds` of them), so a dying tube's odd pulse does not flip the
  /// detector back to `ok`.
  public mutating func ingest(_ reading: Reading) {
    // A zero-length interval carries no information; it must not count as a sign of life.
    guard reading.intervalSeconds > 0 else { return }
    connected = true
    disconnectReason = nil
    lastReadingAt = reading.monotonicSeconds
    lastReadingWall = reading

    zeroRunSeconds = reading.counts == 0 ? zeroRunSeconds + reading.intervalSeconds : 0
    if reading.counts > 0 && reading.counts == lastCounts {
      repeatCount += 1
    } else {
      repeatCount = 1
    }
    lastCounts = reading.counts

    let observed = Double(reading.counts) / reading.intervalSeconds
    defer { previousObservedCPS = observed }
    if let fault = observedFault(in: reading) {
      latched = fault
      switch fault {
      case .overRange, .foldBack: lastOverRangeAt = reading.monotonicSeconds
      default: break
      }
      healthyReadings = 0
      healthyCounts = 0
      resetStatistics()
      return
    }
    if latched != nil {
      healthyReadings += 1
      healthyCounts =
        healthyCounts.addingReportingOverflow(reading.counts).overflow
        ? .max : healthyCounts + reading.counts
      var proven =
        healthyReadings >= settings.stuckRepeats
        && Double(healthyCounts) >= settings.silentExpectedCounts
      // The over-range hold outlives any later fault: a tube that went silent after being
      // over range (paralysed) must still wait out the hold before its low counts are believed.
      if let at = lastOverRangeAt {
        proven = proven && reading.monotonicSeconds - at >= settings.overRangeHoldSeconds
      }
      if proven {
        latched = nil
        lastOverRangeAt = nil
      }
    }
    let changesBefore = estimator.changeCount
    estimator.add(reading)
    if latched == nil, let fault = sparseFault() {
      latched = fault
      healthyReadings = 0
      healthyCounts = 0
      resetStatistics()
      return
    }
    let counts = Double(reading.counts)
    for index in thresholdTests.indices {
      thresholdTests[index].test.update(counts: counts, seconds: reading.intervalSeconds)
    }
    // A change of rate restarts the clearance tests on the readings that follow it (never on
    // the stretch the change test picked, which would bias them).
    let changed = estimator.changeCount != changesBefore
    for index in limitTests.indices {
      if changed {
        limitTests[index].test.restart()
      } else {
        limitTests[index].test.update(counts: counts, seconds: reading.intervalSeconds)
      }
    }
  }

  /// Installs the alarm and clearance tests of the locations this detector serves. A test whose
  /// design is unchanged keeps its statistics; a new or changed one starts from zero.
  public mutating func configureTests(
    thresholds: [(key: String, test: ThresholdTest)], limits: [(key: String, test: LimitTest)]
  ) {
    thresholdTests = thresholds.map { new in
      if let old = thresholdTests.first(where: { $0.key == new.key }),
        old.test.sameDesign(as: new.test)
      {
        return old
      }
      return new
    }
    limitTests = limits.map { new in
      if let old = limitTests.first(where: { $0.key == new.key }),
        old.test.sameDesign(as: new.test)
      {
        return old
      }
      return new
    }
  }

  /// The alarm test installed under `key`, with its current statistics.
  public func thresholdTest(_ key: String) -> ThresholdTest? {
    thresholdTests.first { $0.key == key }?.test
  }

  /// The clearance test installed under `key`.
  public func limitTest(_ key: String) -> LimitTest? {
    limitTests.first { $0.key == key }?.test
  }

  /// Counts and live time of the current averaging window (no intervals: cheap).
  public var windowTotals: RateEstimator.Totals? { estimator.totals() }

  /// Whether a tube fault is latched.
  public var isFaultLatched: Bool { latched != nil }

  /// Forgets counts and test statistics: after a fault nothing gathered before it is trusted.
  private mutating func resetStatistics() {
    estimator.reset()
    for index in thresholdTests.indices { thresholdTests[index].test.reset() }
    for index in limitTests.indices { limitTests[index].test.restart() }
  }

  /// Chance, below which a window's count is taken as a dying tube rather than bad luck.
  /// Evaluated once per reading, 10⁻⁹ is about one false fault per detector in 30 years.
  public static let sparseFalseAlarmProbability = 1e-9

  /// The averaging window holds far fewer counts than the lowest plausible background gives:
  /// P(X ≤ n | μ = min background rate × live time) < 10⁻⁹, with μ ≥ `silentExpectedCounts`.
  /// Catches a tube that still clicks now and then, which never makes a zero run long enough
  /// for the silent check.
  private func sparseFault() -> TubeFault? {
    guard let window = estimator.totals() else { return nil }
    let expected =
      calibration.countRate(doseRateUSvH: settings.minBackgroundUSvH) * window.liveSeconds
    guard expected >= settings.silentExpectedCounts else { return nil }
    let n = window.counts
    // Chernoff bound P(X ≤ n) ≤ e^(−μ)(eμ/n)ⁿ for n < μ: when even the bound is not small the
    // exact tail is not either, and the (costly) gamma function is skipped.
    guard n < expected else { return nil }
    let logBound = n > 0 ? n - expected + n * log(expected / n) : -expected
    guard logBound < log(Self.sparseFalseAlarmProbability) + 10 else { return nil }
    // P(X ≤ n; μ) = Q(n + 1, μ), the regularized upper incomplete gamma function.
    let probability = 1 - Gamma.regularizedLower(shape: n + 1, x: expected)
    guard probability < Self.sparseFalseAlarmProbability else { return nil }
    return .sparse(counts: UInt64(n), seconds: window.liveSeconds, expected: expected)
  }

  /// Count rate beyond any supported counter's range: GM tubes saturate at 10⁴–10⁵ cps (SBM-20
  /// datasheet 10 kcps, devices.md §5.1) and scintillators here at about 10⁵ cps; 10⁶ cps is a
  /// garbled value or a dead-time-free configuration of a saturated counter.
  public static let maxPlausibleCPS = 1e6

  /// Identical readings of `counts` in a row that make a stuck counter.
  ///
  /// Whatever the true mean μ, P(X = k) ≤ max over μ of P(X = k) = kᵏe⁻ᵏ/k! (reached at μ = k);
  /// for k ≥ 10 that is ≤ 0.125. A run of n equal values after the first has chance ≤ pⁿ⁻¹, so
  /// n = 1 + ⌈ln P_false / ln p⌉: 10 for k ≥ 10, 11 for k = 7, 20 for k = 1.
  public func requiredRepeats(for counts: UInt64) -> Int {
    let k = Double(counts)
    let logMaxProbability = k * log(k) - k - lgamma(k + 1)
    guard logMaxProbability < 0 else { return settings.stuckRepeats }
    let needed =
      1 + Int((log(settings.stuckFalseAlarmProbability) / logMaxProbability).rounded(.up))
    return Swift.max(settings.stuckRepeats, needed)
  }

  /// A reading at this fraction of the over-range limit (dead fraction, or the tube's maximum
  /// rate) is "near saturation"; 0.5: project choice.
  public static let nearSaturationFraction = 0.5
  /// A rate that falls below this share of a near-saturation reading in one step is fold-back,
  /// not a real drop; 0.1: project choice (a tenfold drop within one reading interval is not
  /// something a patient or a waste package does at a fixed monitor).
  public static let foldBackDropFraction = 0.1

  private func observedFault(in reading: Reading) -> TubeFault? {
    let observed = Double(reading.counts) / reading.intervalSeconds
    let deadFraction = DeadTime.deadFraction(
      observedCPS: observed, tau: calibration.deadTimeSeconds)
    let maxRate = Swift.min(calibration.maxObservedCPS ?? .infinity, Self.maxPlausibleCPS)
    // Above the tube's maximum (or `maxPlausibleCPS`) no counter is measuring, whatever its
    // configured dead time (one configured without would otherwise never be over range).
    if deadFraction >= settings.maxDeadFraction || observed > maxRate {
      return .overRange(at: reading.monotonicSeconds, deadFraction: deadFraction)
    }
    if let previous = previousObservedCPS,
      previous * calibration.deadTimeSeconds
        >= Self.nearSaturationFraction * settings.maxDeadFraction
        || previous >= Self.nearSaturationFraction * maxRate,
      observed < Self.foldBackDropFraction * previous
    {
      return .foldBack(fromCPS: previous, toCPS: observed)
    }
    // `requiredRepeats` is never below `stuckRepeats`, so the costly check waits for that.
    if reading.counts > 0 && repeatCount >= settings.stuckRepeats
      && repeatCount >= requiredRepeats(for: reading.counts)
    {
      return .stuck(counts: reading.counts, times: repeatCount)
    }
    let silentRate = calibration.countRate(doseRateUSvH: settings.minBackgroundUSvH)
    if zeroRunSeconds * silentRate >= settings.silentExpectedCounts {
      return .silent(seconds: zeroRunSeconds)
    }
    return nil
  }

  /// The driver lost the device. Old counts are dropped so they never stand in for new ones.
  /// A latched tube fault stays latched: replugging does not prove the tube works.
  public mutating func disconnect(reason: String) {
    connected = false
    disconnectReason = reason
    estimator.reset()
    // The zero run is kept: zeros before an unplug still count against a dead tube, or a flaky
    // cable would keep resetting the silent check.
    repeatCount = 0
    lastCounts = nil
    previousObservedCPS = nil
    for index in thresholdTests.indices { thresholdTests[index].test.reset() }
    for index in limitTests.indices { limitTests[index].test.restart() }
  }

  public func assess(now: Double) -> DetectorAssessment {
    let age = lastReadingAt.map { Swift.max(0, now - $0) }
    let estimate = estimator.estimate(calibration: calibration)
    func result(_ state: DetectorState, _ reason: String?, keepEstimate: Bool)
      -> DetectorAssessment
    {
      var assessment = DetectorAssessment(
        id: id, state: state, reason: reason, estimate: keepEstimate ? estimate : nil,
        ageSeconds: age, lastReading: lastReadingWall, overRange: isOverRange)
      if state == .ok {
        assessment.thresholdTests = Dictionary(
          thresholdTests.map { ($0.key, $0.test) }, uniquingKeysWith: { a, _ in a })
        assessment.limitTests = Dictionary(
          limitTests.map { ($0.key, $0.test) }, uniquingKeysWith: { a, _ in a })
      }
      return assessment
    }
    if !connected {
      return result(.disconnected, disconnectReason ?? "device lost", keepEstimate: false)
    }
    if let latched {
      return result(.fault, describe(latched), keepEstimate: false)
    }
    guard let age else {
      return result(.stale, "no reading yet", keepEstimate: false)
    }
    if age > settings.staleAfterSeconds {
      return result(
        .stale,
        // One decimal: a whole number would read "no reading for 4 s (expected within 4 s)".
        String(
          format: "no reading for %.1f s (expected within %g s)", age,
          settings.staleAfterSeconds),
        keepEstimate: true)
    }
    guard estimate?.doseRateUSvH != nil else {
      return result(
        .fault, "no usable dose rate: counter saturated over the averaging window",
        keepEstimate: false)
    }
    return result(.ok, nil, keepEstimate: true)
  }

  private var isOverRange: Bool {
    latched != nil && lastOverRangeAt != nil
  }

  private func describe(_ fault: TubeFault) -> String {
    let recovering = healthyReadings > 0 ? " (recovering: \(healthyReadings) good readings)" : ""
    switch fault {
    case .overRange(_, let deadFraction):
      return String(
        format: "over-range: dead fraction %.2f ≥ %.2f, dose rate above what this counter can "
          + "measure; held for %.0f s of in-range readings", deadFraction,
        settings.maxDeadFraction, settings.overRangeHoldSeconds) + recovering
    case .stuck(let counts, let times):
      return "stuck: the same count (\(counts)) \(times) times in a row" + recovering
    case .sparse(let counts, let seconds, let expected):
      return String(
        format: "too few counts: %llu in %.0f s, where even %g µSv/h background gives about "
          + "%.0f", counts, seconds, settings.minBackgroundUSvH, expected) + recovering
    case .foldBack(let from, let to):
      return String(
        format: "fold-back: the count rate collapsed from %.0f to %.0f cps in one reading, from "
          + "near saturation; a paralysed counter reads low in a strong field, so the drop is "
          + "not believed (held for %.0f s of in-range readings)", from, to,
        settings.overRangeHoldSeconds) + recovering
    case .silent(let seconds):
      return "silent: no counts for \(Int(seconds)) s, where even "
        + "\(settings.minBackgroundUSvH) µSv/h background gives some" + recovering
    }
  }
}

/// One detector as the core judges it at one moment.
public struct DetectorAssessment: Sendable, Hashable {
  public let id: String
  public let state: DetectorState
  /// Why the state is not `ok`.
  public let reason: String?
  /// Present for `ok` and `stale` (with its age); absent when the value cannot be trusted.
  public let estimate: RateEstimate?
  /// Seconds since the last reading, nil when there was none.
  public let ageSeconds: Double?
  public let lastReading: Reading?
  /// The counter is (or recently was) beyond its range: its location must alarm, since the
  /// true dose rate is at least as high as the counter can measure.
  public let overRange: Bool
  /// The alarm tests this detector runs for its locations ("location/level"), `ok` only.
  public var thresholdTests: [String: ThresholdTest] = [:]
  /// The clearance tests it runs (by location), `ok` only.
  public var limitTests: [String: LimitTest] = [:]

  public init(
    id: String, state: DetectorState, reason: String?, estimate: RateEstimate?,
    ageSeconds: Double?, lastReading: Reading?, overRange: Bool = false
  ) {
    self.id = id
    self.state = state
    self.reason = reason
    self.estimate = estimate
    self.ageSeconds = ageSeconds
    self.lastReading = lastReading
    self.overRange = overRange
  }
}
