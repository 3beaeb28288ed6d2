import Foundation

/// How a waste package may leave the store. The site's licence chooses the rule.
public enum WasteRule: String, Sendable, Hashable, Codable, CaseIterable {
  /// 10 CFR 35.92: decay-in-storage of nuclides with T½ ≤ 120 d, released when the surface
  /// reading cannot be told from background.
  case usDecayInStorage = "us-dis"
  /// Clearance against IAEA GSR Part 3 Table I.2 (= EU 2013/59 Annex VII Table A).
  case clearanceIAEA = "clearance-iaea"
  /// Clearance against StrlSchV 2018 Anlage 4 Tabelle 1 (unrestricted).
  case clearanceGermany = "clearance-de"

  public var clearanceTable: ClearanceTable? {
    switch self {
    case .usDecayInStorage: return nil
    case .clearanceIAEA: return .iaea
    case .clearanceGermany: return .germany
    }
  }

  /// Longest half-life for decay-in-storage, 120 d (10 CFR 35.92(a)).
  public static let maxDecayInStorageHalfLife = WastePackage.maxDecayInStorageHalfLife

  /// A long-lived in-growing daughter is disregarded for decay-in-storage when, even if every
  /// parent atom became that daughter, its activity could never exceed this fraction of the
  /// parent's activity at sealing (bound A_d ≤ A_p(0) · b · λ_d/λ_p, atoms being conserved).
  /// A project rule: 10 CFR 35.92 names no such threshold. It admits Tc-99m, whose Tc-99
  /// (0.2111 My) is bounded by 3.3e-9, and no daughter of any other table nuclide.
  public static let negligibleDaughterActivityRatio = 1e-6

  /// Whether the package may be held and released under this rule, with every reason if not.
  public func acceptance(of batch: WasteBatch) -> WasteAcceptance {
    let declared = batch.inventory.activitiesBq.keys.sorted()
    guard !declared.isEmpty else {
      return WasteAcceptance(reasons: ["package \(batch.id) declares no nuclides"], notes: [])
    }
    let outcome: WasteAcceptance
    switch self {
    case .usDecayInStorage:
      outcome = decayInStorageAcceptance(declared: declared)
    case .clearanceIAEA, .clearanceGermany:
      guard let table = clearanceTable else { return WasteAcceptance(reasons: [], notes: []) }
      do {
        _ = try SumRulePlan(
          table: table, inventory: batch.inventory, massGrams: batch.massGrams ?? 0)
        outcome = WasteAcceptance(reasons: [], notes: [])
      } catch {
        outcome = WasteAcceptance(reasons: [error.description], notes: [])
      }
    }
    // What was assumed (the carrier-added Lu-177m) is said with the refusal it causes, or
    // noted when the package is accepted all the same.
    guard !batch.assumptions.isEmpty else { return outcome }
    return outcome.isAccepted
      ? WasteAcceptance(reasons: [], notes: batch.assumptions + outcome.notes)
      : WasteAcceptance(reasons: outcome.reasons + batch.assumptions, notes: outcome.notes)
  }

  private func decayInStorageAcceptance(declared: [String]) -> WasteAcceptance {
    var reasons: [String] = []
    var notes: [String] = []
    let limit = Self.maxDecayInStorageHalfLife
    for symbol in declared {
      guard let parent = NuclideTable.chainMember(symbol) else { continue }
      if parent.halfLifeSeconds > limit {
        reasons.append(
          "\(symbol) has T½ \(days(parent.halfLifeSeconds)) d, over the 120 d limit of "
            + "10 CFR 35.92(a): not eligible for decay-in-storage")
        continue
      }
      for path in DecayPath.paths(from: parent).paths.dropFirst()
      where path.descendant.halfLifeSeconds > limit {
        let daughter = path.descendant
        let bound = path.branching * daughter.decayConstant / parent.decayConstant
        let text =
          "\(daughter.symbol) (T½ \(days(daughter.halfLifeSeconds)) d) grows in from \(symbol): "
          + "at most \(String(format: "%.2g", bound)) Bq per Bq of "
          + "\(symbol) at sealing"
        if bound > Self.negligibleDaughterActivityRatio {
          reasons.append(text + ", over the 120 d limit of 10 CFR 35.92(a)")
        } else {
          notes.append(text + "; disregarded (below \(Self.negligibleDaughterActivityRatio))")
        }
      }
    }
    return WasteAcceptance(reasons: reasons, notes: notes)
  }

  private func days(_ seconds: Double) -> String {
    String(format: "%.4g", seconds / Time.day)
  }
}

/// The outcome of `WasteRule.acceptance(of:)`.
public struct WasteAcceptance: Sendable, Hashable {
  /// Why the package is refused; empty when it is accepted.
  public let reasons: [String]
  /// What was decided without refusing (for example a disregarded daughter), for the record.
  public let notes: [String]
  public var isAccepted: Bool { reasons.isEmpty }
}

/// A release date that cannot be predicted, with every reason.
public struct WasteRuleRefusal: Error, Sendable, Hashable, CustomStringConvertible {
  public let reasons: [String]
  public var description: String { reasons.joined(separator: "; ") }
}
