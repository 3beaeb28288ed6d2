import Foundation

/// One exponential term A·e^(−k·(t − t_ref)).
public struct ExponentialComponent: Sendable, Hashable, Codable {
  /// Dose rate of this term at the curve's reference time, µSv/h.
  public let amplitudeUSvH: Double
  /// k, per second; positive for a falling term.
  public let decayConstantPerSecond: Double

  public init(amplitudeUSvH: Double, decayConstantPerSecond: Double) {
    self.amplitudeUSvH = amplitudeUSvH
    self.decayConstantPerSecond = decayConstantPerSecond
  }

  /// ln 2 / k; nil when the term does not fall.
  public var halfLifeSeconds: Double? {
    decayConstantPerSecond > 0 ? log(2.0) / decayConstantPerSecond : nil
  }
}

/// A clearance curve D(t) = Σ Aᵢ·e^(−kᵢ·(t − t_ref)): one term (mono-exponential) or two
/// (bi-exponential), on the caller's time axis.
public struct ClearanceCurve: Sendable, Hashable, Codable {
  public let referenceTimeSeconds: Double
  public let components: [ExponentialComponent]

  public init(referenceTimeSeconds: Double, components: [ExponentialComponent]) {
    self.referenceTimeSeconds = referenceTimeSeconds
    self.components = components
  }

  /// D0·e^(−ln 2·t/T½) with D0 at time 0, as the peers write it.
  public static func monoExponential(initialUSvH: Double, halfLifeSeconds: Double)
    -> ClearanceCurve
  {
    ClearanceCurve(
      referenceTimeSeconds: 0,
      components: [
        ExponentialComponent(
          amplitudeUSvH: initialUSvH, decayConstantPerSecond: log(2.0) / halfLifeSeconds)
      ])
  }

  /// D0·(f·e^(−ln 2·t/T₁) + (1 − f)·e^(−ln 2·t/T₂)), D0 at time 0.
  public static func biExponential(
    initialUSvH: Double, firstFraction: Double, firstHalfLifeSeconds: Double,
    secondHalfLifeSeconds: Double
  ) -> ClearanceCurve {
    ClearanceCurve(
      referenceTimeSeconds: 0,
      components: [
        ExponentialComponent(
          amplitudeUSvH: initialUSvH * firstFraction,
          decayConstantPerSecond: log(2.0) / firstHalfLifeSeconds),
        ExponentialComponent(
          amplitudeUSvH: initialUSvH * (1 - firstFraction),
          decayConstantPerSecond: log(2.0) / secondHalfLifeSeconds),
      ])
  }

  public func doseRateUSvH(at timeSeconds: Double) -> Double {
    let elapsed = timeSeconds - referenceTimeSeconds
    return components.reduce(0) {
      $0 + $1.amplitudeUSvH * exp(-$1.decayConstantPerSecond * elapsed)
    }
  }

  /// True when every term is positive and falls, so D(t) falls strictly through every level.
  public var isFalling: Bool {
    !components.isEmpty
      && components.allSatisfy {
        $0.amplitudeUSvH > 0 && $0.amplitudeUSvH.isFinite && $0.decayConstantPerSecond > 0
          && $0.decayConstantPerSecond.isFinite
      }
  }

  /// The time at which D(t) equals `levelUSvH`; nil when the curve does not fall or the level
  /// is not a positive number. It may lie before the first sample (the level was passed
  /// already).
  ///
  /// One term: t_ref + ln(A/L)/k. Two or more: the root of ln D(t) = ln L, which is unique
  /// because D falls strictly. It lies after the time each term alone reaches L (the sum is
  /// larger than any term) and before the time (Σ A)·e^(−k_min·Δt) reaches L (the sum is
  /// smaller than that); bisection in that bracket, finished with Newton steps.
  public func timeToReach(_ levelUSvH: Double) -> Double? {
    guard isFalling, levelUSvH.isFinite, levelUSvH > 0 else { return nil }
    let logLevel = log(levelUSvH)
    let alone = components.map { log($0.amplitudeUSvH / levelUSvH) / $0.decayConstantPerSecond }
    if components.count == 1 { return finite(referenceTimeSeconds + alone[0]) }
    let total = components.reduce(0) { $0 + $1.amplitudeUSvH }
    let slowest = components.map(\.decayConstantPerSecond).min() ?? 0
    var low = alone.max() ?? 0
    var high = log(total / levelUSvH) / slowest
    var x = (low + high) / 2
    for _ in 0..<300 {
      let (value, slope) = logDoseRateAndSlope(elapsed: x)
      let f = value - logLevel
      if f > 0 { low = x } else { high = x }
      var next = x - f / slope
      if !(next > low && next < high) { next = (low + high) / 2 }
      if abs(next - x) <= 1e-15 * Swift.max(1, abs(x)) || high - low <= 0 {
        x = next
        break
      }
      x = next
    }
    return finite(referenceTimeSeconds + x)
  }

  /// A rate so slow that the time overflows is no prediction at all.
  private func finite(_ time: Double) -> Double? {
    time.isFinite ? time : nil
  }

  /// ln D and d ln D/dt at `elapsed` seconds after the reference time, summed on the log
  /// scale so that far-future times do not underflow to ln 0.
  private func logDoseRateAndSlope(elapsed: Double) -> (Double, Double) {
    let exponents = components.map { log($0.amplitudeUSvH) - $0.decayConstantPerSecond * elapsed }
    let largest = exponents.max() ?? 0
    var sum = 0.0
    var weightedRate = 0.0
    for (exponent, component) in zip(exponents, components) {
      let term = exp(exponent - largest)
      sum += term
      weightedRate += term * component.decayConstantPerSecond
    }
    return (largest + log(sum), -weightedRate / sum)
  }
}
