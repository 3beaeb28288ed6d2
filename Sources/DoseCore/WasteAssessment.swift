import Foundation

/// Where a package of a waste store stands under its store's rule, at one moment.
public enum WasteAssessment {
  /// The package's state, predicted surface dose rate and release date under `rule`.
  ///
  /// - `not_eligible`: the rule refuses the package (e.g. Lu-177m under US decay-in-storage),
  ///   with the reasons;
  /// - `release_due`: decay predicts it has reached its limit: survey it for release;
  /// - `holding`: otherwise, with the predicted date when one can be computed.
  public static func assess(
    _ batch: WasteBatch, rule: WasteRule, releaseSurfaceUSvH: Double, at date: Date
  ) -> PackageAssessment {
    let nuclides = batch.inventory.activitiesBq.keys.sorted()
    let surface = try? SurfaceDoseModel(batch).surfaceUSvH(
      after: Swift.max(0, date.timeIntervalSince(batch.sealedAt)))
    let acceptance = rule.acceptance(of: batch)
    guard acceptance.isAccepted else {
      return PackageAssessment(
        id: batch.id, state: .notEligible, nuclides: nuclides, surfaceUSvHNow: surface,
        releaseDueAt: nil, reasons: acceptance.reasons)
    }
    do {
      let due = try rule.predictedReleaseDate(for: batch, releaseSurfaceUSvH: releaseSurfaceUSvH)
      return PackageAssessment(
        id: batch.id, state: due <= date ? .releaseDue : .holding, nuclides: nuclides,
        surfaceUSvHNow: surface, releaseDueAt: due, reasons: acceptance.notes)
    } catch {
      // No prediction (missing input): it holds, and says why.
      return PackageAssessment(
        id: batch.id, state: .holding, nuclides: nuclides, surfaceUSvHNow: surface,
        releaseDueAt: nil, reasons: error.reasons)
    }
  }
}
