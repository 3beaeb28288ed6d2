import Foundation

extension WasteRule {
  /// Searched up to this many times the longest half-life in the package's chains (activity
  /// falls by 2⁻¹⁰⁰ ≈ 8e-31 by then); a package still above its limit there has no date.
  public static let horizonHalfLives = 100.0

  /// When the package may be released under this rule, predicted from decay alone.
  ///
  /// - Clearance rules: the first time after which Σ Cᵢ(t)/CLᵢ ≤ 1 (see `SumRuleAssessment` for
  ///   how nuclides without a level are handled).
  /// - US decay-in-storage: the first time after which the predicted surface dose rate
  ///   (`SurfaceDoseModel`) is ≤ `releaseSurfaceUSvH`, e.g. twice background. The release
  ///   itself still needs the survey of 10 CFR 35.92(a)(1).
  ///
  /// Throws with every reason when the rule refuses the package, a needed input is missing, or
  /// the limit is not reached within `horizonHalfLives` of the longest half-life.
  public func predictedReleaseDate(for batch: WasteBatch, releaseSurfaceUSvH: Double? = nil)
    throws(WasteRuleRefusal) -> Date
  {
    let acceptance = acceptance(of: batch)
    guard acceptance.isAccepted else { throw WasteRuleRefusal(reasons: acceptance.reasons) }
    let threshold: Double
    let value: (Double) -> Double
    switch self {
    case .usDecayInStorage:
      guard let level = releaseSurfaceUSvH, level.isFinite, level > 0 else {
        throw WasteRuleRefusal(reasons: ["decay-in-storage needs a release level > 0 µSv/h"])
      }
      let model = try SurfaceDoseModel(batch)
      threshold = level
      value = { model.surfaceUSvH(after: $0) }
    case .clearanceIAEA, .clearanceGermany:
      guard let table = clearanceTable, let mass = batch.massGrams else {
        throw WasteRuleRefusal(reasons: ["clearance needs the package mass"])
      }
      let plan: SumRulePlan
      do {
        plan = try SumRulePlan(table: table, inventory: batch.inventory, massGrams: mass)
      } catch {
        throw WasteRuleRefusal(reasons: [error.description])
      }
      threshold = 1
      value = { seconds in
        plan.evaluate(table.concentrations(batch.inventory, massGrams: mass, after: seconds)).sum
      }
    }
    let horizon = Self.horizonHalfLives * batch.longestHalfLifeSeconds
    guard
      let seconds = ReleaseSearch.firstTimeStayingAtOrBelow(
        threshold, horizonSeconds: horizon, value: value)
    else {
      throw WasteRuleRefusal(reasons: [
        "\(rawValue): package \(batch.id) is still above its limit \(Int(Self.horizonHalfLives)) "
          + "half-lives of its longest-lived nuclide after sealing"
      ])
    }
    return batch.sealedAt.addingTimeInterval(seconds)
  }
}
