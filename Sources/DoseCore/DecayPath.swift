import Foundation

/// One route through a decay chain, from a parent to one of its radioactive descendants (or
/// to itself), with the product of the branching fractions along the way.
struct DecayPath: Sendable, Hashable {
  /// Nuclides from the parent (first) to the descendant (last).
  let members: [Nuclide]
  /// Π of the branching fractions along the path (1 for the parent itself).
  let branching: Double

  var parent: Nuclide { members[0] }
  var descendant: Nuclide { members[members.count - 1] }

  /// Activity of the descendant at `seconds` per Bq of the parent at time zero, by the Bateman
  /// solution in activity form: A = A₀ · Π bₖ · Π λₖ (k ≥ 1) · φ(λ₀ … λₙ; t).
  func activityPerParentBq(after seconds: Double) -> Double {
    let rates = members.map(\.decayConstant)
    let gain = rates.dropFirst().reduce(branching, *)
    let value = gain * ChainDecayFactor.phi(rates: rates, time: seconds)
    return value.isFinite ? Swift.max(0, value) : 0
  }

  /// Every path from `parent` to a radioactive descendant, the parent itself first. Stable
  /// daughters end a path and are left out. A daughter the table does not know ends the path
  /// too and is reported in `unknownDaughters`; the table tests keep that list empty.
  static func paths(from parent: Nuclide) -> (paths: [DecayPath], unknownDaughters: [String]) {
    var paths: [DecayPath] = []
    var unknown: [String] = []
    // Decay chains are acyclic; the depth guard only stops a corrupt table from looping.
    func walk(_ members: [Nuclide], _ branching: Double) {
      paths.append(DecayPath(members: members, branching: branching))
      guard members.count < maximumLength, let last = members.last else { return }
      for branch in last.branches where branch.fraction > 0 {
        if let daughter = NuclideTable.chainMember(branch.daughter) {
          walk(members + [daughter], branching * branch.fraction)
        } else if !NuclideTable.isStable(branch.daughter) {
          unknown.append(branch.daughter)
        }
      }
    }
    walk([parent], 1)
    return (paths, unknown)
  }

  /// Longest chain followed: the Ac-227 chain has 9 radioactive members (through Fr-223,
  /// At-219, Bi-215), Ac-225 6 and Ra-223 5.
  static let maximumLength = 16
}
