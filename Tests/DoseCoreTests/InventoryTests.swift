import Foundation
import Testing

@testable import DoseCore

private let day = 86_400.0

@Test("Lu-177m → Lu-177 in-growth after 100 d equals the two-member Bateman formula")
func lutetiumIngrowth() throws {
  let inventory = try Inventory(activitiesBq: ["Lu-177m": 1], at: testEpoch)
  let after = inventory.activities(at: testEpoch.addingTimeInterval(100 * day))
  // Hand: A₁ = b·λ₁/(λ₁ − λₘ)·(e^(−λₘt) − e^(−λ₁t)), b = 0.217, T₁ = 6.647 d, Tₘ = 160.4 d,
  // t = 100 d → 0.217·160.4/153.753·(0.6491206707 − 2.9593e-5) = 0.14694206501169416
  // (Python; radioactivedecay 0.6.1 gives the same digits).
  #expect(isClose(after["Lu-177"], 0.14694206501169416, rel: 1e-9))
  #expect(isClose(after["Lu-177m"], 0.6491206707293047, rel: 1e-12))
  // Stable Hf-177 drops out.
  #expect(after["Hf-177"] == nil)
}

@Test("Equal and near-equal decay constants: φ = t·e^(−λt) without cancellation")
func equalDecayConstants() {
  let rate = log(2.0) / (6.647 * day)
  let time = 10 * day
  let exact = time * exp(-rate * time)
  #expect(isClose(ChainDecayFactor.phi(rates: [rate, rate], time: time), exact, rel: 1e-13))
  // 1e-9 apart: the textbook (e^(−λ₀t) − e^(−λ₁t))/(λ₁ − λ₀) keeps about 7 digits here.
  let near = ChainDecayFactor.phi(rates: [rate, rate * (1 + 1e-9)], time: time)
  #expect(isClose(near, exact, rel: 1e-8))
  // Three equal constants: t²/2·e^(−λt).
  let three = ChainDecayFactor.phi(rates: [rate, rate, rate], time: time)
  #expect(isClose(three, time * time / 2 * exp(-rate * time), rel: 1e-13))
  // Far apart (recurrence branch) against the closed form.
  let fast = log(2.0) / 3600
  let closed = (exp(-rate * time) - exp(-fast * time)) / (fast - rate)
  #expect(isClose(ChainDecayFactor.phi(rates: [rate, fast], time: time), closed, rel: 1e-13))
}

@Test("Inventory refuses odd input instead of trapping")
func inventoryOddInput() throws {
  #expect(throws: InventoryError.unknownNuclide("Xx-1")) {
    try Inventory(activitiesBq: ["Xx-1": 1], at: testEpoch)
  }
  #expect(throws: InventoryError.invalidActivity("Lu-177", -1)) {
    try Inventory(activitiesBq: ["lu177": -1], at: testEpoch)
  }
  #expect(throws: (any Error).self) {
    try Inventory(activitiesBq: ["I-131": .nan], at: testEpoch)
  }
  let inventory = try Inventory(activitiesBq: ["Ac-225": 1e300, "F-18": 0], at: testEpoch)
  // Before the reference time: the reference activities, never extrapolated backwards.
  #expect(inventory.activities(afterSeconds: -day)["Ac-225"] == 1e300)
  let late = inventory.activities(afterSeconds: .infinity)
  #expect(late.values.allSatisfy { $0.isFinite && $0 >= 0 })
  let far = inventory.activities(afterSeconds: 1e15)
  #expect(far.values.allSatisfy { $0.isFinite && $0 >= 0 })
}

@Test("Every branch resolves to a chain member or a known stable nuclide; fractions ≤ 1")
func branchesResolve() {
  for nuclide in NuclideTable.all + NuclideTable.progeny {
    #expect(DecayPath.paths(from: nuclide).unknownDaughters.isEmpty, "\(nuclide.symbol)")
    let total = nuclide.branches.reduce(0) { $0 + $1.fraction }
    // As radioactivedecay 0.6.1 carries them (NuclideTable+Progeny): At-219 has only its
    // 0.97 α branch, Fr-223 β- 1.0 plus α 6e-5.
    let (low, high) =
      [
        "At-219": (0.97, 0.97), "Fr-223": (1.00006, 1.00006),
      ][nuclide.symbol] ?? (0.999, 1)
    #expect(total <= high + 1e-9 && total >= low - 1e-9, "\(nuclide.symbol): \(total)")
    #expect(NuclideTable.lookup(nuclide.symbol) == nil || NuclideTable.all.contains(nuclide))
  }
  #expect(NuclideTable.chainMember("po213")?.symbol == "Po-213")
  #expect(NuclideTable.lookup("Po-213") == nil)  // not a nuclide a site configures
}
