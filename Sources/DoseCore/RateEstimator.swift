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
    /// Longest window, seconds. 300 s: project choice, five times the fixed 60 s window of
    /// common counters (GQ GMC, MightyOhm), so background readings get enough counts without
    /// hiding a change for long (adaptive windows: issue 5).
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
    /// Σ G and Σ G² of the sample's spectrum, when the detector has a spectrum model and the
    /// reading carried a spectrum.
    var weights: SpectrumDoseModel.Weights?
  }

  public let settings: Settings
  /// Turns spectra into dose (scintillators); nil = counts and the calibration's sensitivity.
  public let spectrumModel: SpectrumDoseModel?
  private var samples: [Sample] = []

  public init(settings: Settings = Settings(), spectrumModel: SpectrumDoseModel? = nil) {
    self.settings = settings
    self.spectrumModel = spectrumModel
  }

  public var isEmpty: Bool { samples.isEmpty }

  public mutating func add(_ reading: Reading) {
    let weights = reading.spectrum.flatMap { spectrum in
      spectrumModel.flatMap {
        $0.weights(of: spectrum, deviceCalibration: reading.energyCalibration)
      }
    }
    add(
      counts: reading.counts, interval: reading.intervalSeconds, end: reading.monotonicSeconds,
      weights: weights)
  }

  public mutating func add(
    counts: UInt64, interval: Double, end: Double, weights: SpectrumDoseModel.Weights? = nil
  ) {
    guard interval > 0 else { return }
    samples.append(Sample(counts: counts, interval: interval, end: end, weights: weights))
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
    // Spectrum dose only when every sample in the window has its weights.
    var weights: SpectrumDoseModel.Weights? = spectrumModel == nil ? nil : .init()
    for sample in samples.reversed() {
      let span = newest.end - (sample.end - sample.interval)
      if live > 0 && span > settings.maxWindowSeconds { break }
      // Saturating: a garbled huge count must not trap the daemon (it is over range anyway).
      let (sum, overflow) = counts.addingReportingOverflow(sample.counts)
      counts = overflow ? .max : sum
      live += sample.interval
      start = sample.end - sample.interval
      weights = weights.flatMap { total in sample.weights.map { total + $0 } }
      if Double(counts) >= settings.targetCounts { break }
    }
    return RateEstimate(
      counts: counts, liveSeconds: live, windowStart: start, windowEnd: newest.end,
      calibration: calibration, confidence: confidence,
      spectrum: weights.flatMap { weights in spectrumModel.map { ($0, weights) } })
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
  /// The spectrum model that made `doseRateUSvH`, nil when it came from counts and the
  /// calibration's sensitivity.
  public let spectrumModel: SpectrumDoseModel?
  /// Σ G, Σ G² and events outside the G(E) table over the window (spectrum dose only).
  public let spectrumWeights: SpectrumDoseModel.Weights?

  /// How counts became dose, for provenance: "spectrum G(E)" or "sensitivity".
  public var doseModel: String {
    spectrumModel == nil ? "sensitivity" : SpectrumDoseModel.provenanceName
  }

  /// Effective counts (Σ G)²/Σ G² behind the spectrum dose interval.
  public var effectiveCounts: Double? {
    spectrumWeights.flatMap(SpectrumDoseModel.effectiveCounts(of:))
  }

  /// - Parameter spectrum: when given, the dose rate is Σ G / live time (dead-time corrected)
  ///   with the effective-counts interval, instead of count rate / sensitivity. The count rate
  ///   fields are the same either way.
  public init(
    counts: UInt64, liveSeconds: Double, windowStart: Double, windowEnd: Double,
    calibration: Calibration, confidence: Double = 0.95,
    spectrum: (model: SpectrumDoseModel, weights: SpectrumDoseModel.Weights)? = nil
  ) {
    spectrumModel = spectrum?.model
    spectrumWeights = spectrum?.weights
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
    guard let (model, weights) = spectrum else {
      doseRateUSvH = calibration.doseRate(cps: trueRate)
      doseRateInterval = calibration.doseRate(cps: low)...calibration.doseRate(cps: high)
      return
    }
    // Dead time loses events of every energy alike, so Σ G scales by the same n/m as the
    // counts. The bounds of Σ G are bounds of the observed rate scaled by the same ratio, and
    // the (monotonic) correction maps them as for counts.
    let factor = deadTimeFactor ?? 1
    doseRateUSvH = weights.sum / liveSeconds * factor
    guard weights.sum > 0, observed > 0 else {
      // No events: zero counts' upper bound at the largest weight in the table.
      let upperRate = interval.upper / liveSeconds
      let corrected = DeadTime.trueRate(observedCPS: upperRate, tau: tau) ?? .infinity
      doseRateInterval = 0...(corrected * model.maxG)
      return
    }
    let sumInterval = SpectrumDoseModel.interval(of: weights, confidence: confidence)
    func corrected(_ sum: Double) -> Double {
      // Observed count rate scaled like Σ G, corrected, then back to Σ G per second.
      let rate = observed * sum / weights.sum
      guard let truth = DeadTime.trueRate(observedCPS: rate, tau: tau) else { return .infinity }
      return rate > 0 ? sum / liveSeconds * truth / rate : 0
    }
    doseRateInterval = corrected(sumInterval.lowerBound)...corrected(sumInterval.upperBound)
  }

  /// The dead fraction mτ of the window, used to detect over-range.
  public var deadFraction: Double {
    DeadTime.deadFraction(observedCPS: observedCPS, tau: calibration.deadTimeSeconds)
  }
}
