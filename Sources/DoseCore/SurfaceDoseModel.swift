import Foundation

/// Predicted contact dose rate of a decaying package: the reading at sealing, split between
/// nuclides and followed through their chains.
///
/// - **Dose-rate constants** (`DoseRateConstants`) when every declared nuclide has one:
///   D(t) = D₀ · Σ Γᵢ Aᵢ(t) / Σ Γᵢ Aᵢ(0), over every chain member. A daughter without a constant
///   of its own is weighted with the largest constant among its declared ancestors, so it is
///   never left out (a project rule; it over-counts progeny already inside a parent's
///   constant, e.g. Ba-137m, which errs on the late side).
/// - **Caller-given shares** (the `WastePackage` model) otherwise: declared nuclide c has
///   share s_c of D₀ and that share follows the total activity of c's chain relative to c's
///   activity at sealing, D(t) = D₀ · Σ s_c · Σ_chain A(t) / A_c(0). For a nuclide with no
///   radioactive daughter this is exactly `WastePackage`'s e^(−λt).
/// Without constants or shares for every declared nuclide there is no model, and the rule
/// refuses to predict (naming the nuclides).
struct SurfaceDoseModel: Sendable {
  let surfaceAtSeal: Double
  private let weighted: [(inventory: Inventory, weights: [String: Double], norm: Double)]

  init(_ batch: WasteBatch) throws(WasteRuleRefusal) {
    guard let surface = batch.surfaceUSvHAtSeal, surface.isFinite, surface >= 0 else {
      throw WasteRuleRefusal(
        reasons: ["decay-in-storage prediction needs the surface dose rate at sealing (µSv/h)"])
    }
    surfaceAtSeal = surface
    let declared = batch.inventory.activitiesBq.filter { $0.value > 0 }
    let missing = declared.keys.filter { DoseRateConstants.value(for: $0) == nil }.sorted()
    if missing.isEmpty {
      weighted = [try Self.constantWeights(batch.inventory)]
    } else if let shares = batch.surfaceShares {
      weighted = try Self.shareWeights(batch.inventory, shares: shares)
    } else {
      throw WasteRuleRefusal(reasons: [
        "no dose-rate constant for \(missing.joined(separator: ", ")) "
          + "(health-physics.md §4.2 has none): give the package's surface dose-rate shares"
      ])
    }
  }

  /// Predicted surface dose rate, µSv/h, `seconds` after sealing.
  func surfaceUSvH(after seconds: Double) -> Double {
    weighted.reduce(0) { total, part in
      let activities = part.inventory.activities(afterSeconds: seconds)
      let dose = part.weights.reduce(0) { $0 + $1.value * (activities[$1.key] ?? 0) }
      return total + surfaceAtSeal * dose / part.norm
    }
  }

  private static func constantWeights(_ inventory: Inventory) throws(WasteRuleRefusal)
    -> (inventory: Inventory, weights: [String: Double], norm: Double)
  {
    var weights: [String: Double] = [:]
    for symbol in inventory.chainSymbols {
      weights[symbol] =
        DoseRateConstants.value(for: symbol)
        ?? inventory.declaredAncestors(of: symbol).keys.compactMap(DoseRateConstants.value).max()
        ?? 0
    }
    let atSeal = inventory.activities(afterSeconds: 0)
    let norm = weights.reduce(0) { $0 + $1.value * (atSeal[$1.key] ?? 0) }
    guard norm > 0, norm.isFinite else {
      throw WasteRuleRefusal(reasons: ["package has no activity at sealing to follow"])
    }
    return (inventory, weights, norm)
  }

  private static func shareWeights(_ inventory: Inventory, shares: [String: Double])
    throws(WasteRuleRefusal) -> [(inventory: Inventory, weights: [String: Double], norm: Double)]
  {
    var parts: [(inventory: Inventory, weights: [String: Double], norm: Double)] = []
    var reasons: [String] = []
    for (symbol, activity) in inventory.activitiesBq.sorted(by: { $0.key < $1.key })
    where activity > 0 {
      guard let share = shares[symbol], share.isFinite, share >= 0 else {
        reasons.append("no surface dose-rate share given for \(symbol)")
        continue
      }
      guard share > 0,
        let single = try? Inventory(activitiesBq: [symbol: activity], at: inventory.referenceDate)
      else { continue }
      // Σ_chain A(t) · share / A_c(0): every chain member weighs share / A_c(0).
      let weights = Dictionary(uniqueKeysWithValues: single.chainSymbols.map { ($0, share) })
      parts.append((single, weights, activity))
    }
    guard reasons.isEmpty else { throw WasteRuleRefusal(reasons: reasons) }
    return parts
  }
}
