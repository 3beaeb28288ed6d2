import Foundation

/// D(t) = A·e^(−a·(t − t_ref)) + B·e^(−b·(t − t_ref)), a > b > 0, fitted by weighted least
/// squares on ln D (the same residuals and weights as the mono-exponential, so the two χ² can
/// be compared by an F test).
///
/// The fit works in θ = (ln A, ln(a·τ), ln B, ln(b·τ)), τ the time span of the data: amplitudes
/// and rates stay positive, and the parameters are of order one whatever the time unit. It is
/// a Levenberg–Marquardt iteration (Marquardt, J. SIAM 11 (1963) 431: Gauss–Newton steps
/// damped by μ·diag(JᵀWJ)), started from two guesses (curve peeling, and rates 3λ and λ/3
/// around the mono fit's λ); the better converged result is kept. The covariance of θ is
/// s²·(JᵀWJ)⁻¹ at the minimum.
public struct BiExponentialFit: Sendable, Hashable, Codable {
  public let referenceTimeSeconds: Double
  /// The faster term (larger decay constant).
  public let fast: ExponentialComponent
  /// The slower term, which governs late clearance.
  public let slow: ExponentialComponent
  /// Standard uncertainties of the half-lives, u(T) = T·u(ln k) (first order).
  public let fastHalfLifeStandardUncertaintySeconds: Double
  public let slowHalfLifeStandardUncertaintySeconds: Double
  public let chiSquare: Double
  public let degreesOfFreedom: Int
  public let varianceScale: Double
  public let varianceScaleEstimated: Bool
  public let iterations: Int

  let timeScaleSeconds: Double
  /// θ = (ln A, ln(aτ), ln B, ln(bτ)), fast term first.
  let parameters: [Double]
  let covariance: [[Double]]

  public var curve: ClearanceCurve {
    ClearanceCurve(referenceTimeSeconds: referenceTimeSeconds, components: [fast, slow])
  }

  /// ln D(t) and its standard error √(gᵀCg), g the gradient of ln D in θ.
  func logDoseRate(at time: Double) -> (mean: Double, standardError: Double) {
    let (mean, gradient) = BiExponentialModel.evaluate(
      parameters, u: (time - referenceTimeSeconds) / timeScaleSeconds)
    let variance = SmallLinearAlgebra.quadraticForm(gradient, covariance)
    return (mean, Swift.max(variance, 0).squareRoot())
  }
}

/// Why a bi-exponential was not fitted.
enum BiExponentialFailure: Error, Equatable {
  case notConverged
  case indistinguishableComponents
  case singularCovariance
}

/// The model ln D = ln(e^(θ₀ − e^θ₁·u) + e^(θ₂ − e^θ₃·u)) in scaled time u = (t − t_ref)/τ,
/// and its Levenberg–Marquardt fit.
enum BiExponentialModel {
  static let maximumIterations = 500
  /// Rates closer than this fraction cannot be told apart: the model degenerates into a
  /// mono-exponential and its covariance explodes (project choice).
  static let minimumRateSeparation = 0.01

  /// ln D and ∂ln D/∂θ at scaled time u.
  static func evaluate(_ theta: [Double], u: Double) -> (Double, [Double]) {
    let rate1 = exp(theta[1])
    let rate2 = exp(theta[3])
    let e1 = theta[0] - rate1 * u
    let e2 = theta[2] - rate2 * u
    let largest = Swift.max(e1, e2)
    let value = largest + log(exp(e1 - largest) + exp(e2 - largest))
    let p1 = exp(e1 - value)
    let p2 = exp(e2 - value)
    return (value, [p1, -rate1 * u * p1, p2, -rate2 * u * p2])
  }

  static func fit(_ data: ClearanceData, mono: MonoExponentialFit) -> Result<
    BiExponentialFit, BiExponentialFailure
  > {
    let tau = data.timeSpan
    let reference = mono.referenceTimeSeconds
    let u = data.times.map { ($0 - reference) / tau }
    var best: (theta: [Double], chiSquare: Double, iterations: Int)?
    for start in startingPoints(data, mono: mono, tau: tau) {
      guard let result = levenbergMarquardt(start, u: u, data: data) else { continue }
      if best == nil || result.chiSquare < best!.chiSquare { best = result }
    }
    guard let (fitted, chiSquare, iterations) = best else { return .failure(.notConverged) }
    var theta = fitted
    if theta[1] < theta[3] {
      theta = [theta[2], theta[3], theta[0], theta[1]]
    }
    guard exp(theta[3] - theta[1]) < 1 - minimumRateSeparation else {
      return .failure(.indistinguishableComponents)
    }
    let dof = data.count - 4
    let (scale, estimated) = ClearanceData.varianceScale(
      chiSquare: chiSquare, degreesOfFreedom: dof, hasUncertainties: data.hasUncertainties)
    guard let inverse = SmallLinearAlgebra.inverse(normalMatrix(theta, u: u, data: data).matrix)
    else { return .failure(.singularCovariance) }
    let covariance = inverse.map { $0.map { $0 * scale } }
    guard covariance.joined().allSatisfy(\.isFinite) else { return .failure(.singularCovariance) }
    return .success(
      BiExponentialFit(
        referenceTimeSeconds: reference,
        fast: ExponentialComponent(
          amplitudeUSvH: exp(theta[0]), decayConstantPerSecond: exp(theta[1]) / tau),
        slow: ExponentialComponent(
          amplitudeUSvH: exp(theta[2]), decayConstantPerSecond: exp(theta[3]) / tau),
        fastHalfLifeStandardUncertaintySeconds: log(2.0) * tau / exp(theta[1])
          * Swift.max(covariance[1][1], 0).squareRoot(),
        slowHalfLifeStandardUncertaintySeconds: log(2.0) * tau / exp(theta[3])
          * Swift.max(covariance[3][3], 0).squareRoot(),
        chiSquare: chiSquare, degreesOfFreedom: dof, varianceScale: scale,
        varianceScaleEstimated: estimated, iterations: iterations, timeScaleSeconds: tau,
        parameters: theta, covariance: covariance))
  }

  /// Curve peeling (fit the late half alone, then the early excess over it) and a spread
  /// around the mono-exponential's rate.
  static func startingPoints(_ data: ClearanceData, mono: MonoExponentialFit, tau: Double)
    -> [[Double]]
  {
    let reference = mono.referenceTimeSeconds
    let lambda = mono.decayConstantPerSecond
    let half = log(mono.doseRateAtReferenceUSvH / 2)
    var starts = [[half, log(3 * lambda * tau), half, log(lambda / 3 * tau)]]
    let lateCount = Swift.max(ClearanceData.minimumPoints, data.count / 2)
    let late = (data.count - lateCount)..<data.count
    guard
      let slowLine = WeightedLine.fit(
        times: Array(data.times[late]), values: Array(data.logDoseRates[late]),
        Array(data.weights[late])), slowLine.slope < 0
    else { return starts }
    let slowAtReference = slowLine.valueAtMean + slowLine.slope * (reference - slowLine.meanTime)
    var early: (times: [Double], values: [Double], weights: [Double]) = ([], [], [])
    for i in 0..<(data.count - lateCount) {
      let slowPart = exp(
        slowLine.valueAtMean + slowLine.slope * (data.times[i] - slowLine.meanTime))
      let excess = exp(data.logDoseRates[i]) - slowPart
      if excess > 0 {
        early.times.append(data.times[i])
        early.values.append(log(excess))
        early.weights.append(data.weights[i])
      }
    }
    guard early.times.count >= 2,
      let fastLine = WeightedLine.fit(
        times: early.times, values: early.values, early.weights),
      fastLine.slope < slowLine.slope
    else { return starts }
    let fastAtReference = fastLine.valueAtMean + fastLine.slope * (reference - fastLine.meanTime)
    starts.insert(
      [fastAtReference, log(-fastLine.slope * tau), slowAtReference, log(-slowLine.slope * tau)],
      at: 0)
    return starts.filter { $0.allSatisfy(\.isFinite) }
  }

  static func chiSquare(_ theta: [Double], u: [Double], data: ClearanceData) -> Double {
    var sum = 0.0
    for i in u.indices {
      let residual = data.logDoseRates[i] - evaluate(theta, u: u[i]).0
      sum += data.weights[i] * residual * residual
    }
    return sum
  }

  /// JᵀWJ, JᵀW·r and χ² at θ.
  static func normalMatrix(_ theta: [Double], u: [Double], data: ClearanceData) -> (
    matrix: [[Double]], gradient: [Double], chiSquare: Double
  ) {
    var matrix = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
    var gradient = [Double](repeating: 0, count: 4)
    var chiSquare = 0.0
    for i in u.indices {
      let (value, jacobian) = evaluate(theta, u: u[i])
      let residual = data.logDoseRates[i] - value
      let weight = data.weights[i]
      chiSquare += weight * residual * residual
      for r in 0..<4 {
        gradient[r] += weight * jacobian[r] * residual
        for c in 0..<4 { matrix[r][c] += weight * jacobian[r] * jacobian[c] }
      }
    }
    return (matrix, gradient, chiSquare)
  }

  /// Converged when a step no longer changes θ (1e-10) or χ² (relative 1e-12), or when no
  /// damping lets χ² fall any more (a minimum to working precision). nil when θ runs off
  /// (|θ| > 50: a rate or amplitude beyond e^50) or the iterations run out.
  static func levenbergMarquardt(_ start: [Double], u: [Double], data: ClearanceData) -> (
    theta: [Double], chiSquare: Double, iterations: Int
  )? {
    var theta = start
    var damping = 1e-3
    for iteration in 1...maximumIterations {
      let (matrix, gradient, current) = normalMatrix(theta, u: u, data: data)
      guard current.isFinite else { return nil }
      if current <= 1e-28 * data.weights.reduce(0, +) {
        return (theta, current, iteration)
      }
      var accepted = false
      while damping < 1e12 {
        var damped = matrix
        for k in 0..<4 { damped[k][k] += damping * Swift.max(matrix[k][k], 1e-12) }
        if let step = SmallLinearAlgebra.solve(damped, gradient) {
          let trial = zip(theta, step).map { $0 + $1 }
          let trialChiSquare = chiSquare(trial, u: u, data: data)
          if trial.allSatisfy({ abs($0) < 50 }), trialChiSquare.isFinite,
            trialChiSquare < current
          {
            theta = trial
            damping = Swift.max(damping / 10, 1e-12)
            accepted = true
            let smallStep = step.map(abs).max() ?? 0 < 1e-10
            if smallStep || (current - trialChiSquare) <= 1e-12 * current {
              return (theta, trialChiSquare, iteration)
            }
            break
          }
        }
        damping *= 10
      }
      if !accepted { return (theta, current, iteration) }
    }
    return nil
  }
}
