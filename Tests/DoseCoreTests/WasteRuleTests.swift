import Foundation
import Testing

@testable import DoseCore

private let day = 86_400.0

private func batch(
  _ activities: [String: Double], mass: Double? = nil, surface: Double? = nil,
  shares: [String: Double]? = nil, route: Lu177Route? = nil
) throws -> WasteBatch {
  WasteBatch(
    id: "b1", inventory: try Inventory(activitiesBq: activities, at: testEpoch),
    massGrams: mass, surfaceUSvHAtSeal: surface, surfaceShares: shares, lu177Route: route)
}

@Test("Sum rule: plain mixture, '+' credit, and a nuclide without a level")
func sumRuleExamples() throws {
  // Hand: 50/100 + 4/10 = 0.9.
  let mix = try ClearanceTable.iaea.sumRule(concentrationsBqPerG: ["Lu-177": 50, "I-131": 4])
  #expect(isClose(mix.sum, 0.9, rel: 1e-12))
  #expect(mix.passes)
  // Cs-137+ (IAEA footnote): Ba-137m at 0.94399 × Cs-137 is accounted for by Cs-137's level.
  let cesium = try ClearanceTable.iaea.sumRule(
    concentrationsBqPerG: ["Cs-137": 0.05, "Ba-137m": 0.94399 * 0.05])
  #expect(isClose(cesium.sum, 0.5, rel: 1e-12))
  #expect(cesium.terms.first { $0.nuclide == "Ba-137m" }?.creditedTo == "Cs-137")
  // StrlSchV Lu-177m+ covers Lu-177 up to 0.217 × Lu-177m; the rest is on Lu-177's own level.
  // Hand: (50 − 0.217·0.05)/100 + 0.05/0.1 = 0.4998915 + 0.5 = 0.9998915.
  let german = try ClearanceTable.germany.sumRule(
    concentrationsBqPerG: ["Lu-177": 50, "Lu-177m": 0.05])
  #expect(isClose(german.sum, 0.9998915, rel: 1e-12))
  // Lu-177m has no IAEA level and no ancestor: refused, naming it.
  #expect(throws: ClearanceRefusal.noLevel(nuclide: "Lu-177m", table: ClearanceTable.iaea.name)) {
    try ClearanceTable.iaea.sumRule(concentrationsBqPerG: ["Lu-177": 50, "Lu-177m": 0.05])
  }
  // An in-grown daughter without a level is held to its ancestor's (Xe-131m at I-131's 10).
  let iodine = try ClearanceTable.iaea.sumRule(concentrationsBqPerG: ["I-131": 1, "Xe-131m": 1])
  #expect(isClose(iodine.sum, 0.2, rel: 1e-12))
  #expect(iodine.terms.first { $0.nuclide == "Xe-131m" }?.levelOf == "I-131")
}

@Test("US decay-in-storage refuses Lu-177m, naming it and its half-life")
func decayInStorageRefusesLutetium177m() throws {
  let mixed = try batch(["Lu-177": 1e9, "Lu-177m": 1e5], surface: 100)
  let acceptance = WasteRule.usDecayInStorage.acceptance(of: mixed)
  #expect(!acceptance.isAccepted)
  #expect(acceptance.reasons.count == 1)
  #expect(acceptance.reasons[0].contains("Lu-177m"))
  #expect(acceptance.reasons[0].contains("160.4 d"))
  #expect(acceptance.reasons[0].contains("10 CFR 35.92"))
  #expect(throws: WasteRuleRefusal.self) {
    try WasteRule.usDecayInStorage.predictedReleaseDate(for: mixed, releaseSurfaceUSvH: 0.2)
  }
  // Tc-99m is eligible: its Tc-99 daughter is bounded by 3.3e-9 Bq per Bq and noted.
  let technetium = WasteRule.usDecayInStorage.acceptance(of: try batch(["Tc-99m": 1e9]))
  #expect(technetium.isAccepted)
  #expect(technetium.notes.first?.contains("Tc-99") == true)
  // No-carrier-added Lu-177 alone is eligible; Cs-137 is not.
  #expect(
    WasteRule.usDecayInStorage.acceptance(of: try batch(["Lu-177": 1], route: .noCarrierAdded))
      .isAccepted)
  #expect(!WasteRule.usDecayInStorage.acceptance(of: try batch(["Cs-137": 1])).isAccepted)
  #expect(WasteRule(rawValue: "us-dis") == .usDecayInStorage)
  #expect(WasteRule(rawValue: "clearance-de") == .clearanceGermany)
}

@Test("Pure Lu-177 clears (100 Bq/g) at T½·log2(C0/100), to within a second")
func lutetiumClearanceDate() throws {
  // 1 MBq/g: 1e7 Bq in 10 g. Hand: 6.647 d · log2(1e4) = 7631143.8497451525 s (88.3 d).
  let pure = try batch(["Lu-177": 1e7], mass: 10, route: .noCarrierAdded)
  for rule in [WasteRule.clearanceIAEA, .clearanceGermany] {
    let date = try rule.predictedReleaseDate(for: pure)
    #expect(abs(date.timeIntervalSince(testEpoch) - 7631143.8497451525) < 1, "\(rule)")
  }
}

@Test("Lu-177 with 1e-4 Lu-177m under StrlSchV takes 4.4 years, as health-physics.md §3.3")
func lutetiumWithImpurity() throws {
  let waste = try batch(["Lu-177": 1e7, "Lu-177m": 1e3], mass: 10)
  let date = try WasteRule.clearanceGermany.predictedReleaseDate(for: waste)
  // §3.3 [D]: 1e6·2^(−t/6.647)/100 + 100·2^(−t/160.4)/0.1 = 1 at t = 1598.51 d (no in-growth;
  // Lu-177m+ credits the in-grown Lu-177 up to 0.217 × Lu-177m, leaving a 4e-5 sliver).
  #expect(abs(date.timeIntervalSince(testEpoch) / day - 1598.5118) < 0.05)
  // The IAEA table has no Lu-177m level: refused, with the reason.
  let refusal = WasteRule.clearanceIAEA.acceptance(of: waste)
  #expect(refusal.reasons.first?.contains("Lu-177m has no clearance level") == true)
  // Clearance needs a mass.
  #expect(!WasteRule.clearanceGermany.acceptance(of: try batch(["Lu-177": 1])).isAccepted)
}

@Test("US decay-in-storage date from dose-rate constants, and from shares where none exist")
func decayInStorageDates() throws {
  // I-131, 40 µSv/h at sealing, release at 0.1 µSv/h. Without Xe-131m the date would be
  // 8.0207 d · log2(400) = 5990092.76 s (69.3 d). The in-grown Xe-131m is weighted with
  // I-131's constant (conservatively), so by hand (Python, brentq):
  // 40·[e^(−λᵢt) + b·λₓ/(λₓ − λᵢ)·(e^(−λᵢt) − e^(−λₓt))] = 0.1 with b = 0.011759,
  // Tₓ = 11.84 d → t = 6133262.670440129 s (71.0 d).
  let iodine = try batch(["I-131": 1e9], surface: 40)
  let date = try WasteRule.usDecayInStorage.predictedReleaseDate(
    for: iodine, releaseSurfaceUSvH: 0.1)
  #expect(abs(date.timeIntervalSince(testEpoch) - 6133262.670440129) < 1)
  // Ac-225 has no constant: refused without shares, and with a share it follows the chain.
  let actinium = try batch(["Ac-225": 1e8], surface: 10)
  #expect(throws: WasteRuleRefusal.self) {
    try WasteRule.usDecayInStorage.predictedReleaseDate(for: actinium, releaseSurfaceUSvH: 0.1)
  }
  let shared = try batch(["Ac-225": 1e8], surface: 10, shares: ["Ac-225": 1])
  let acDate = try WasteRule.usDecayInStorage.predictedReleaseDate(
    for: shared, releaseSurfaceUSvH: 0.1)
  // The chain's total activity grows to about 6× Ac-225's in hours, so the date is later than
  // 10 d · log2(100) = 66.4 d, by about log2(6) half-lives.
  let acDays = acDate.timeIntervalSince(testEpoch) / day
  #expect(acDays > 66.4 && acDays < 66.4 + 10 * log2(7))
}

/// Issue 15, finding 3: Lu-177 declared alone is not taken as pure. Carrier-added Lu-177 always
/// carries Lu-177m; without a declared route the carrier-added worst case (0.1 % of the Lu-177
/// activity, `Lu177Route.carrierAddedLu177mPerLu177`) is assumed, and eligibility and the date
/// follow from it.
@Test("Lu-177 without a declared route is assumed carrier-added, with its Lu-177m")
func lutetiumRouteDecidesLu177m() throws {
  let dis = WasteRule.usDecayInStorage
  for route in [nil, Lu177Route.carrierAdded] {
    let package = try batch(["Lu-177": 1e9], surface: 100, route: route)
    #expect(package.inventory.activitiesBq["Lu-177m"] == 1e6, "\(String(describing: route))")
    let acceptance = dis.acceptance(of: package)
    #expect(!acceptance.isAccepted)
    #expect(acceptance.reasons.contains { $0.contains("Lu-177m") && $0.contains("160.4 d") })
    #expect(acceptance.reasons.contains { $0.contains("Lu-177m assumed") })
    #expect(throws: WasteRuleRefusal.self) {
      try dis.predictedReleaseDate(for: package, releaseSurfaceUSvH: 0.2)
    }
    let state = WasteAssessment.assess(package, rule: dis, releaseSurfaceUSvH: 0.2, at: testEpoch)
    #expect(state.state == .notEligible)
  }
  #expect(
    try dis.acceptance(of: batch(["Lu-177": 1e9], route: nil)).reasons.contains {
      $0.contains("not declared")
    })
  // No-carrier-added: pure Lu-177, eligible, nothing assumed.
  let nca = try batch(["Lu-177": 1e9], surface: 100, route: .noCarrierAdded)
  #expect(nca.assumptions.isEmpty && nca.inventory.activitiesBq["Lu-177m"] == nil)
  #expect(dis.acceptance(of: nca).isAccepted)
  // A declared Lu-177m activity is taken as declared, whatever the route.
  let declared = try batch(["Lu-177": 1e9, "Lu-177m": 5e4], route: .carrierAdded)
  #expect(declared.inventory.activitiesBq["Lu-177m"] == 5e4 && declared.assumptions.isEmpty)
}

@Test("Under StrlSchV the assumed Lu-177m's 0.1 Bq/g governs the clearance date")
func lutetiumRouteClearanceDate() throws {
  // 1 MBq/g Lu-177 in 10 g. Route not declared: 1 kBq/g Lu-177m is assumed. Hand (Python,
  // brentq, with the IT in-growth of Lu-177 and the Lu-177m+ credit): Σ = 1 at 2131.35 d,
  // against 88.3 d for n.c.a. Lu-177 (`lutetiumClearanceDate`).
  let unknown = try batch(["Lu-177": 1e7], mass: 10)
  let date = try WasteRule.clearanceGermany.predictedReleaseDate(for: unknown)
  #expect(abs(date.timeIntervalSince(testEpoch) / day - 2131.3512) < 0.05)
  let nca = try batch(["Lu-177": 1e7], mass: 10, route: .noCarrierAdded)
  let ncaDate = try WasteRule.clearanceGermany.predictedReleaseDate(for: nca)
  #expect(abs(ncaDate.timeIntervalSince(testEpoch) - 7631143.8497451525) < 1)
  // The IAEA table has no Lu-177m level: the assumed Lu-177m is refused there, and says so.
  let iaea = WasteRule.clearanceIAEA.acceptance(of: unknown)
  #expect(iaea.reasons.contains { $0.contains("Lu-177m has no clearance level") })
  #expect(iaea.reasons.contains { $0.contains("Lu-177m assumed") })
}

/// Issue 15, findings 3 and 4: StrlSchV values for the new impurities, and Ra-223 at the most
/// restrictive candidate (0.01 Bq/g) while Spalte 3's 100 Bq/g is unconfirmed.
@Test("German clearance: Ra-223 0.01, Ac-227 0.01, Ge-68 0.1 Bq/g; no single-source levels")
func germanClearanceValues() throws {
  let germany = ClearanceTable.germany
  #expect(germany.level(for: "Ra-223") == 0.01)
  #expect(germany.level(for: "Ac-227") == 0.01)
  #expect(germany.level(for: "Ge-68") == 0.1)
  #expect(germany.level(for: "Lu-177m") == 0.1 && germany.level(for: "Lu-177") == 100)
  #expect(germany.source.contains("most restrictive"))
  for symbol in ["Ba-137m", "Bi-213", "Pb-211", "Pb-209"] {
    #expect(germany.level(for: symbol) == nil, "\(symbol)")
  }
  // Ge-68 (270.95 d) and Ac-227 (21.772 y) can be declared; decay-in-storage refuses them.
  for symbol in ["Ge-68", "Ac-227"] {
    let package = try batch([symbol: 1e6], mass: 1000)
    #expect(!WasteRule.usDecayInStorage.acceptance(of: package).isAccepted, "\(symbol)")
    #expect(WasteRule.clearanceGermany.acceptance(of: package).isAccepted, "\(symbol)")
    #expect(!WasteRule.clearanceIAEA.acceptance(of: package).isAccepted, "\(symbol)")
  }
  // Ra-223, 1 kBq/g: 11.43 d · log2(1e3 / 0.01) = 189.8 d (its "+" progeny credited).
  let radium = try batch(["Ra-223": 1e6], mass: 1000)
  let date = try WasteRule.clearanceGermany.predictedReleaseDate(for: radium)
  #expect(abs(date.timeIntervalSince(testEpoch) / day - 11.43 * log2(1e5)) < 0.5)
}

/// Issue 15, finding 7: Γ(Lu-177) is DIN 6844's 0.00594 µSv·m²/(MBq·h) (via Kranert 2019),
/// not the 29 % higher 0.00764.
@Test("Γ(Lu-177) is the DIN 6844 value")
func lutetiumDoseRateConstant() {
  #expect(DoseRateConstants.value(for: "Lu-177") == 0.00594)
  #expect(DoseRateConstants.source.contains("DIN 6844"))
}
