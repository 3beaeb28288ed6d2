import Foundation

/// Dose rate from a scintillator's pulse-height spectrum: the "spectrum-to-dose conversion"
/// or G(E) function method. Each registered event of energy E contributes G(E) µSv/h per
/// count/s, so over a window of live time t the dose rate is Σᵢ G(Eᵢ) / t.
///
/// Channel → energy comes from the detector's energy calibration, a polynomial
/// keV = Σₖ aₖ·channelᵏ. G(E) is a table of (keV, µSv/h per count/s) points, interpolated
/// linearly in log E and log G (G(E) is close to a power law over decades). Outside the table
/// the end value is used (clamped) and the events are counted as outside the G(E) range, so an
/// RSO can see when a spectrum runs off the function's validated range.
///
/// The energy calibration is the configuration's, or — when the configuration gives none
/// (`energyCalibration` empty) — the one the device reports with each spectrum
/// (`Reading.energyCalibration`, e.g. the RadiaCode's spectrum header). It travels with the
/// reading because it belongs to the spectrum it was read with (a device can be recalibrated
/// while connected); a spectrum with no usable calibration from either place has no weights,
/// so its window falls back to the count-rate sensitivity rather than guessing energies.
///
/// Deterministic and pure: no I/O, no clock.
public struct SpectrumDoseModel: Sendable, Hashable {
  public struct Point: Sendable, Hashable {
    public var keV: Double
    /// µSv/h per count/s at this energy.
    public var usvHPerCPS: Double

    public init(keV: Double, usvHPerCPS: Double) {
      self.keV = keV
      self.usvHPerCPS = usvHPerCPS
    }
  }

  /// Σ G(Eᵢ) and Σ G(Eᵢ)² over a histogram, and how many events fell outside the table.
  public struct Weights: Sendable, Hashable {
    public var sum: Double
    public var sumOfSquares: Double
    public var outsideRange: UInt64

    public init(sum: Double = 0, sumOfSquares: Double = 0, outsideRange: UInt64 = 0) {
      self.sum = sum
      self.sumOfSquares = sumOfSquares
      self.outsideRange = outsideRange
    }

    public static func + (lhs: Weights, rhs: Weights) -> Weights {
      Weights(
        sum: lhs.sum + rhs.sum, sumOfSquares: lhs.sumOfSquares + rhs.sumOfSquares,
        outsideRange: lhs.outsideRange + rhs.outsideRange)
    }
  }

  /// a₀, a₁, a₂, …: keV = Σ aₖ·channelᵏ. Empty: use the device's, per reading.
  public let energyCalibration: [Double]
  /// Strictly increasing energies, positive values (the configuration loader checks).
  public let gFunction: [Point]
  /// Where G(E) comes from (a publication, a Monte Carlo run, a calibration report).
  public let source: String

  /// Shown in provenance as the dose model.
  public static let provenanceName = "spectrum G(E)"

  public init(energyCalibration: [Double], gFunction: [Point], source: String) {
    precondition(gFunction.count >= 2, "G(E) needs at least two points")
    self.energyCalibration = energyCalibration
    self.gFunction = gFunction
    self.source = source
  }

  /// Whether the energy calibration comes from the device with each reading.
  public var usesDeviceCalibration: Bool { energyCalibration.isEmpty }

  /// Energy of an ADC channel, keV (Horner's rule), with the model's calibration.
  public func energy(channel: Double) -> Double {
    Self.energy(channel: channel, calibration: energyCalibration)
  }

  static func energy(channel: Double, calibration: [Double]) -> Double {
    calibration.reversed().reduce(0) { $0 * channel + $1 }
  }

  /// Whether a device-reported calibration can turn channels into energies: finite
  /// coefficients, at least one beyond a₀ non-zero (else every channel has the same energy).
  public static func isUsable(deviceCalibration coefficients: [Double]) -> Bool {
    coefficients.count >= 2 && coefficients.allSatisfy(\.isFinite)
      && coefficients.dropFirst().contains { $0 != 0 }
  }

  /// G(E) in µSv/h per count/s, and whether E was inside the table (else the end value).
  public func g(keV energy: Double) -> (value: Double, inRange: Bool) {
    guard let first = gFunction.first, let last = gFunction.last else { return (0, false) }
    if !(energy >= first.keV) { return (first.usvHPerCPS, energy == first.keV) }
    if energy >= last.keV { return (last.usvHPerCPS, energy == last.keV) }
    // Binary search for the segment [lo, lo + 1] holding the energy.
    var lo = 0
    var hi = gFunction.count - 1
    while hi - lo > 1 {
      let mid = (lo + hi) / 2
      if gFunction[mid].keV <= energy { lo = mid } else { hi = mid }
    }
    let a = gFunction[lo]
    let b = gFunction[hi]
    let fraction = log(energy / a.keV) / log(b.keV / a.keV)
    return (exp(log(a.usvHPerCPS) + fraction * log(b.usvHPerCPS / a.usvHPerCPS)), true)
  }

  /// G of one ADC channel, with the model's calibration.
  public func g(channel: UInt32) -> (value: Double, inRange: Bool) {
    g(keV: energy(channel: Double(channel)))
  }

  /// Σ G(Eᵢ) and Σ G(Eᵢ)² over a histogram (channel → events), with the model's calibration,
  /// or the device's (`deviceCalibration`) when the model has none. Nil when neither is usable.
  public func weights(of spectrum: [UInt32: UInt32], deviceCalibration: [Double]? = nil)
    -> Weights?
  {
    let calibration: [Double]
    if !energyCalibration.isEmpty {
      calibration = energyCalibration
    } else if let deviceCalibration, Self.isUsable(deviceCalibration: deviceCalibration) {
      calibration = deviceCalibration
    } else {
      return nil
    }
    var result = Weights()
    for (channel, events) in spectrum where events > 0 {
      let (value, inRange) = g(
        keV: Self.energy(channel: Double(channel), calibration: calibration))
      let n = Double(events)
      result.sum += n * value
      result.sumOfSquares += n * value * value
      if !inRange { result.outsideRange += UInt64(events) }
    }
    return result
  }

  /// Largest G in the table: the weight assumed for the upper bound when no event was seen.
  public var maxG: Double { gFunction.map(\.usvHPerCPS).max() ?? 0 }

  /// Equivalent count sensitivity at `keV` (cpm per µSv/h): the count rate a field of that
  /// energy gives per µSv/h, 60 / G(E). Used for count-rate checks (silent tube), not for dose.
  public func equivalentSensitivityCpmPerUSvH(atKeV keV: Double = 661.657) -> Double {
    60 / g(keV: keV).value
  }

  /// Confidence interval of Σ G, the sum of G over Poisson-many events.
  ///
  /// Σ G is a compound Poisson variable with variance estimated by Σ G². It is treated as a
  /// scaled Poisson count: n_eff = (Σ G)² / Σ G² "effective counts", with the exact Garwood
  /// interval on n_eff scaled back by Σ G / n_eff = Σ G² / Σ G. This is the effective-counts
  /// (scaled Poisson) approximation for weighted Poisson sums, as used for weighted histograms
  /// (e.g. ROOT TH1 "effective entries"; Fay & Feuer, Stat. Med. 16 (1997) 791, for weighted
  /// sums of Poisson variables). With equal weights it is the plain Garwood interval.
  /// With no events the upper bound is that of zero counts at the largest G in the table.
  public static func interval(of weights: Weights, confidence: Double = 0.95)
    -> ClosedRange<Double>
  {
    guard weights.sum > 0, weights.sumOfSquares > 0 else {
      // No events: the weight of the next one is unknown, assume the worst.
      return 0...0
    }
    let effective = weights.sum * weights.sum / weights.sumOfSquares
    let scale = weights.sumOfSquares / weights.sum
    let poisson = PoissonInterval(counts: effective, confidence: confidence)
    return (poisson.lower * scale)...(poisson.upper * scale)
  }

  /// Effective counts n_eff = (Σ G)² / Σ G², nil with no events.
  public static func effectiveCounts(of weights: Weights) -> Double? {
    guard weights.sum > 0, weights.sumOfSquares > 0 else { return nil }
    return weights.sum * weights.sum / weights.sumOfSquares
  }
}
