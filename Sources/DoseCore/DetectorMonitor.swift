/// Follows one detector: its readings, its health and its rate estimate.
///
/// Deterministic: time comes in as arguments (`monotonicSeconds` of the daemon's clock).
public struct DetectorMonitor: Sendable {
  public struct Settings: Sendable, Hashable {
    /// A reading is overdue after this many seconds without one.
    public var staleAfterSeconds: Double
    /// Lowest plausible ambient dose rate, µSv/h. Zero counts for long enough that this rate
    /// would almost surely have produced some is a dead tube, not a clean room.
    public var minBackgroundUSvH: Double
    /// Expected counts at `minBackgroundUSvH` before a run of zeros is a fault. 20 expected
    /// counts means P(0) = e⁻²⁰ ≈ 2·10⁻⁹; the same criterion as t_s = 12000/S s at 0.1 µSv/h
    /// in health-physics.md §5.1 "Proposed daemon rules" 1.
    public var silentExpectedCounts: Double
    /// Identical non-zero counts this many readings in a row is a stuck counter. For a Poisson
    /// mean ≥ 10 no value has probability above 0.125, so ten equal values in a row have
    /// probability below 0.125⁹ ≈ 7.5·10⁻⁹ — a frozen device, not statistics.
    public var stuckRepeats: Int
    /// Dead fraction mτ above which the reading is over-range (see `DeadTime`).
    public var maxDeadFraction: Double
    public var estimator: RateEstimator.Settings

    public init(
      staleAfterSeconds: Double = 5, minBackgroundUSvH: Double = 0.05,
      silentExpectedCounts: Double = 20, stuckRepeats: Int = 10,
      maxDeadFraction: Double = DeadTime.defaultMaxDeadFraction,
      estimator: RateEstimator.Settings = .init()
    ) {
      self.staleAfterSeconds = staleAfterSeconds
      self.minBackgroundUSvH = minBackgroundUSvH
      self.silentExpectedCounts = silentExpectedCounts
      self.stuckRepeats = stuckRepeats
      self.maxDeadFraction = maxDeadFraction
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
  private var overRange = false

  public init(id: String, calibration: Calibration, settings: Settings = Settings()) {
    self.id = id
    self.calibration = calibration
    self.settings = settings
    self.estimator = RateEstimator(settings: settings.estimator)
  }

  public mutating func ingest(_ reading: Reading) {
    connected = true
    disconnectReason = nil
    lastReadingAt = reading.monotonicSeconds
    lastReadingWall = reading
    guard reading.intervalSeconds > 0 else { return }

    zeroRunSeconds = reading.counts == 0 ? zeroRunSeconds + reading.intervalSeconds : 0
    if reading.counts > 0 && reading.counts == lastCounts {
      repeatCount += 1
    } else {
      repeatCount = 1
    }
    lastCounts = reading.counts
    let observed = Double(reading.counts) / reading.intervalSeconds
    overRange =
      DeadTime.deadFraction(observedCPS: observed, tau: calibration.deadTimeSeconds)
      >= settings.maxDeadFraction
    estimator.add(reading)
  }

  /// The driver lost the device. Old counts are dropped so they never stand in for new ones.
  public mutating func disconnect(reason: String) {
    connected = false
    disconnectReason = reason
    estimator.reset()
    zeroRunSeconds = 0
    repeatCount = 0
    lastCounts = nil
  }

  public func assess(now: Double) -> DetectorAssessment {
    let age = lastReadingAt.map { Swift.max(0, now - $0) }
    let estimate = estimator.estimate(calibration: calibration)
    func result(_ state: DetectorState, _ reason: String?, keepEstimate: Bool)
      -> DetectorAssessment
    {
      DetectorAssessment(
        id: id, state: state, reason: reason, estimate: keepEstimate ? estimate : nil,
        ageSeconds: age, lastReading: lastReadingWall)
    }
    if !connected {
      return result(.disconnected, disconnectReason ?? "device lost", keepEstimate: false)
    }
    if overRange {
      return result(
        .fault,
        "over-range: dead fraction ≥ \(settings.maxDeadFraction), dose rate above what this "
          + "counter can measure", keepEstimate: false)
    }
    let silentRate = calibration.countRate(doseRateUSvH: settings.minBackgroundUSvH)
    if zeroRunSeconds * silentRate >= settings.silentExpectedCounts {
      return result(
        .fault,
        "silent: no counts for \(Int(zeroRunSeconds)) s, where even \(settings.minBackgroundUSvH) "
          + "µSv/h background gives some", keepEstimate: false)
    }
    if repeatCount >= settings.stuckRepeats {
      return result(
        .fault, "stuck: the same count (\(lastCounts ?? 0)) \(repeatCount) times in a row",
        keepEstimate: false)
    }
    guard let age else {
      return result(.stale, "no reading yet", keepEstimate: false)
    }
    if age > settings.staleAfterSeconds {
      return result(
        .stale, "no reading for \(Int(age)) s (expected within \(Int(settings.staleAfterSeconds)) s)",
        keepEstimate: true)
    }
    return result(.ok, nil, keepEstimate: true)
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
}
