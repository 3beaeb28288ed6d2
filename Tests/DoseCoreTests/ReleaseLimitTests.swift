import Testing

@testable import DoseCore

/// Release limits: the US default formula against the values of health-physics.md §1.2–1.3,
/// the fixed presets, and refusal of presets that are not rules for the nuclide.
struct ReleaseLimitTests {
  /// 5000 µSv / (34.6 h · T½[d] · E), hand-computed from the ICRP-107 half-lives
  /// (health-physics.md §1.3: Lu-177 87.0, Ra-223 50.6, Ac-225 57.8; §1.2 Tc-99m 577 with
  /// E = 1 because T½ = 6.015 h < 1 d, below the unverified Table U.1 row's 580). I-131 and
  /// In-111 have Table U.1 rows: `tableRowsReplaceTheFormula`.
  @Test(arguments: [
    ("Lu-177", 5000 / (34.6 * 6.647 * 0.25), 87.0),
    ("Ra-223", 5000 / (34.6 * 11.43 * 0.25), 50.6),
    ("Ac-225", 5000 / (34.6 * 10.0 * 0.25), 57.8),
    ("Tc-99m", 5000 / (34.6 * (6.015 / 24) * 1), 577.0),
  ])
  func usDefaultFormula(symbol: String, exact: Double, rounded: Double) throws {
    let limit = try ReleaseLimit.resolve("us-default", forNuclide: symbol)
    #expect(isClose(limit.limitUSvH, exact, rel: 1e-12))
    #expect(abs(limit.limitUSvH - rounded) < 0.5)
    #expect(limit.distanceM == 1)
    #expect(limit.name == "us-default")
    #expect(limit.source.contains("10 CFR 35.75"))
  }

  @Test func lu177AndI131ToTheDigitsOfTheReference() throws {
    // Lu-177: 5000 / (34.6 × 6.647 × 0.25) = 86.963…; I-131's formula value 72.068… is not
    // served: Table U.1 has an I-131 row.
    let lu = try ReleaseLimit.resolve("us-default", forNuclide: "Lu-177")
    #expect((lu.limitUSvH * 10).rounded() / 10 == 87.0)
    #expect((ReleaseLimit.usDefaultLimitUSvH(halfLifeDays: 8.0207) * 10).rounded() / 10 == 72.1)
  }

  /// Issue 15, finding 5: where NUREG-1556 Vol. 9 App. U Table U.1 has a row, us-default serves
  /// it, not the formula (I-131 70 not 72.1, In-111 200 not 206), and the source says which.
  @Test func tableRowsReplaceTheFormula() throws {
    let iodine = try ReleaseLimit.resolve("us-default", forNuclide: "I-131")
    #expect(iodine.limitUSvH == 70)
    #expect(iodine.source.hasPrefix("table value"))
    #expect(iodine.source.contains("Table U.1") && iodine.source.contains("I-131 row"))
    let indium = try ReleaseLimit.resolve("us-default", forNuclide: "In-111")
    // Formula: 5000 / (34.6 × 2.8047 × 0.25) = 206.1; the row (unverified, [M]) is lower.
    #expect(ReleaseLimit.usDefaultLimitUSvH(halfLifeDays: 2.8047) > 206)
    #expect(indium.limitUSvH == 200)
    #expect(indium.source.hasPrefix("table value") && indium.source.contains("not verified"))
    // An unverified row above the formula does not loosen it: Tc-99m 577 (row 580), Sm-153
    // 5000 / (34.6 × 1.9375 × 0.25) = 298.3 (row 300).
    let technetium = try ReleaseLimit.resolve("us-default", forNuclide: "Tc-99m")
    #expect(abs(technetium.limitUSvH - 577) < 0.5)
    #expect(technetium.source.hasPrefix("derived") && technetium.source.contains("unverified"))
    let samarium = try ReleaseLimit.resolve("us-default", forNuclide: "Sm-153")
    #expect(isClose(samarium.limitUSvH, 5000 / (34.6 * (46.50 / 24) * 0.25), rel: 1e-12))
    // No row: the formula, and the source says it is derived.
    let lutetium = try ReleaseLimit.resolve("us-default", forNuclide: "Lu-177")
    #expect(lutetium.source.hasPrefix("derived, not a published table value"))
  }

  @Test func fixedI131Presets() throws {
    let table = try ReleaseLimit.resolve("us-i131-table", forNuclide: "I-131")
    #expect(table.limitUSvH == 70 && table.distanceM == 1)
    let german = try ReleaseLimit.resolve("de-i131", forNuclide: "I-131")
    #expect(german.limitUSvH == 3.5 && german.distanceM == 2)
    #expect(german.source.contains("Kranert"))
  }

  @Test func presetsThatDoNotApplyAreRefused() {
    #expect(throws: ReleaseLimitError.self) {
      try ReleaseLimit.resolve("de-i131", forNuclide: "Lu-177")
    }
    #expect(throws: ReleaseLimitError.self) {
      try ReleaseLimit.resolve("us-i131-table", forNuclide: "Lu-177")
    }
    do {
      _ = try ReleaseLimit.resolve("de-i131", forNuclide: "Lu-177")
    } catch {
      #expect(error.description.contains("does not apply to Lu-177"))
    }
  }

  @Test func unknownNamesAreRefused() {
    #expect(throws: ReleaseLimitError.unknownPreset("eu-default")) {
      try ReleaseLimit.resolve("eu-default", forNuclide: "Lu-177")
    }
    #expect(throws: ReleaseLimitError.unknownNuclide("Xx-1")) {
      try ReleaseLimit.resolve("us-default", forNuclide: "Xx-1")
    }
    #expect(throws: ReleaseLimitError.siteNeedsValues) {
      try ReleaseLimit.resolve("site", forNuclide: "Lu-177")
    }
  }

  @Test func siteLimitNeedsEveryField() throws {
    let site = try ReleaseLimit.site(
      limitUSvH: 20, distanceM: 1, source: "licence condition 12, local rule LR-7")
    #expect(site.limitUSvH == 20 && site.distanceM == 1 && site.name == "site")
    #expect(throws: ReleaseLimitError.missingSource) {
      try ReleaseLimit.site(limitUSvH: 20, distanceM: 1, source: "  ")
    }
    #expect(throws: ReleaseLimitError.unsupportedDistance(1.5)) {
      try ReleaseLimit.site(limitUSvH: 20, distanceM: 1.5, source: "local rule")
    }
    #expect(throws: ReleaseLimitError.invalidLimit(0)) {
      try ReleaseLimit.site(limitUSvH: 0, distanceM: 1, source: "local rule")
    }
    #expect(throws: ReleaseLimitError.self) {
      try ReleaseLimit.site(limitUSvH: .nan, distanceM: 1, source: "local rule")
    }
  }
}
