import Foundation

/// One decay mode of a radionuclide: the daughter it makes and how often.
///
/// Branching fractions are per decay of the parent. They come from the same evaluation as the
/// half-lives (ICRP-107, as shipped by `radioactivedecay`), so chain arithmetic and its test
/// oracle agree.
public struct DecayBranch: Sendable, Hashable, Codable {
  /// Canonical symbol of the daughter (`Lu-177`, `Hf-177`). A stable daughter is named too:
  /// `NuclideTable.stable` lists the ones the table knows, so that a missing entry is never
  /// mistaken for a stable end product.
  public let daughter: String
  /// Fraction of the parent's decays that take this branch (0…1].
  public let fraction: Double
  /// Decay mode as ICRP-107 writes it: `β-`, `β+ & EC`, `EC`, `IT`, `α`.
  public let mode: String

  public init(daughter: String, fraction: Double, mode: String) {
    self.daughter = daughter
    self.fraction = fraction
    self.mode = mode
  }
}
