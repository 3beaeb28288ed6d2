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

  public init(
    id: String, inventory: Inventory, massGrams: Double? = nil,
    surfaceUSvHAtSeal: Double? = nil, surfaceShares: [String: Double]? = nil
  ) {
    self.id = id
    self.inventory = inventory
    self.massGrams = massGrams
    self.surfaceUSvHAtSeal = surfaceUSvHAtSeal
    self.surfaceShares = surfaceShares
  }

  public var sealedAt: Date { inventory.referenceDate }

  /// Declared nuclides with their radioactive chains' longest half-life, s.
  var longestHalfLifeSeconds: Double {
    inventory.chainSymbols.compactMap { NuclideTable.chainMember($0)?.halfLifeSeconds }.max() ?? 0
  }
}
