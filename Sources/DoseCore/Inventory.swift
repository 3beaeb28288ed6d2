import Foundation

/// Activities of radionuclides at a reference time, decayed with their chains.
///
/// `activities(at:)` gives every radioactive member of every chain, in-grown daughters
/// included (general Bateman solution, `DecayPath` and `ChainDecayFactor`); stable daughters
/// drop out. Before the reference time the reference activities are returned: decay is never
/// run backwards, as `WastePackage` does not either.
public struct Inventory: Sendable {
  public let referenceDate: Date
  /// Activity per nuclide at `referenceDate`, Bq, under the table's canonical symbols.
  public let activitiesBq: [String: Double]
  private let terms: [Term]

  private struct Term: Sendable {
    let parentBq: Double
    let path: DecayPath
  }

  /// Refuses an unknown symbol, a negative or non-finite activity, and a nuclide whose chain
  /// reaches a daughter the table does not know (the decay would be incomplete).
  public init(activitiesBq: [String: Double], at referenceDate: Date) throws(InventoryError) {
    var canonical: [String: Double] = [:]
    var terms: [Term] = []
    for (symbol, activity) in activitiesBq.sorted(by: { $0.key < $1.key }) {
      guard let nuclide = NuclideTable.chainMember(symbol) else {
        throw .unknownNuclide(symbol)
      }
      guard activity.isFinite, activity >= 0 else {
        throw .invalidActivity(nuclide.symbol, activity)
      }
      let chain = DecayPath.paths(from: nuclide)
      if let missing = chain.unknownDaughters.first {
        throw .incompleteChain(nuclide.symbol, missing)
      }
      canonical[nuclide.symbol, default: 0] += activity
      terms += chain.paths.map { Term(parentBq: activity, path: $0) }
    }
    self.referenceDate = referenceDate
    self.activitiesBq = canonical
    self.terms = terms
  }

  /// Activities in Bq at `date` of every radioactive nuclide in the chains, parents included.
  public func activities(at date: Date) -> [String: Double] {
    activities(afterSeconds: date.timeIntervalSince(referenceDate))
  }

  /// Activities in Bq `seconds` after the reference time (0 before it, or if not finite).
  public func activities(afterSeconds seconds: Double) -> [String: Double] {
    let elapsed = seconds.isFinite ? Swift.max(0, seconds) : 0
    var result: [String: Double] = [:]
    for term in terms {
      let symbol = term.path.descendant.symbol
      let share =
        term.parentBq == 0 ? 0 : term.parentBq * term.path.activityPerParentBq(after: elapsed)
      result[symbol, default: 0] += share.isFinite ? share : 0
    }
    return result
  }

  /// Symbols of every radioactive nuclide the inventory can hold, declared or in-grown.
  public var chainSymbols: Set<String> { Set(terms.map(\.path.descendant.symbol)) }

  /// Symbols of the inventory's declared nuclides that `symbol` descends from (itself
  /// included when declared), with the branching product along the strongest path.
  func declaredAncestors(of symbol: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for term in terms where term.path.descendant.symbol == symbol {
      let parent = term.path.parent.symbol
      result[parent] = Swift.max(result[parent] ?? 0, term.path.branching)
    }
    return result
  }
}

public enum InventoryError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownNuclide(String)
  case invalidActivity(String, Double)
  case incompleteChain(String, String)

  public var description: String {
    switch self {
    case .unknownNuclide(let symbol):
      return "unknown nuclide '\(symbol)' (not in the ICRP-107 nuclide table)"
    case .invalidActivity(let symbol, let activity):
      return "activity of \(symbol) must be finite and ≥ 0 Bq, got \(activity)"
    case .incompleteChain(let symbol, let daughter):
      return "decay chain of \(symbol) reaches \(daughter), which the nuclide table lacks"
    }
  }
}
