import Foundation
import Testing

@testable import DoseCore

private func nuclide(_ symbol: String) -> Nuclide {
  guard let nuclide = NuclideTable.lookup(symbol) else {
    fatalError("\(symbol) missing from NuclideTable")
  }
  return nuclide
}

private let sealed = Date(timeIntervalSince1970: 1_700_000_000)
private let day = 86_400.0

private func makePackage(
  _ id: String, _ parts: [(String, Double)], sealedAt: Date = sealed, surface: Double,
  route: Lu177Route? = nil
) -> WastePackage {
  WastePackage(
    id: id,
    components: parts.map { WastePackage.Component(nuclide: nuclide($0.0), fraction: $0.1) },
    sealedAt: sealedAt, surfaceUSvHAtSeal: surface, lu177Route: route)
}

/// I-131 package, 40 µSv/h at contact when sealed.
private let iodine = makePackage("i131", [("I-131", 1)], surface: 40)
/// Lu-177 with a 0.1 % Lu-177m impurity (dose-rate shares at sealing), 100 µSv/h.
private let lutetiumMix = makePackage(
  "lu-mix", [("Lu-177", 0.999), ("Lu-177m", 0.001)], surface: 100)

@Test("An I-131 package halves in 8.0207 d")
func iodineHalves() {
  let oneHalfLife = sealed.addingTimeInterval(8.0207 * day)
  #expect(isClose(iodine.predictedSurfaceUSvH(at: oneHalfLife), 20, rel: 1e-12))
  #expect(isClose(iodine.predictedSurfaceUSvH(at: oneHalfLife + 8.0207 * day), 10, rel: 1e-12))
  #expect(iodine.predictedSurfaceUSvH(at: sealed) == 40)
  // Before sealing, the sealing value (no extrapolation backwards).
  #expect(iodine.predictedSurfaceUSvH(at: sealed.addingTimeInterval(-day)) == 40)
}

@Test("Single nuclide: dateReaching = sealedAt + T½·log2(D0/L)")
func iodineDateReaching() throws {
  let due = try #require(iodine.dateReaching(surfaceUSvH: 1.0))
  // Hand: 8.0207 d · log2(40/1) = 42.685588670663066 d = 3688034.8611452887 s (Python).
  let expected = 3688034.8611452887
  #expect(abs(due.timeIntervalSince(sealed) - expected) <= 1)  // bisection stops at 1 s
  #expect(iodine.predictedSurfaceUSvH(at: due) <= 1.0 * (1 + 1e-12))
  #expect(iodine.predictedSurfaceUSvH(at: due.addingTimeInterval(-2)) > 1.0)
}

@Test("dateReaching edge cases")
func dateReachingEdges() {
  #expect(iodine.dateReaching(surfaceUSvH: 40) == sealed)
  #expect(iodine.dateReaching(surfaceUSvH: 100) == sealed)
  #expect(iodine.dateReaching(surfaceUSvH: 0) == nil)
  #expect(makePackage("empty", [], surface: 10).dateReaching(surfaceUSvH: 1) == nil)
}

@Test("Lu-177 with 0.1 % Lu-177m: not eligible, dominated by Lu-177m after 100 d")
func lutetiumMixture() throws {
  #expect(!lutetiumMix.eligibleForDecayInStorage)
  let after100d = sealed.addingTimeInterval(100 * day)
  // Hand: 100·(0.999·2^(−100/6.647) + 0.001·2^(−100/160.4))
  //     = 100·(2.9563480628888598e-05 + 6.491206707293047e-04) = 0.06786841513581933 µSv/h.
  let predicted = lutetiumMix.predictedSurfaceUSvH(at: after100d)
  #expect(isClose(predicted, 0.06786841513581933, rel: 1e-9))
  let lu177mPart = 100 * 0.001 * nuclide("Lu-177m").remainingFraction(after: 100 * day)
  #expect(lu177mPart / predicted > 0.95)  // hand: 0.9564
  let store = WasteStoreMonitor(
    id: "store", detectorIDs: ["s1"], packages: [lutetiumMix], releaseSurfaceUSvH: 0.1,
    alarms: DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20))
  let assessment = store.assess(package: lutetiumMix, at: after100d)
  // Below the release level, and still not releasable by decay-in-storage.
  #expect(try #require(assessment.surfaceUSvHNow) < 0.1)
  #expect(assessment.state == .notEligible)
  #expect(assessment.nuclides == ["Lu-177", "Lu-177m"])
}

@Test("Decay-in-storage eligibility: T½ ≤ 120 d (10 CFR 35.92)")
func eligibility() {
  #expect(WastePackage.maxDecayInStorageHalfLife == 120 * day)
  #expect(makePackage("sr", [("Sr-89", 1)], surface: 1).eligibleForDecayInStorage)  // 50.53 d
  #expect(
    makePackage("lu", [("Lu-177", 1)], surface: 1, route: .noCarrierAdded)
      .eligibleForDecayInStorage)
  // Issue 15, finding 3: Lu-177 not declared no-carrier-added carries Lu-177m.
  #expect(!makePackage("lu", [("Lu-177", 1)], surface: 1).eligibleForDecayInStorage)
  #expect(
    !makePackage("lu", [("Lu-177", 1)], surface: 1, route: .carrierAdded)
      .eligibleForDecayInStorage)
  #expect(!makePackage("lum", [("Lu-177m", 1)], surface: 1).eligibleForDecayInStorage)  // 160.4 d
  #expect(!makePackage("cs", [("Cs-137", 1)], surface: 1).eligibleForDecayInStorage)
}

@Test("Decay fractions after 10 d agree with radioactivedecay")
func radioactivedecayOracle() {
  // Oracle (radioactivedecay 0.6.1, ICRP-107):
  //   import radioactivedecay as rd
  //   rd.Inventory({'Lu-177': 1.0}, 'Bq').decay(10, 'd').activities('Bq')['Lu-177']
  //     → 0.35246744272648356
  //   rd.Inventory({'I-131': 1.0}, 'Bq').decay(10, 'd').activities('Bq')['I-131']
  //     → 0.4213894288435285
  let tenDays = sealed.addingTimeInterval(10 * day)
  let lu177 = makePackage("lu", [("Lu-177", 1)], surface: 1)
  let i131 = makePackage("i", [("I-131", 1)], surface: 1)
  #expect(isClose(lu177.predictedSurfaceUSvH(at: tenDays), 0.35246744272648356, rel: 1e-12))
  #expect(isClose(i131.predictedSurfaceUSvH(at: tenDays), 0.4213894288435285, rel: 1e-12))
}

/// Store at `now` = sealed + 100 d; release level 0.1 µSv/h.
private let now = sealed.addingTimeInterval(100 * day)
/// Sealed 100 d ago at 40 µSv/h: 40·2^(−100/8.0207) = 0.00706 µSv/h now (hand) → due.
private let oldIodine = makePackage("old-i131", [("I-131", 1)], surface: 40)
/// Sealed 1 d ago at 40 µSv/h → holding.
private let freshIodine = makePackage(
  "new-i131", [("I-131", 1)], sealedAt: now.addingTimeInterval(-day), surface: 40)

private func makeStore(_ packages: [WastePackage], detectors: [String] = ["s1"])
  -> WasteStoreMonitor
{
  WasteStoreMonitor(
    id: "store", detectorIDs: detectors, packages: packages, releaseSurfaceUSvH: 0.1,
    alarms: DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20))
}

@Test("Store is release_due when an eligible package is due")
func storeReleaseDue() throws {
  var store = makeStore([freshIodine, oldIodine, lutetiumMix])
  let result = store.assess(detectors: [detector("s1", .ok, quietEstimate)], at: now)
  #expect(result.state == .releaseDue)
  #expect(result.kind == .wasteStore)
  #expect(result.alarm == AlarmLevel.none)
  #expect(result.packages.map(\.state) == [.holding, .releaseDue, .notEligible])
  let old = result.packages[1]
  #expect(isClose(old.surfaceUSvHNow, 0.007061490130104041, rel: 1e-9))
  // Hand: due 8.0207 d · log2(40/0.1) = 69.33 d after sealing (1 s bisection tolerance).
  let due = try #require(old.releaseDueAt)
  #expect(abs(due.timeIntervalSince(sealed) - 8.0207 * day * log2(400)) <= 1)
}

@Test("Store holds when nothing eligible is due, even if an ineligible package is low")
func storeHolding() {
  var store = makeStore([freshIodine, lutetiumMix])
  let result = store.assess(
    detectors: [detector("s1", .ok, quietEstimate)], at: now.addingTimeInterval(3650 * day))
  // Ten years on the mixture is far below 0.1 µSv/h but stays not_eligible; the fresh I-131
  // package is due by then.
  #expect(result.packages.map(\.state) == [.releaseDue, .notEligible])
  var onlyMix = makeStore([lutetiumMix])
  let mixResult = onlyMix.assess(
    detectors: [detector("s1", .ok, quietEstimate)], at: now.addingTimeInterval(3650 * day))
  #expect(mixResult.state == .holding)
  #expect(makeStore([freshIodine]).assess(package: freshIodine, at: now).state == .holding)
}

@Test(
  "Store is fault when a detector is not ok, even with a package due",
  arguments: DetectorState.allCases.filter { $0 != .ok })
func storeFault(state: DetectorState) {
  var store = makeStore([oldIodine], detectors: ["s1", "s2"])
  let result = store.assess(
    detectors: [detector("s1", .ok, quietEstimate), detector("s2", state, nil)], at: now)
  #expect(result.state == .fault)
  #expect(result.alarm == .alarm)
  #expect(result.reasons.contains { $0.hasPrefix("detector s2 is \(state.rawValue)") })
  // The package arithmetic is still shown.
  #expect(result.packages.first?.state == .releaseDue)
}

@Test("Store without detectors, or without an assessment for one, is fault")
func storeMissingDetectors() {
  var empty = makeStore([oldIodine], detectors: [])
  let none = empty.assess(detectors: [], at: now)
  #expect(none.state == .fault)
  #expect(none.alarm == .alarm)
  #expect(none.reasons.contains("no detectors assigned"))
  var store = makeStore([oldIodine], detectors: ["s1"])
  #expect(store.assess(detectors: [], at: now).state == .fault)
}

@Test("Store dose alarms follow the hottest working detector")
func storeAlarm() {
  var store = makeStore([freshIodine], detectors: ["s1", "s2"])
  let result = store.assess(
    detectors: [detector("s1", .ok, quietEstimate), detector("s2", .ok, steadyHotEstimate)],
    at: now)
  #expect(result.state == .holding)
  #expect(result.doseAlarm == .warn)  // strict lower bound 11.2 µSv/h ≥ 10
  #expect(result.alarm == .warn)
  #expect(result.doseRateDetector == "s2")
}
