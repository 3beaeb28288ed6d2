import Foundation

/// A sealed waste package described by its nuclide inventory, for the rules of `WasteRule`.
///
/// `WastePackage` (dose-rate shares only) stays for the store monitor; this type carries what
/// clearance and chain decay need: activities at sealing, the mass, and the surface reading.
public struct WasteBatch: Sendable {
  public let id: String
  /// Activities at sealing; `inventory.referenceDate` is the sealing time.
  public let inventory: Inventory
  /// Mass of the waste, g (clearance divides activity by it).
  public let massGrams: Double?
  /// Contact dose rate measured at sealing, µSv/h (decay-in-storage prediction).
  public let surfaceUSvHAtSeal: Double?
  /// Share of the sealing dose rate per declared nuclide, the `WastePackage` model. Needed only
  /// when a declared nuclide has no dose-rate constant (`DoseRateConstants`).
  public let surfaceShares: [String: Double]?
  /// How the package's Lu-177 was made, as declared; nil when not declared.
  public let lu177Route: Lu177Route?
  /// What the rules assume beyond the declaration (the carrier-added Lu-177m), for the record.
  public let assumptions: [String]

  /// `inventory` is the declaration. When it holds Lu-177 without Lu-177m and `lu177Route` is
  /// not `.noCarrierAdded` (carrier-added, or not declared), the batch's `inventory` also holds
  /// the carrier-added worst case of Lu-177m (`Lu177Route.effectiveActivities`), so that
  /// eligibility, the sum rule and every predicted date follow from it.
  public init(
    id: String, inventory: Inventory, massGrams: Double? = nil,
    surfaceUSvHAtSeal: Double? = nil, surfaceShares: [String: Double]? = nil,
    lu177Route: Lu177Route? = nil
  ) {
    let effective = Lu177Route.effectiveActivities(inventory.activitiesBq, route: lu177Route)
    self.id = id
    // Lu-177m is in the table and its activity finite and ≥ 0, so the inventory is valid
    // whenever the declared one was; should it not be, the assumption is reported as not made.
    if effective.assumption != nil,
      let assumed = try? Inventory(
        activitiesBq: effective.activities, at: inventory.referenceDate)
    {
      self.inventory = assumed
    } else {
      self.inventory = inventory
    }
    self.massGrams = massGrams
    self.surfaceUSvHAtSeal = surfaceUSvHAtSeal
    self.surfaceShares = surfaceShares
    self.lu177Route = lu177Route
    let applied = self.inventory.activitiesBq["Lu-177m"] != nil
    self.assumptions =
      effective.assumption.map { applied ? [$0] : ["could not apply: " + $0] } ?? []
  }

  public var sealedAt: Date { inventory.referenceDate }

  /// Declared nuclides with their radioactive chains' longest half-life, s.
  var longestHalfLifeSeconds: Double {
    inventory.chainSymbols.compactMap { NuclideTable.chainMember($0)?.halfLifeSeconds }.max() ?? 0
  }
}
