import Foundation

/// Turns a stream of Readings into a dead-time corrected count rate and dose rate with an exact
/// 95 % Poisson interval, over a window that adapts to the data.
///
/// The window runs back from the newest reading to the last *significant change* of the count
/// rate, but never further than `maxWindowSeconds`. While the rate is stable the window
/// lengthens to the maximum (more counts, narrower interval); when it changes, the window is cut
/// at the estimated change point so old counts stop diluting the new rate.
///
/// Change detection is a pair of Poisson CUSUM tests (Page 1954; Lucas, "Counted data CUSUMs",
/// Technometrics 27 (1985) 129) against the window's own rate λ̂: one for a rise to
/// `changeRatio`·λ̂, one for a fall to λ̂/`changeRatio`. Each reading adds its log-likelihood
/// ratio c·ln ρ − (ρ − 1)·λ̂·t; a test that reaches `changeThreshold` cuts the window where its
/// statistic was last zero (the maximum-likelihood change point). By Lorden's bound a CUSUM with
/// threshold h runs at least e^h events between false cuts; a false cut only shortens the
/// window for a while (it costs precision, never safety).
///
/// All window sums come from running totals, so `add` and the window search cost O(log n)
/// (the benchmark's `throughput` line measures it).
public struct RateEstimator: Sendable {
  public struct Settings: Sendable, Hashable {
    /// Longest window, seconds. 300 s: project choice, five times the fixed 60 s window of
    /// common counters (GQ GMC, MightyOhm): a background reading gets about 50 counts on an
    /// SBM-20, and a slow drift lags by at most half of it.
    public var maxWindowSeconds: Double
    /// Rate ratio the change tests look for (both directions). 1.5: project choice; rises above
    /// about 1.23× and falls below about 0.82× of the window rate are eventually found
    /// (the zero-drift points (ρ − 1)/ln ρ and (1 − 1/ρ)/ln ρ).
    public var changeRatio: Double
    /// CUSUM threshold h in nats: at least e^h counts between false cuts. ln 10⁵: project choice
    /// (a false cut every few days at background, every ~20 min at 100 cps, harmless).
    public var changeThreshold: Double
    /// Counts the window must hold before it serves as the reference rate of a change test:
    /// below that λ̂ itself is too uncertain to test against. 20: project choice (±45 % at 95 %).
    public var minReferenceCounts: Double

    public init(
      maxWindowSeconds: Double = 300, changeRatio: Double = 1.5,
      changeThreshold: Double = log(1e5), minReferenceCounts: Double = 20
    ) {
      self.maxWindowSeconds = maxWindowSeconds
      self.changeRatio = changeRatio
      self.changeThreshold = changeThreshold
      self.minReferenceCounts = minReferenceCounts
    }
  }

  /// Running totals of the readings before a point (since the last rebase).
  struct Running: Sendable {
    var counts = 0.0
    var live = 0.0
    var g = 0.0
    var g2 = 0.0
    var outside = 0.0
    /// Readings without spectrum weights: a window has spectrum dose only when none of its
    /// readings lacks them.
    var unweighted = 0

    static func - (lhs: Running, rhs: Running) -> Running {
      Running(
        counts: lhs.counts - rhs.counts, live: lhs.live - rhs.live, g: lhs.g - rhs.g,
        g2: lhs.g2 - rhs.g2, outside: lhs.outside - rhs.outside,
        unweighted: lhs.unweighted - rhs.unweighted)
    }
  }

  /// One reading: its start and end, and the running totals before and after it.
  struct Sample: Sendable {
    var start: Double
    var end: Double
    var before: Running
    var after: Running
  }

  /// Sums over a window of readings.
  public struct Totals: Sendable, Hashable {
    public var counts: Double
    public var liveSeconds: Double
    public var start: Double
    public var end: Double
  }

  public let settings: Settings
  /// Turns spectra into dose (scintillators); nil = counts and the calibration's sensitivity.
  public let spectrumModel: SpectrumDoseModel?
  private var samples: [Sample] = []
  /// Absolute index of `samples[0]`: indices stay valid when old samples are dropped.
  private var offset = 0
  /// Absolute index of the first reading after the last detected change.
  private var floor = 0
  /// Absolute index of the oldest reading within `maxWindowSeconds` of the newest end; only
  /// moves forward (readings arrive in time order), so keeping it costs O(1) per reading.
  private var horizon = 0
  private var rise = 0.0
  private var fall = 0.0
  private var riseStart = 0
  private var fallStart = 0
  private let logRatio: Double
  /// When the window was last cut by a change test, and which way the rate went.
  public private(set) var lastChange: (at: Double, rising: Bool)?
  /// Changes detected so far (lets a caller notice a new one cheaply).
  public private(set) var changeCount = 0

  public init(settings: Settings = Settings(), spectrumModel: SpectrumDoseModel? = nil) {
    self.settings = settings
    self.spectrumModel = spectrumModel
    logRatio = log(settings.changeRatio)
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
    guard interval > 0, interval.isFinite, end.isFinite else { return }
    let c = Double(counts)
    testForChange(counts: c, interval: interval, start: end - interval)
    let before = samples.last?.after ?? Running()
    var after = before
    after.counts += c
    after.live += interval
    after.g += weights?.sum ?? 0
    after.g2 += weights?.sumOfSquares ?? 0
    after.outside += Double(weights?.outsideRange ?? 0)
    after.unweighted += weights == nil ? 1 : 0
    samples.append(Sample(start: end - interval, end: end, before: before, after: after))
    let limit = end - settings.maxWindowSeconds
    let last = offset + samples.count - 1
    horizon = Swift.max(horizon, offset)
    while horizon < last && samples[horizon - offset].start < limit { horizon += 1 }
    dropOld()
  }

  /// Runs the two change tests on a new reading against the current window's rate, and cuts
  /// the window when one fires.
  private mutating func testForChange(counts c: Double, interval t: Double, start: Double) {
    let next = offset + samples.count
    guard let window = totals(), window.counts >= settings.minReferenceCounts,
      window.liveSeconds > 0
    else {
      rise = 0
      fall = 0
      riseStart = next
      fallStart = next
      return
    }
    let lambda = window.counts / window.liveSeconds
    let rho = settings.changeRatio
    rise = Swift.max(0, rise + c * logRatio - (rho - 1) * lambda * t)
    fall = Swift.max(0, fall - c * logRatio + (1 - 1 / rho) * lambda * t)
    if rise == 0 { riseStart = next + 1 }
    if fall == 0 { fallStart = next + 1 }
    let firedRise = rise >= settings.changeThreshold
    guard firedRise || fall >= settings.changeThreshold else { return }
    floor = Swift.min(Swift.max(firedRise ? riseStart : fallStart, offset), next)
    lastChange = (floor < next ? samples[floor - offset].start : start, firedRise)
    changeCount += 1
    rise = 0
    fall = 0
    riseStart = next + 1
    fallStart = next + 1
  }

  /// Drops readings no window can use any more, in batches (amortised O(1)).
  private mutating func dropOld() {
    guard !samples.isEmpty else { return }
    let keepFrom = Swift.max(floor, horizon)
    let drop = keepFrom - offset
    guard drop >= 256, drop * 2 >= samples.count else { return }
    // Rebase the running totals so they stay small (precision of the differences).
    let base = samples[drop].before
    samples.removeFirst(drop)
    offset += drop
    for i in samples.indices {
      samples[i].before = samples[i].before - base
      samples[i].after = samples[i].after - base
    }
  }

  /// Index range (into `samples`) of the current window, nil with no data.
  private func windowRange() -> ClosedRange<Int>? {
    guard !samples.isEmpty else { return nil }
    let first = Swift.max(floor, horizon) - offset
    let last = samples.count - 1
    return Swift.min(Swift.max(first, 0), last)...last
  }

  /// Running totals over the current window and its time span.
  private func window() -> (sums: Running, start: Double, end: Double)? {
    guard let range = windowRange() else { return nil }
    let first = samples[range.lowerBound]
    let last = samples[range.upperBound]
    return (last.after - first.before, first.start, last.end)
  }

  /// Counts and live time of the current window, without intervals: cheap enough for every
  /// reading (fault checks).
  public func totals() -> Totals? {
    guard let window = window() else { return nil }
    return Totals(
      counts: window.sums.counts, liveSeconds: window.sums.live, start: window.start,
      end: window.end)
  }

  /// Forget all data, e.g. after a fault, so stale counts never mix with new ones.
  public mutating func reset() {
    offset += samples.count
    samples.removeAll(keepingCapacity: true)
    floor = offset
    horizon = offset
    rise = 0
    fall = 0
    riseStart = offset
    fallStart = offset
  }

  /// The current estimate, or nil with no data.
  public func estimate(calibration: Calibration, confidence: Double = 0.95) -> RateEstimate? {
    guard let window = window() else { return nil }
    let sums = window.sums
    // Spectrum dose only when every reading in the window has its weights.
    var spectrum: (model: SpectrumDoseModel, weights: SpectrumDoseModel.Weights)?
    if let model = spectrumModel, sums.unweighted == 0 {
      spectrum = (
        model,
        SpectrumDoseModel.Weights(
          sum: Swift.max(0, sums.g), sumOfSquares: Swift.max(0, sums.g2),
          outsideRange: UInt64(Swift.max(0, sums.outside.rounded())))
      )
    }
    // Saturating: a garbled huge count must not trap the daemon (it is over range anyway).
    let counts =
      sums.counts >= 18_446_744_073_709_549_568 ? UInt64.max : UInt64(sums.counts.rounded())
    var estimate = RateEstimate(
      counts: counts, liveSeconds: sums.live, windowStart: window.start,
      windowEnd: window.end, calibration: calibration, confidence: confidence,
      spectrum: spectrum)
    if let change = lastChange, change.at >= window.start {
      estimate.windowCutByChange = true
    }
    return estimate
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
  /// The window starts at a detected change of the rate rather than at the maximum length.
  public var windowCutByChange = false
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
    deadTimeFactor = calibration.deadTimeModel.correctionFactor(observedCPS: observed, tau: tau)
    guard let trueRate = calibration.trueRate(observedCPS: observed) else {
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
    let low = calibration.trueRate(observedCPS: interval.lower / liveSeconds) ?? 0
    let high =
      calibration.trueRate(observedCPS: interval.upper / liveSeconds) ?? .infinity
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
      let corrected = calibration.trueRate(observedCPS: upperRate) ?? .infinity
      doseRateInterval = 0...(corrected * model.maxG)
      return
    }
    let sumInterval = SpectrumDoseModel.interval(of: weights, confidence: confidence)
    func corrected(_ sum: Double) -> Double {
      // Observed count rate scaled like Σ G, corrected, then back to Σ G per second.
      let rate = observed * sum / weights.sum
      guard let truth = calibration.trueRate(observedCPS: rate) else { return .infinity }
      return rate > 0 ? sum / liveSeconds * truth / rate : 0
    }
    doseRateInterval = corrected(sumInterval.lowerBound)...corrected(sumInterval.upperBound)
  }

  /// Net (background-subtracted) rate with ISO 11929 limits, when the detector has a
  /// background measurement and the counter is not saturated.
  public var net: NetRate? { NetRate(estimate: self) }

  /// The dead fraction mτ of the window, used to detect over-range.
  public var deadFraction: Double {
    DeadTime.deadFraction(observedCPS: observedCPS, tau: calibration.deadTimeSeconds)
  }
}
