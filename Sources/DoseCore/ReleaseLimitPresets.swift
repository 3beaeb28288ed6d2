import Foundation

/// The release-limit presets, by the name used in configuration.
public enum ReleaseLimitPreset: String, CaseIterable, Sendable, Codable {
  /// 10 CFR 35.75 default for any nuclide: the NUREG-1556 Vol. 9 App. U Table U.1 row where the
  /// table has the nuclide, else the NCRP-37 method of RG 8.39 / App. U,
  /// Ḣ(1 m) ≤ 5 mSv / (34.6 h · T½[d] · E) (`ReleaseLimit.usTableU1Rows`).
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

  /// A dose-rate row of NUREG-1556 Vol. 9 App. U Table U.1 (RG 8.39 Table 1), µSv/h at 1 m.
  public struct TableU1Row: Sendable, Hashable {
    public let limitUSvH: Double
    /// Whether the row was read in the table (or a verified quotation of it).
    public let verified: Bool
    public let citation: String
  }

  /// The Table U.1 dose-rate rows for nuclides of our table (health-physics.md §1.2). Only the
  /// I-131 row is verified; the others are transcribed there "from memory" [M] and pass the
  /// NCRP-37 consistency check, so where such a row is above the formula's value, the formula
  /// (the more restrictive candidate) is used instead (see `usDefault(for:)`).
  public static let usTableU1Rows: [String: TableU1Row] = [
    "I-131": TableU1Row(
      limitUSvH: 70, verified: true,
      citation:
        "NUREG-1556 Vol. 9 App. U Table U.1 (RG 8.39), I-131 row: 7 mrem/h = 0.07 mSv/h at 1 m "
        + "(verified via the RG 8.39 Table 4 synopsis, J Nucl Med Technol)"),
    "In-111": TableU1Row(
      limitUSvH: 200, verified: false,
      citation:
        "NUREG-1556 Vol. 9 App. U Table U.1, In-111 row: 0.2 mSv/h at 1 m (as transcribed in "
        + "health-physics.md §1.2 [M], not verified against the table)"),
    "Sm-153": TableU1Row(
      limitUSvH: 300, verified: false,
      citation:
        "NUREG-1556 Vol. 9 App. U Table U.1, Sm-153 row: 0.3 mSv/h at 1 m (as transcribed in "
        + "health-physics.md §1.2 [M], not verified against the table)"),
    "Tc-99m": TableU1Row(
      limitUSvH: 580, verified: false,
      citation:
        "NUREG-1556 Vol. 9 App. U Table U.1, Tc-99m row: 0.58 mSv/h at 1 m (as transcribed in "
        + "health-physics.md §1.2 [M], not verified against the table)"),
  ]

  /// The `us-default` limit for a nuclide: Table U.1's row where the table has the nuclide
  /// (a published row is not replaced by the formula), the Γ-free formula
  /// from its (ICRP-107) physical half-life where it does not. An unverified row is used only
  /// where it is at or below the formula's value; above it, the formula's value is used and the
  /// source says why. The source (served as `limit_source`) starts with which it is.
  public static func usDefault(for nuclide: Nuclide) -> ReleaseLimit {
    let days = nuclide.halfLifeDays
    let occupancy = usOccupancyFactor(halfLifeDays: days)
    let formula = usDefaultLimitUSvH(halfLifeDays: days)
    let derivation =
      "10 CFR 35.75 (5 mSv) by the NCRP-37 method of RG 8.39 / NUREG-1556 Vol. 9 App. U: "
      + "5 mSv / (34.6 h × \(days) d × E = \(occupancy)) at 1 m, physical half-life of "
      + "\(nuclide.symbol) from \(nuclide.source)"
    let name = ReleaseLimitPreset.usDefault.rawValue
    if let row = usTableU1Rows[NuclideTable.lookup(nuclide.symbol)?.symbol ?? nuclide.symbol] {
      if row.verified || row.limitUSvH <= formula {
        return ReleaseLimit(
          limitUSvH: row.limitUSvH, distanceM: 1, name: name,
          source: "table value: " + row.citation)
      }
      return ReleaseLimit(
        limitUSvH: formula, distanceM: 1, name: name,
        source:
          "derived, not a published table value: " + derivation + "; used instead of the "
          + "unverified, higher " + row.citation)
    }
    return ReleaseLimit(
      limitUSvH: formula, distanceM: 1, name: name,
      source:
        "derived, not a published table value (Table U.1 has no \(nuclide.symbol) row): "
        + derivation)
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
