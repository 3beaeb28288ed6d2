import Foundation

/// D(t) = D_ref·e^(−λ·(t − t_ref)) fitted by weighted least squares on ln D.
///
/// ln D is a straight line in t, so the fit is a weighted linear regression (closed form).
/// Taking t_ref at the weighted mean time makes ln D_ref and λ uncorrelated, so their
/// covariance is diagonal: Var(ln D_ref) = s²/Σw and Var(λ) = s²/Σw(t − t_ref)², with s² the
/// variance scale of `ClearanceData.varianceScale`.
public struct MonoExponentialFit: Sendable, Hashable, Codable {
  public let referenceTimeSeconds: Double
  public let logDoseRateAtReference: Double
  /// λ, per second; the effective (biological and physical) decay constant.
  public let decayConstantPerSecond: Double
  public let logDoseRateVariance: Double
  public let decayConstantVariance: Double
  /// Σ w·(ln D − fit)².
  public let chiSquare: Double
  public let degreesOfFreedom: Int
  /// Factor applied to the covariance; see `ClearanceData.varianceScale`.
  public let varianceScale: Double
  /// True when `varianceScale` came from the residuals rather than the stated uncertainties.
  public let varianceScaleEstimated: Bool

  public var doseRateAtReferenceUSvH: Double { exp(logDoseRateAtReference) }

  public var decayConstantStandardUncertainty: Double { decayConstantVariance.squareRoot() }

  /// The effective half-life ln 2/λ; nil when the dose rate does not fall (λ ≤ 0).
  public var halfLifeSeconds: Double? {
    decayConstantPerSecond > 0 ? log(2.0) / decayConstantPerSecond : nil
  }

  /// u(T) = T·u(λ)/λ, first-order propagation of u(λ) through T = ln 2/λ.
  public var halfLifeStandardUncertaintySeconds: Double? {
    halfLifeSeconds.map { $0 * decayConstantStandardUncertainty / decayConstantPerSecond }
  }

  public var curve: ClearanceCurve {
    ClearanceCurve(
      referenceTimeSeconds: referenceTimeSeconds,
      components: [
        ExponentialComponent(
          amplitudeUSvH: doseRateAtReferenceUSvH, decayConstantPerSecond: decayConstantPerSecond)
      ])
  }

  /// ln D(t) and its standard error from the fit covariance: Var = Var(ln D_ref) +
  /// (t − t_ref)²·Var(λ).
  func logDoseRate(at time: Double) -> (mean: Double, standardError: Double) {
    let elapsed = time - referenceTimeSeconds
    let variance = logDoseRateVariance + elapsed * elapsed * decayConstantVariance
    return (logDoseRateAtReference - decayConstantPerSecond * elapsed, variance.squareRoot())
  }

  static func fit(_ data: ClearanceData) -> MonoExponentialFit? {
    guard let line = WeightedLine.fit(times: data.times, values: data.logDoseRates, data.weights)
    else { return nil }
    let dof = data.count - 2
    let (scale, estimated) = ClearanceData.varianceScale(
      chiSquare: line.chiSquare, degreesOfFreedom: dof, hasUncertainties: data.hasUncertainties)
    return MonoExponentialFit(
      referenceTimeSeconds: line.meanTime, logDoseRateAtReference: line.valueAtMean,
      decayConstantPerSecond: -line.slope, logDoseRateVariance: scale / line.sumOfWeights,
      decayConstantVariance: scale / line.timeSumOfSquares, chiSquare: line.chiSquare,
      degreesOfFreedom: dof, varianceScale: scale, varianceScaleEstimated: estimated)
  }
}

/// Weighted straight line y = ȳ + slope·(t − t̄) through points with weights w, t̄ and ȳ the
/// weighted means.
struct WeightedLine {
  let meanTime: Double
  let valueAtMean: Double
  let slope: Double
  let sumOfWeights: Double
  /// Σ w·(t − t̄)².
  let timeSumOfSquares: Double
  let chiSquare: Double

  /// nil when all times are (numerically) equal or a sum is not finite.
  static func fit(times: [Double], values: [Double], _ weights: [Double]) -> WeightedLine? {
    let sumW = weights.reduce(0, +)
    guard sumW > 0, sumW.isFinite else { return nil }
    let meanT = zip(weights, times).reduce(0) { $0 + $1.0 * $1.1 } / sumW
    let meanY = zip(weights, values).reduce(0) { $0 + $1.0 * $1.1 } / sumW
    var stt = 0.0
    var sty = 0.0
    for i in times.indices {
      let dt = times[i] - meanT
      stt += weights[i] * dt * dt
      sty += weights[i] * dt * (values[i] - meanY)
    }
    let span = (times.map { abs($0 - meanT) }.max() ?? 0)
    // Σw(t − t̄)² must be more than rounding of the times: at least 1e-20 of Σw·span².
    guard stt.isFinite, stt > 1e-20 * sumW * span * span, span > 0 else { return nil }
    let slope = sty / stt
    var chiSquare = 0.0
    for i in times.indices {
      let residual = values[i] - meanY - slope * (times[i] - meanT)
      chiSquare += weights[i] * residual * residual
    }
    guard slope.isFinite, chiSquare.isFinite else { return nil }
    return WeightedLine(
      meanTime: meanT, valueAtMean: meanY, slope: slope, sumOfWeights: sumW,
      timeSumOfSquares: stt, chiSquare: chiSquare)
  }
}
