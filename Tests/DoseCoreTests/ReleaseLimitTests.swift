import Testing

@testable import DoseCore

/// Release limits: the US default formula against the values of health-physics.md §1.2–1.3,
/// the fixed presets, and refusal of presets that are not rules for the nuclide.
struct ReleaseLimitTests {
  /// 5000 µSv / (34.6 h · T½[d] · E), hand-computed from the ICRP-107 half-lives
  /// (health-physics.md §1.3: Lu-177 87.0, I-131 72.1, Ra-223 50.6, Ac-225 57.8; §1.2 Tc-99m
  /// 577 with E = 1 because T½ = 6.015 h < 1 d).
  @Test(arguments: [
    ("Lu-177", 5000 / (34.6 * 6.647 * 0.25), 87.0),
    ("I-131", 5000 / (34.6 * 8.0207 * 0.25), 72.1),
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
    // Lu-177: 5000 / (34.6 × 6.647 × 0.25) = 86.963…; I-131: 5000 / (34.6 × 8.0207 × 0.25) =
    // 72.068…
    let lu = try ReleaseLimit.resolve("us-default", forNuclide: "Lu-177")
    let iodine = try ReleaseLimit.resolve("us-default", forNuclide: "i131")
    #expect((lu.limitUSvH * 10).rounded() / 10 == 87.0)
    #expect((iodine.limitUSvH * 10).rounded() / 10 == 72.1)
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
