import Foundation

/// When a patient's dose rate is predicted to fall to a level, with an interval.
///
/// Method (inverse prediction): the central time is where the fitted curve reaches the level.
/// The interval holds the times at which the level lies inside the pointwise confidence band
/// of ln D(t), ln D̂(t) ± k·se(t), se from the fit covariance (delta method): `earliest` is
/// where the lower edge of the band reaches the level, `latest` where the upper edge does.
/// For the mono-exponential ln D is linear in its parameters and this is Fieller's interval
/// (Fieller, J. R. Stat. Soc. B 16 (1954) 175); it is asymmetric, as a time ∝ 1/λ should be,
/// and it is unbounded when λ is not significantly positive. The bi-exponential uses the same
/// construction with its linearised covariance.
public struct ClearancePrediction: Sendable, Hashable, Codable {
  public let levelUSvH: Double
  public let model: ClearanceModel
  /// Time on the samples' axis at which the fitted curve reaches the level; nil when the
  /// fitted dose rate does not fall.
  public let timeSeconds: Double?
  /// Lower end of the interval; nil when the band never reaches the level going back.
  public let earliestSeconds: Double?
  /// Upper end of the interval; nil when the upper band does not reach the level within the
  /// horizon: the data do not show the patient will get there. Never read nil as "soon".
  public let latestSeconds: Double?
  public let confidence: Double
  public let coverageFactor: Double
  public let method: String

  /// Searches for band crossings stop this far (1e10 s, about 317 years) from the central
  /// time (project choice: anything later is "not shown").
  public static let horizonSeconds = 1e10

  static let methodDescription =
    "inverse prediction: times where the pointwise confidence band of ln D(t) (fit "
    + "covariance, delta method) reaches the level; Fieller's interval for the mono-exponential"
}

extension ClearanceFit {
  /// Predicts when the dose rate falls to `levelUSvH` (µSv/h, at the same distance and from the
  /// same detector as the samples).
  public func predictTime(toReach levelUSvH: Double) -> ClearancePrediction {
    func prediction(_ central: Double?, _ earliest: Double?, _ latest: Double?)
      -> ClearancePrediction
    {
      ClearancePrediction(
        levelUSvH: levelUSvH, model: model, timeSeconds: central, earliestSeconds: earliest,
        latestSeconds: latest, confidence: confidence, coverageFactor: coverageFactor,
        method: ClearancePrediction.methodDescription)
    }
    guard let central = curve.timeToReach(levelUSvH) else { return prediction(nil, nil, nil) }
    let logLevel = log(levelUSvH)
    let step = Swift.max(timeSpanSeconds, terminalHalfLifeSeconds ?? 0, 1)
    let latest = bandCrossing(from: central, direction: 1, step: step) {
      let band = logDoseRate(at: $0)
      return band.mean + coverageFactor * band.standardError - logLevel <= 0
    }
    let earliest = bandCrossing(from: central, direction: -1, step: step) {
      let band = logDoseRate(at: $0)
      return band.mean - coverageFactor * band.standardError - logLevel >= 0
    }
    return prediction(central, earliest, latest)
  }

  /// The first time, going from `start` in `direction`, at which `reached` holds: steps that
  /// double from `step` until it holds, then bisection back to the boundary. nil beyond the
  /// horizon.
  private func bandCrossing(
    from start: Double, direction: Double, step: Double, reached: (Double) -> Bool
  ) -> Double? {
    if reached(start) { return start }
    var inside = start
    var distance = step
    var outside = start + direction * distance
    while !reached(outside) {
      inside = outside
      distance *= 2
      guard distance <= ClearancePrediction.horizonSeconds else { return nil }
      outside = start + direction * distance
    }
    for _ in 0..<200 {
      let middle = (inside + outside) / 2
      if middle == inside || middle == outside { break }
      if reached(middle) { outside = middle } else { inside = middle }
    }
    return outside
  }
}
