import Foundation

/// A radionuclide with the half-life the whole product uses for it.
///
/// All half-lives come from one evaluation, ICRP Publication 107 (2008), as shipped by the
/// `radioactivedecay` package (`icrp107_ame2020_nubase2020/decay_data.npz`); the values are
/// transcribed in `shared/reference/health-physics.md` §4.1 and DOMAIN.md. Mixing evaluations
/// would make decay predictions disagree with the test oracle, so do not add a value from
/// elsewhere without saying so here.
public struct Nuclide: Sendable, Hashable, Codable {
  /// Canonical symbol, element and mass number with a hyphen: `Lu-177`, `Lu-177m`.
  public let symbol: String
  public let halfLifeSeconds: Double
  /// Where the half-life comes from.
  public let source: String
  /// Radioactive decay modes with their daughters and branching fractions (empty when the decay
  /// data has not been entered; a stable daughter is listed too, see `NuclideTable.stable`).
  public let branches: [DecayBranch]

  public init(
    symbol: String, halfLifeSeconds: Double, source: String, branches: [DecayBranch] = []
  ) {
    self.symbol = symbol
    self.halfLifeSeconds = halfLifeSeconds
    self.source = source
    self.branches = branches
  }

  private enum CodingKeys: String, CodingKey {
    case symbol, halfLifeSeconds, source, branches
  }

  /// Decodes documents written before `branches` existed as having no branches.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    symbol = try container.decode(String.self, forKey: .symbol)
    halfLifeSeconds = try container.decode(Double.self, forKey: .halfLifeSeconds)
    source = try container.decode(String.self, forKey: .source)
    branches = try container.decodeIfPresent([DecayBranch].self, forKey: .branches) ?? []
  }

  /// Decay constant λ = ln 2 / T½, per second.
  public var decayConstant: Double { log(2.0) / halfLifeSeconds }

  /// Fraction of the activity left after `elapsedSeconds` (1 at zero, 0.5 after one half-life).
  public func remainingFraction(after elapsedSeconds: Double) -> Double {
    exp(-decayConstant * elapsedSeconds)
  }

  public var halfLifeDays: Double { halfLifeSeconds / Time.day }
}

/// Time units in seconds, so that tables read in the units their sources use.
public enum Time {
  public static let minute = 60.0
  public static let hour = 3600.0
  public static let day = 86_400.0
  /// Julian year (365.25 d), the year ICRP-107 uses for long half-lives.
  public static let year = 365.25 * 86_400.0
}
