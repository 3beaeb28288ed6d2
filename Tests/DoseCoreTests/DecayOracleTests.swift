import Foundation
import Testing

@testable import DoseCore

/// Values below this fraction of the parent's initial activity are not compared: there the
/// oracle's own rounding dominates (the brief's 1e-12 floor).
private let floorPerParentBq = 1e-12
/// Agreement required with radioactivedecay, relative.
private let tolerance = 1e-3

@Test("Chain decay of every table nuclide agrees with radioactivedecay 0.6.1 to 0.1 %")
func chainDecayMatchesOracle() async throws {
  let parents = NuclideTable.symbols + NuclideTable.progeny.map(\.symbol)
  let oracle = try await DecayOracle.load(parents: parents)
  #expect(oracle.results.count == parents.count)
  var compared = 0
  for parent in parents {
    let expected = try #require(oracle.results[parent], "oracle lacks \(parent)")
    let inventory = try Inventory(activitiesBq: [parent: 1], at: testEpoch)
    for (time, oracleActivities) in zip(oracle.timesSeconds, expected) {
      let ours = inventory.activities(afterSeconds: time)
      for (symbol, value) in oracleActivities where value >= floorPerParentBq {
        compared += 1
        let mine = ours[symbol]
        #expect(
          isClose(mine, value, rel: tolerance),
          "\(parent) after \(time) s: \(symbol) \(mine ?? .nan) vs oracle \(value)")
      }
      // Nothing of ours above the floor that the oracle does not have.
      for (symbol, value) in ours where value >= floorPerParentBq {
        #expect(oracleActivities[symbol] != nil, "\(parent): \(symbol) = \(value) not in oracle")
      }
    }
  }
  #expect(compared > 150)  // 182 with radioactivedecay 0.6.1
}
