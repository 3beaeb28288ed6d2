import Foundation

/// One dose-rate observation of a patient's clearance, on the caller's time axis (for example
/// seconds since administration; the fit and its predictions use the same axis).
public struct ClearanceSample: Sendable, Hashable, Codable {
  public let timeSeconds: Double
  public let doseRateUSvH: Double
  /// Standard uncertainty of the dose rate, µSv/h; nil when unknown.
  public let standardUncertaintyUSvH: Double?

  public init(timeSeconds: Double, doseRateUSvH: Double, standardUncertaintyUSvH: Double? = nil) {
    self.timeSeconds = timeSeconds
    self.doseRateUSvH = doseRateUSvH
    self.standardUncertaintyUSvH = standardUncertaintyUSvH
  }

  /// A sample whose uncertainty is Poisson from the N counts behind it: σ/D = 1/√N. Zero or
  /// negative counts give no usable uncertainty, and the fit refuses the sample.
  public init(timeSeconds: Double, doseRateUSvH: Double, counts: Double) {
    self.init(
      timeSeconds: timeSeconds, doseRateUSvH: doseRateUSvH,
      standardUncertaintyUSvH: counts > 0 ? doseRateUSvH / counts.squareRoot() : 0)
  }
}

/// Why a clearance curve cannot be fitted. Indices refer to the caller's sample array.
public enum ClearanceFitError: Error, Hashable, CustomStringConvertible {
  case tooFewPoints(count: Int, needed: Int)
  case tooFewDistinctTimes(count: Int, needed: Int)
  case nonFiniteValue(index: Int)
  case nonPositiveDoseRate(index: Int, doseRateUSvH: Double)
  case invalidUncertainty(index: Int)
  /// Some samples carry an uncertainty and some do not: the weights would mean nothing.
  case mixedUncertainties
  /// The normal equations are singular (for example times too close together for a Double).
  case singular

  public var description: String {
    switch self {
    case .tooFewPoints(let count, let needed):
      return "cannot fit: \(count) samples, at least \(needed) needed"
    case .tooFewDistinctTimes(let count, let needed):
      return "cannot fit: \(count) distinct sample times, at least \(needed) needed"
    case .nonFiniteValue(let index):
      return "cannot fit: sample \(index) has a time or dose rate that is not a finite number"
    case .nonPositiveDoseRate(let index, let value):
      return "cannot fit: sample \(index) has dose rate \(value) µSv/h; the fit needs D > 0"
    case .invalidUncertainty(let index):
      return "cannot fit: sample \(index) has an uncertainty that is not a positive number"
    case .mixedUncertainties:
      return "cannot fit: give an uncertainty (or counts) for every sample or for none"
    case .singular:
      return "cannot fit: the normal equations are singular"
    }
  }
}

/// Validated samples on the log scale, sorted by time, with weights for ln D.
///
/// Var(ln D) ≈ (σ/D)² to first order, so the weight of ln D is (D/σ)², which for Poisson counts
/// is N. Without uncertainties every point weighs 1 and the scatter about the fit sets the
/// scale.
struct ClearanceData {
  /// Three points are the fewest that leave a residual degree of freedom for the
  /// two-parameter mono-exponential.
  static let minimumPoints = 3

  let times: [Double]
  let logDoseRates: [Double]
  let weights: [Double]
  /// True when the weights come from stated uncertainties (absolute), false when all are 1.
  let hasUncertainties: Bool

  var count: Int { times.count }
  var timeSpan: Double { (times.last ?? 0) - (times.first ?? 0) }

  static func prepare(_ samples: [ClearanceSample]) -> Result<ClearanceData, ClearanceFitError> {
    guard samples.count >= minimumPoints else {
      return .failure(.tooFewPoints(count: samples.count, needed: minimumPoints))
    }
    for (index, sample) in samples.enumerated() {
      guard sample.timeSeconds.isFinite, sample.doseRateUSvH.isFinite else {
        return .failure(.nonFiniteValue(index: index))
      }
      guard sample.doseRateUSvH > 0 else {
        return .failure(.nonPositiveDoseRate(index: index, doseRateUSvH: sample.doseRateUSvH))
      }
      if let sigma = sample.standardUncertaintyUSvH {
        let weight = pow(sample.doseRateUSvH / sigma, 2)
        guard sigma.isFinite, sigma > 0, weight.isFinite, weight > 0 else {
          return .failure(.invalidUncertainty(index: index))
        }
      }
    }
    let withUncertainty = samples.filter { $0.standardUncertaintyUSvH != nil }.count
    guard withUncertainty == 0 || withUncertainty == samples.count else {
      return .failure(.mixedUncertainties)
    }
    let distinct = Set(samples.map(\.timeSeconds)).count
    guard distinct >= minimumPoints else {
      return .failure(.tooFewDistinctTimes(count: distinct, needed: minimumPoints))
    }
    let sorted = samples.sorted { $0.timeSeconds < $1.timeSeconds }
    return .success(
      ClearanceData(
        times: sorted.map(\.timeSeconds), logDoseRates: sorted.map { log($0.doseRateUSvH) },
        weights: sorted.map { sample in
          sample.standardUncertaintyUSvH.map { pow(sample.doseRateUSvH / $0, 2) } ?? 1
        },
        hasUncertainties: withUncertainty > 0))
  }

  /// The factor applied to the covariance (JᵀWJ)⁻¹ and whether it was estimated from the
  /// residuals. With stated uncertainties the weights are absolute, but a clearance curve that
  /// is not exactly the model scatters more than counting noise, so the scale is
  /// max(1, χ²/ν): it can widen the interval, never narrow it below counting statistics.
  /// Without uncertainties it is χ²/ν (the usual unweighted regression).
  static func varianceScale(chiSquare: Double, degreesOfFreedom: Int, hasUncertainties: Bool)
    -> (scale: Double, estimated: Bool)
  {
    let reduced = degreesOfFreedom > 0 ? chiSquare / Double(degreesOfFreedom) : 0
    if hasUncertainties {
      return reduced > 1 ? (reduced, true) : (1, false)
    }
    return (reduced, true)
  }
}
