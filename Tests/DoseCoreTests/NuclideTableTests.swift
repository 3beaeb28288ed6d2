import Foundation
import Testing

@testable import DoseCore

struct HalfLifeCase: Sendable, CustomTestStringConvertible {
  let symbol: String
  /// Half-life in the unit ICRP-107 quotes it in.
  let value: Double
  /// That unit in seconds.
  let unit: Double
  /// `radioactivedecay` 0.6.1 (ICRP-107 dataset): `rd.Nuclide(symbol).half_life('s')`.
  let oracleSeconds: Double
  var testDescription: String { symbol }
}

private let minute = 60.0
private let hour = 3600.0
private let day = 86_400.0
/// Julian year, 365.25 d.
private let julianYear = 31_557_600.0

/// Half-lives as listed in DOMAIN.md ("Half-lives, ICRP-107"), with the oracle in seconds.
let halfLifeCases: [HalfLifeCase] = [
  HalfLifeCase(symbol: "Lu-177", value: 6.647, unit: day, oracleSeconds: 574300.8),
  HalfLifeCase(symbol: "Lu-177m", value: 160.4, unit: day, oracleSeconds: 13858560.0),
  HalfLifeCase(symbol: "I-131", value: 8.0207, unit: day, oracleSeconds: 692988.48),
  HalfLifeCase(symbol: "Y-90", value: 64.10, unit: hour, oracleSeconds: 230759.99999999997),
  HalfLifeCase(symbol: "Ra-223", value: 11.43, unit: day, oracleSeconds: 987552.0),
  HalfLifeCase(symbol: "Ac-225", value: 10.0, unit: day, oracleSeconds: 864000.0),
  HalfLifeCase(symbol: "Ga-68", value: 67.71, unit: minute, oracleSeconds: 4062.5999999999995),
  HalfLifeCase(symbol: "F-18", value: 109.77, unit: minute, oracleSeconds: 6586.2),
  HalfLifeCase(symbol: "Tc-99m", value: 6.015, unit: hour, oracleSeconds: 21654.0),
  HalfLifeCase(symbol: "Sm-153", value: 46.50, unit: hour, oracleSeconds: 167400.0),
  HalfLifeCase(symbol: "In-111", value: 2.8047, unit: day, oracleSeconds: 242326.08),
  HalfLifeCase(symbol: "Sr-89", value: 50.53, unit: day, oracleSeconds: 4365792.0),
  HalfLifeCase(symbol: "Ge-68", value: 270.95, unit: day, oracleSeconds: 23410080.0),
]

@Test(
  "ICRP-107 half-lives, as DOMAIN.md lists them and radioactivedecay has them",
  arguments: halfLifeCases)
func halfLife(_ c: HalfLifeCase) throws {
  let nuclide = try #require(NuclideTable.lookup(c.symbol))
  #expect(nuclide.symbol == c.symbol)
  #expect(nuclide.halfLifeSeconds == c.value * c.unit)
  #expect(isClose(nuclide.halfLifeSeconds, c.oracleSeconds, rel: 1e-14))
  #expect(nuclide.source.contains("ICRP"))
}

@Test("Cs-137 30.1671 y and Co-60 5.2713 y, in Julian years")
func longHalfLives() throws {
  let cs137 = try #require(NuclideTable.lookup("Cs-137"))
  let co60 = try #require(NuclideTable.lookup("Co-60"))
  #expect(cs137.halfLifeSeconds == 30.1671 * julianYear)
  #expect(co60.halfLifeSeconds == 5.2713 * julianYear)
  // radioactivedecay converts ICRP-107 years with 365.2422 d (its decay_data.npz `year_conv`):
  // rd.Nuclide('Cs-137').half_life('s') = 951980944.7479681, Co-60 166346024.445504. The
  // table's 365.25 d year is longer by 2.1e-5 (relative); documented here, not hidden.
  #expect(isClose(cs137.halfLifeSeconds, 951980944.7479681, rel: 3e-5))
  #expect(isClose(co60.halfLifeSeconds, 166346024.445504, rel: 3e-5))
  #expect(isClose(cs137.halfLifeSeconds * 365.2422 / 365.25, 951980944.7479681, rel: 1e-12))
}

/// Issue 15, finding 3: the impurities of accelerator-made Ac-225 (Ac-227) and of Ga-68
/// generators (Ge-68) can be declared, with their ICRP-107 decay (radioactivedecay 0.6.1:
/// `rd.Nuclide('Ac-227').half_life('s')` = 687057394.61376 s (365.2422 d years), progeny Th-227 0.9862 β-, Fr-223
/// 0.0138 α; Ge-68 → Ga-68 1.0 EC). The chains themselves are checked against the oracle by
/// `chainDecayMatchesOracle`.
@Test("Ac-227 and Ge-68 are in the table with their ICRP-107 decay")
func impurityNuclides() throws {
  let actinium = try #require(NuclideTable.lookup("ac227"))
  #expect(actinium.halfLifeSeconds == 21.772 * julianYear)
  #expect(isClose(actinium.halfLifeSeconds * 365.2422 / 365.25, 687057394.61376, rel: 1e-12))
  #expect(actinium.branches.map(\.daughter) == ["Th-227", "Fr-223"])
  #expect(actinium.branches.map(\.fraction) == [0.9862, 0.0138])
  let germanium = try #require(NuclideTable.lookup("Ge-68"))
  #expect(germanium.branches.map(\.daughter) == ["Ga-68"])
  // Every daughter of both chains is known (no incomplete chain), down to Pb-207 and Zn-68.
  for parent in [actinium, germanium] {
    #expect(DecayPath.paths(from: parent).unknownDaughters.isEmpty, "\(parent.symbol)")
  }
  let members = Set(DecayPath.paths(from: actinium).paths.map(\.descendant.symbol))
  #expect(
    members == [
      "Ac-227", "Th-227", "Fr-223", "Ra-223", "At-219", "Bi-215", "Rn-219", "Po-215", "Pb-211",
      "Bi-211", "Tl-207", "Po-211",
    ])
}

@Test("Every table entry is unique and has a positive half-life")
func tableShape() {
  #expect(Set(NuclideTable.symbols).count == NuclideTable.all.count)
  #expect(NuclideTable.all.allSatisfy { $0.halfLifeSeconds > 0 })
}

@Test("Lookup tolerates case, missing hyphens and spaces")
func lookupTolerance() {
  #expect(NuclideTable.lookup("lu177m")?.symbol == "Lu-177m")
  #expect(NuclideTable.lookup("LU-177M")?.symbol == "Lu-177m")
  #expect(NuclideTable.lookup("lu177")?.symbol == "Lu-177")
  #expect(NuclideTable.lookup("i 131")?.symbol == "I-131")
  #expect(NuclideTable.lookup("tc99m")?.symbol == "Tc-99m")
  #expect(NuclideTable.lookup("Lu-178") == nil)
  #expect(NuclideTable.lookup("") == nil)
}

@Test("Decay constant and remaining fraction")
func decayArithmetic() throws {
  let lu177 = try #require(NuclideTable.lookup("Lu-177"))
  // Hand: λ = ln 2 / T½.
  #expect(isClose(lu177.decayConstant, log(2.0) / 574300.8, rel: 1e-15))
  #expect(lu177.remainingFraction(after: 0) == 1)
  #expect(isClose(lu177.remainingFraction(after: 574300.8), 0.5, rel: 1e-14))
  #expect(isClose(lu177.remainingFraction(after: 3 * 574300.8), 0.125, rel: 1e-14))
  #expect(isClose(lu177.halfLifeDays, 6.647, rel: 1e-15))
}
