import Foundation

/// Which clearance model a fit uses.
public enum ClearanceModel: String, Sendable, Hashable, Codable {
  case monoExponential = "mono_exponential"
  case biExponential = "bi_exponential"
}

/// Settings of the clearance fit. Every default is a project choice.
public struct ClearanceFitSettings: Sendable, Hashable, Codable {
  /// Fewest samples for trying the 4-parameter bi-exponential: 6 leaves 2 residual degrees of
  /// freedom for the F test.
  public var minimumPointsForBiExponential = 6
  /// The bi-exponential is used only when it fits significantly better than the
  /// mono-exponential: F test p-value below this.
  public var modelTestSignificance = 0.05
  /// Two-sided confidence of the intervals (half-life, predicted time).
  public var confidence = 0.95

  public init() {}
}

/// A fitted clearance curve: always the mono-exponential, and the bi-exponential when there
/// were enough points and it converged. `model` says which one predictions use, and
/// `modelReason` why.
public struct ClearanceFit: Sendable, Hashable, Codable {
  public let model: ClearanceModel
  public let modelReason: String
  public let mono: MonoExponentialFit
  public let bi: BiExponentialFit?
  public let sampleCount: Int
  /// True when weights came from stated uncertainties or counts.
  public let weighted: Bool
  public let confidence: Double
  /// Multiplier of standard errors for `confidence`: Student t with the model's residual
  /// degrees of freedom when the variance scale was estimated from the residuals, else normal.
  public let coverageFactor: Double
  /// Time span of the samples, seconds.
  public let timeSpanSeconds: Double

  /// The curve of the model in use.
  public var curve: ClearanceCurve {
    if model == .biExponential, let bi { return bi.curve }
    return mono.curve
  }

  /// The half-life that governs late clearance: the mono-exponential's effective half-life,
  /// or the slow term of the bi-exponential. nil when the dose rate does not fall.
  public var terminalHalfLifeSeconds: Double? {
    if model == .biExponential, let bi { return bi.slow.halfLifeSeconds }
    return mono.halfLifeSeconds
  }

  public var terminalHalfLifeStandardUncertaintySeconds: Double? {
    if model == .biExponential, let bi { return bi.slowHalfLifeStandardUncertaintySeconds }
    return mono.halfLifeStandardUncertaintySeconds
  }

  /// ln D(t) and its standard error under the model in use.
  func logDoseRate(at time: Double) -> (mean: Double, standardError: Double) {
    if model == .biExponential, let bi { return bi.logDoseRate(at: time) }
    return mono.logDoseRate(at: time)
  }
}

/// Fits clearance curves; never traps and never returns NaN: bad input is a `ClearanceFitError`.
public enum ClearanceFitter {
  public static func fit(_ samples: [ClearanceSample], settings: ClearanceFitSettings = .init())
    -> Result<ClearanceFit, ClearanceFitError>
  {
    let data: ClearanceData
    switch ClearanceData.prepare(samples) {
    case .success(let prepared): data = prepared
    case .failure(let error): return .failure(error)
    }
    guard let mono = MonoExponentialFit.fit(data) else { return .failure(.singular) }
    let (model, reason, bi) = chooseModel(data, mono: mono, settings: settings)
    var estimated = mono.varianceScaleEstimated
    var dof = mono.degreesOfFreedom
    if model == .biExponential, let bi {
      estimated = bi.varianceScaleEstimated
      dof = bi.degreesOfFreedom
    }
    let upperProbability = (1 + settings.confidence) / 2
    let coverage =
      estimated
      ? StudentT.quantile(upperProbability, degreesOfFreedom: Double(dof))
      : Normal.quantile(upperProbability)
    return .success(
      ClearanceFit(
        model: model, modelReason: reason, mono: mono, bi: bi, sampleCount: data.count,
        weighted: data.hasUncertainties, confidence: settings.confidence,
        coverageFactor: coverage, timeSpanSeconds: data.timeSpan))
  }

  /// The mono-exponential unless a converged bi-exponential is significantly better by the F
  /// test for nested least-squares models: F = ((χ²₁ − χ²₂)/2)/(χ²₂/(n − 4)) on (2, n − 4)
  /// degrees of freedom (the bi-exponential has two more parameters).
  static func chooseModel(
    _ data: ClearanceData, mono: MonoExponentialFit, settings: ClearanceFitSettings
  ) -> (ClearanceModel, String, BiExponentialFit?) {
    let n = data.count
    guard n >= Swift.max(settings.minimumPointsForBiExponential, 5) else {
      return (
        .monoExponential,
        "mono-exponential: \(n) samples; the bi-exponential needs at least "
          + "\(Swift.max(settings.minimumPointsForBiExponential, 5))",
        nil
      )
    }
    guard mono.decayConstantPerSecond > 0 else {
      return (.monoExponential, "mono-exponential: the dose rate does not fall", nil)
    }
    // The mono-exponential fits to rounding (rms residual of ln D below 1e-12): nothing to add.
    if mono.chiSquare <= 1e-24 * data.weights.reduce(0, +) {
      return (.monoExponential, "mono-exponential: it fits the samples exactly", nil)
    }
    let bi: BiExponentialFit
    switch BiExponentialModel.fit(data, mono: mono) {
    case .success(let fitted): bi = fitted
    case .failure(let failure):
      let why =
        switch failure {
        case .notConverged: "did not converge"
        case .indistinguishableComponents: "its two rates cannot be told apart"
        case .singularCovariance: "its covariance is singular"
        }
      return (.monoExponential, "mono-exponential: bi-exponential fit failed (\(why))", nil)
    }
    let improvement = mono.chiSquare - bi.chiSquare
    guard improvement > 0 else {
      return (.monoExponential, "mono-exponential: the bi-exponential fits no better", bi)
    }
    let pValue: Double
    if bi.chiSquare <= 1e-24 * data.weights.reduce(0, +) {
      pValue = 0
    } else {
      let f = (improvement / 2) / (bi.chiSquare / Double(bi.degreesOfFreedom))
      pValue = FisherF.survival(f, numerator: 2, denominator: Double(bi.degreesOfFreedom))
    }
    let test = "F test p = \(pValue), significance \(settings.modelTestSignificance)"
    if pValue < settings.modelTestSignificance {
      return (.biExponential, "bi-exponential: significantly better than mono (\(test))", bi)
    }
    return (
      .monoExponential, "mono-exponential: bi-exponential not significantly better (\(test))", bi
    )
  }
}
