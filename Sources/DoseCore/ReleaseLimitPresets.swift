import Foundation

/// The release-limit presets, by the name used in configuration.
public enum ReleaseLimitPreset: String, CaseIterable, Sendable, Codable {
  /// 10 CFR 35.75 default for any nuclide, by the NCRP-37 method of RG 8.39 / NUREG-1556 Vol. 9
  /// App. U: Ḣ(1 m) ≤ 5 mSv / (34.6 h · T½[d] · E).
  case usDefault = "us-default"
  /// The I-131 row of NUREG-1556 Vol. 9 App. U Table U.1: 0.07 mSv/h at 1 m.
  case usI131Table = "us-i131-table"
  /// Germany, discharge after radioiodine therapy: 3.5 µSv/h at 2 m.
  case deI131 = "de-i131"
}

extension ReleaseLimit {
  /// 10 CFR 35.75(a): TEDE to any other individual ≤ 5 mSv (health-physics.md §1.1 [V]).
  static let usDoseCriterionUSv = 5000.0
  /// NCRP Report 37 factor 34.6 h per day = 24 h/d × 1.44 (mean life / half-life), quoted in
  /// the RG 8.39 Rev. 1 draft (health-physics.md §1.2 [V]).
  static let ncrp37HoursPerDay = 34.6
  /// Occupancy factor at 1 m: 0.25 when T½ ≥ 1 d, else 1 (RG 8.39 / NUREG-1556 Vol. 9 App. U,
  /// health-physics.md §0 row 3).
  static func usOccupancyFactor(halfLifeDays: Double) -> Double {
    halfLifeDays >= 1 ? 0.25 : 1
  }

  /// The Γ-free US default dose-rate limit at 1 m, µSv/h: 5000 µSv / (34.6 h · T½[d] · E)
  /// (health-physics.md §1.2 and §1.3 [D]; Lu-177 ≈ 87.0, I-131 ≈ 72.1).
  public static func usDefaultLimitUSvH(halfLifeDays: Double) -> Double {
    usDoseCriterionUSv
      / (ncrp37HoursPerDay * halfLifeDays * usOccupancyFactor(halfLifeDays: halfLifeDays))
  }

  /// The `us-default` limit for a nuclide, from its (ICRP-107) physical half-life.
  public static func usDefault(for nuclide: Nuclide) -> ReleaseLimit {
    let days = nuclide.halfLifeDays
    let occupancy = usOccupancyFactor(halfLifeDays: days)
    return ReleaseLimit(
      limitUSvH: usDefaultLimitUSvH(halfLifeDays: days), distanceM: 1,
      name: ReleaseLimitPreset.usDefault.rawValue,
      source:
        "10 CFR 35.75 (5 mSv) by the NCRP-37 method of RG 8.39 / NUREG-1556 Vol. 9 App. U: "
        + "5 mSv / (34.6 h × \(days) d × E = \(occupancy)) at 1 m, physical half-life of "
        + "\(nuclide.symbol) from \(nuclide.source); derived, not a published table value")
  }

  /// NUREG-1556 Vol. 9 App. U Table U.1, I-131 row: 7 mrem/h = 0.07 mSv/h at 1 m
  /// (health-physics.md §1.2 [V], via the RG 8.39 Table 4 synopsis in J Nucl Med Technol).
  public static let usI131Table = ReleaseLimit(
    limitUSvH: 70, distanceM: 1, name: ReleaseLimitPreset.usI131Table.rawValue,
    source: "NUREG-1556 Vol. 9 App. U Table U.1 (RG 8.39), I-131 row: 0.07 mSv/h at 1 m")

  /// Richtlinie Strahlenschutz in der Medizin: ≤ 1 mSv per calendar year at 2 m, which for
  /// I-131 is 3.5 µSv/h at 2 m (Kranert et al., Nuklearmedizin 2019;58:180;
  /// health-physics.md §1.5 [V]).
  public static let deI131 = ReleaseLimit(
    limitUSvH: 3.5, distanceM: 2, name: ReleaseLimitPreset.deI131.rawValue,
    source:
      "Richtlinie Strahlenschutz in der Medizin (1 mSv/year at 2 m): I-131 3.5 µSv/h at 2 m "
      + "(Kranert et al., Nuklearmedizin 2019;58:180)")

  /// Resolves a configured preset name for a nuclide, refusing a preset that is not a rule for
  /// that nuclide. `site` is refused here: a site limit is made with `site(…)`.
  public static func resolve(_ preset: String, for nuclide: Nuclide)
    throws(ReleaseLimitError) -> ReleaseLimit
  {
    guard let known = ReleaseLimitPreset(rawValue: preset) else {
      throw preset == "site" ? .siteNeedsValues : .unknownPreset(preset)
    }
    let isI131 = NuclideTable.lookup(nuclide.symbol)?.symbol == "I-131"
    switch known {
    case .usDefault:
      guard nuclide.halfLifeSeconds.isFinite, nuclide.halfLifeSeconds > 0 else {
        throw .notApplicable(
          preset: preset, nuclide: nuclide.symbol, reason: "no positive half-life")
      }
      return usDefault(for: nuclide)
    case .usI131Table:
      guard isI131 else {
        throw .notApplicable(
          preset: preset, nuclide: nuclide.symbol,
          reason: "it is the I-131 row of Table U.1; use us-default or a site limit")
      }
      return usI131Table
    case .deI131:
      guard isI131 else {
        throw .notApplicable(
          preset: preset, nuclide: nuclide.symbol,
          reason:
            "the German rule gives a value for I-131 only; for other nuclides the site sets "
            + "the limit")
      }
      return deI131
    }
  }

  /// As `resolve(_:for:)`, with the nuclide named by its symbol (`Lu-177`, `i131`).
  public static func resolve(_ preset: String, forNuclide symbol: String)
    throws(ReleaseLimitError) -> ReleaseLimit
  {
    guard let nuclide = NuclideTable.lookup(symbol) else { throw .unknownNuclide(symbol) }
    return try resolve(preset, for: nuclide)
  }
}
