import Foundation

/// The sum rule of a clearance table, Σ Cᵢ/CLᵢ ≤ 1, over every radioactive nuclide present.
///
/// How nuclides without a level of their own are treated (never dropped silently):
/// 1. **"+" credit (the table's own convention).** A daughter listed under a "+" parent whose
///    level accounts for it is credited to that parent, but only up to the parent's
///    concentration times the branching fraction from parent to daughter (its share in secular
///    equilibrium). Transient equilibrium puts slightly more daughter than that; the excess,
///    and any daughter present beyond what the parent supports, stays in the sum. With several
///    "+" parents the largest single credit is taken, never their sum.
/// 2. **Own level.** What is not credited is divided by the nuclide's own level.
/// 3. **Ancestor's level (a project rule, not from the tables).** A nuclide with no level of
///    its own, whose ancestor in the package has one, is assessed against the strictest level
///    among those ancestors. For our chains the ancestor's level is the stricter one wherever a
///    level for the daughter exists elsewhere: Xe-131m 10 000 (StrlSchV) vs I-131 10; Cd-111m is
///    covered by In-111+ in StrlSchV; Ac-225/Ra-223 progeny by the "+" lists.
/// 4. **Refusal.** A nuclide with no level and no ancestor with one in the package refuses the
///    whole assessment, naming the nuclide (Lu-177m, Ra-223 or Ac-225 against the IAEA table).
public struct SumRuleAssessment: Sendable, Hashable {
  public let table: String
  /// Σ Cᵢ/CLᵢ.
  public let sum: Double
  public let terms: [SumRuleTerm]
  /// Clearable: the sum is at most 1.
  public var passes: Bool { sum <= 1 }
}

public struct SumRuleTerm: Sendable, Hashable {
  public let nuclide: String
  public let concentrationBqPerG: Double
  /// Part of the concentration a "+" parent's level accounts for (rule 1).
  public let creditedBqPerG: Double
  public let creditedTo: String?
  /// Level the remainder was divided by, Bq/g, and the nuclide whose level it is (the nuclide
  /// itself, or an ancestor under rule 3).
  public let levelBqPerG: Double
  public let levelOf: String
  /// (concentration − credit) / level.
  public let fraction: Double
}

public enum ClearanceRefusal: Error, Equatable, Sendable, CustomStringConvertible {
  case noLevel(nuclide: String, table: String)
  case invalidMass(Double)
  case invalidConcentration(String, Double)

  public var description: String {
    switch self {
    case .noLevel(let nuclide, let table):
      return "\(nuclide) has no clearance level in \(table), and no ancestor in the package has "
        + "one: clearance cannot be assessed against this table"
    case .invalidMass(let mass):
      return "clearance needs a package mass > 0 g, got \(mass)"
    case .invalidConcentration(let nuclide, let value):
      return "concentration of \(nuclide) must be finite and ≥ 0 Bq/g, got \(value)"
    }
  }
}

/// The per-nuclide choices of the sum rule for one table and one set of nuclides, made once so
/// that a release-date search can evaluate many times cheaply.
struct SumRulePlan: Sendable {
  let table: ClearanceTable
  /// Level used for each nuclide's uncredited part, and whose level it is.
  private let assessedLevel: [String: (level: Double, of: String)]
  /// "+" parents able to credit each nuclide, with the branching product parent → nuclide.
  private let creditors: [String: [(parent: String, branching: Double)]]

  /// `ancestors(symbol)` names the nuclides of the package `symbol` descends from.
  init(table: ClearanceTable, nuclides: Set<String>, ancestors: (String) -> Set<String>)
    throws(ClearanceRefusal)
  {
    var assessed: [String: (level: Double, of: String)] = [:]
    var creditors: [String: [(parent: String, branching: Double)]] = [:]
    for symbol in nuclides.sorted() {
      if let own = table.level(for: symbol) {
        assessed[symbol] = (own, symbol)
      } else {
        let candidates = ancestors(symbol).compactMap { ancestor in
          table.level(for: ancestor).map { (level: $0, of: ancestor) }
        }
        guard let strictest = candidates.min(by: { ($0.level, $0.of) < ($1.level, $1.of) })
        else { throw .noLevel(nuclide: symbol, table: table.name) }
        assessed[symbol] = strictest
      }
      for (parent, progeny) in table.includedProgeny.sorted(by: { $0.key < $1.key })
      where progeny.contains(symbol) && nuclides.contains(parent)
        && table.level(for: parent) != nil
      {
        guard let nuclide = NuclideTable.chainMember(parent) else { continue }
        let branching = DecayPath.paths(from: nuclide).paths
          .filter { $0.descendant.symbol == symbol }.map(\.branching).max()
        if let branching { creditors[symbol, default: []].append((parent, branching)) }
      }
    }
    self.table = table
    self.assessedLevel = assessed
    self.creditors = creditors
  }

  /// Σ Cᵢ/CLᵢ over `concentrations` (Bq/g); nuclides outside the plan must not appear.
  func evaluate(_ concentrations: [String: Double]) -> SumRuleAssessment {
    var terms: [SumRuleTerm] = []
    for (symbol, concentration) in concentrations.sorted(by: { $0.key < $1.key }) {
      guard let assessed = assessedLevel[symbol] else { continue }
      let offers = (creditors[symbol] ?? []).map {
        (parent: $0.parent, credit: $0.branching * (concentrations[$0.parent] ?? 0))
      }
      let best = offers.max { $0.credit < $1.credit }
      let credit = Swift.min(concentration, best?.credit ?? 0)
      let fraction = (concentration - credit) / assessed.level
      terms.append(
        SumRuleTerm(
          nuclide: symbol, concentrationBqPerG: concentration, creditedBqPerG: credit,
          creditedTo: credit > 0 ? best?.parent : nil, levelBqPerG: assessed.level,
          levelOf: assessed.of, fraction: fraction))
    }
    let sum = terms.reduce(0) { $0 + $1.fraction }
    return SumRuleAssessment(table: table.name, sum: sum, terms: terms)
  }
}

extension ClearanceTable {
  /// The sum rule for a mixture given as concentrations (Bq/g) at one moment. Ancestors for
  /// rule 3 are the other nuclides of the mixture with a concentration > 0.
  public func sumRule(concentrationsBqPerG: [String: Double]) throws(ClearanceRefusal)
    -> SumRuleAssessment
  {
    var canonical: [String: Double] = [:]
    for (symbol, value) in concentrationsBqPerG {
      let name = NuclideTable.chainMember(symbol)?.symbol ?? symbol
      guard value.isFinite, value >= 0 else { throw .invalidConcentration(name, value) }
      canonical[name, default: 0] += value
    }
    let present = Set(canonical.filter { $0.value > 0 }.keys)
    let plan = try SumRulePlan(table: self, nuclides: present) { symbol in
      Set(
        present.filter { parent in
          parent != symbol
            && (NuclideTable.chainMember(parent).map { DecayPath.paths(from: $0).paths } ?? [])
              .contains { $0.descendant.symbol == symbol }
        })
    }
    return plan.evaluate(canonical.filter { present.contains($0.key) })
  }

  /// The sum rule for `inventory` decayed to `date`, spread over `massGrams`.
  public func sumRule(_ inventory: Inventory, massGrams: Double, at date: Date)
    throws(ClearanceRefusal) -> SumRuleAssessment
  {
    let plan = try SumRulePlan(table: self, inventory: inventory, massGrams: massGrams)
    return plan.evaluate(
      concentrations(
        inventory, massGrams: massGrams, after: date.timeIntervalSince(inventory.referenceDate)))
  }

  func concentrations(_ inventory: Inventory, massGrams: Double, after seconds: Double)
    -> [String: Double]
  {
    inventory.activities(afterSeconds: seconds).mapValues { $0 / massGrams }
  }
}

extension SumRulePlan {
  /// The plan for an inventory: every chain member is planned for (so that a daughter grown in
  /// later is covered), with the inventory's declared nuclides as ancestors.
  init(table: ClearanceTable, inventory: Inventory, massGrams: Double) throws(ClearanceRefusal) {
    guard massGrams.isFinite, massGrams > 0 else { throw .invalidMass(massGrams) }
    try self.init(table: table, nuclides: inventory.chainSymbols) { symbol in
      Set(inventory.declaredAncestors(of: symbol).keys).subtracting([symbol])
    }
  }
}
