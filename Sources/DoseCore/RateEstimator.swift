/// Turns a stream of Readings into a dead-time corrected count rate and dose rate with an exact
/// 95 % Poisson interval, averaging over a window sized to the rate.
///
/// The window grows backwards from the newest reading until it holds `targetCounts` counts or
/// spans `maxWindowSeconds`: a hot source is answered from a few seconds of data, a background
/// reading from minutes. 400 counts give a 95 % half-width of about 1.96/√400 ≈ 10 %
/// (health-physics.md §6.5: relative uncertainty 1/√N).
public struct RateEstimator: Sendable {
  public struct Settings: Sendable, Hashable {
    public var targetCounts: Double
    public var maxWindowSeconds: Double

    public init(targetCounts: Double = 400, maxWindowSeconds: Double = 300) {
      self.targetCounts = targetCounts
      self.maxWindowSeconds = maxWindowSeconds
    }
  }

  struct Sample: Sendable {
    var counts: UInt64
    var interval: Double
    var end: Double
  }

  public let settings: Settings
  private var samples: [Sample] = []

  public init(settings: Settings = Settings()) {
    self.settings = settings
  }

  public var isEmpty: Bool { samples.isEmpty }

  public mutating func add(_ reading: Reading) {
    add(counts: reading.counts, interval: reading.intervalSeconds, end: reading.monotonicSeconds)
  }

  public mutating func add(counts: UInt64, interval: Double, end: Double) {
    guard interval > 0 else { return }
    samples.append(Sample(counts: counts, interval: interval, end: end))
    // Keep only what a window could still use (plus the newest sample, whatever its age).
    let horizon = end - settings.maxWindowSeconds
    if let firstKept = samples.firstIndex(where: { $0.end - $0.interval >= horizon }),
      firstKept > 0
    {
      samples.removeFirst(Swift.min(firstKept, samples.count - 1))
    }
  }

  /// Forget all data, e.g. after a fault, so stale counts never mix with new ones.
  public mutating func reset() {
    samples.removeAll()
  }

  /// The current estimate, or nil with no data.
  public func estimate(calibration: Calibration, confidence: Double = 0.95) -> RateEstimate? {
    guard let newest = samples.last else { return nil }
    var counts: UInt64 = 0
    var live = 0.0
    var start = newest.end
    for sample in samples.reversed() {
      let span = newest.end - (sample.end - sample.interval)
      if live > 0 && span > settings.maxWindowSeconds { break }
      counts += sample.counts
      live += sample.interval
      start = sample.end - sample.interval
      if Double(counts) >= settings.targetCounts { break }
    }
    return RateEstimate(
      counts: counts, liveSeconds: live, windowStart: start, windowEnd: newest.end,
      calibration: calibration, confidence: confidence)
  }
}

/// A rate with its provenance: what was counted, for how long, and how it became µSv/h.
public struct RateEstimate: Sendable, Hashable {
  public let counts: UInt64
  /// Sum of the counting intervals in the window.
  public let liveSeconds: Double
  public let windowStart: Double
  public let windowEnd: Double
  /// Observed (uncorrected) rate.
  public let observedCPS: Double
  /// n/m; nil when the counter is saturated (mτ ≥ 1).
  public let deadTimeFactor: Double?
  /// Dead-time corrected count rate, nil when saturated.
  public let cps: Double?
  public let cpsInterval: ClosedRange<Double>?
  public let doseRateUSvH: Double?
  public let doseRateInterval: ClosedRange<Double>?
  public let calibration: Calibration

  public init(
    counts: UInt64, liveSeconds: Double, windowStart: Double, windowEnd: Double,
    calibration: Calibration, confidence: Double = 0.95
  ) {
    self.counts = counts
    self.liveSeconds = liveSeconds
    self.windowStart = windowStart
    self.windowEnd = windowEnd
    self.calibration = calibration
    let tau = calibration.deadTimeSeconds
    let observed = Double(counts) / liveSeconds
    observedCPS = observed
    deadTimeFactor = DeadTime.correctionFactor(observedCPS: observed, tau: tau)
    guard let trueRate = DeadTime.trueRate(observedCPS: observed, tau: tau) else {
      cps = nil
      cpsInterval = nil
      doseRateUSvH = nil
      doseRateInterval = nil
      return
    }
    cps = trueRate
    // The correction is monotonic, so it maps the bounds of the observed rate onto the bounds of
    // the true rate. An upper bound beyond saturation is unbounded: report it as infinity.
    let interval = PoissonInterval(counts: Double(counts), confidence: confidence)
    let low = DeadTime.trueRate(observedCPS: interval.lower / liveSeconds, tau: tau) ?? 0
    let high =
      DeadTime.trueRate(observedCPS: interval.upper / liveSeconds, tau: tau) ?? .infinity
    cpsInterval = low...high
    doseRateUSvH = calibration.doseRate(cps: trueRate)
    doseRateInterval = calibration.doseRate(cps: low)...calibration.doseRate(cps: high)
  }

  /// The dead fraction mτ of the window, used to detect over-range.
  public var deadFraction: Double {
    DeadTime.deadFraction(observedCPS: observedCPS, tau: calibration.deadTimeSeconds)
  }
}
