import Foundation

/// Point-source gamma dose-rate constants, H*(10) at 1 m, µSv·m²/(MBq·h), used only for their
/// ratios: they split a package's measured surface dose rate between its nuclides.
///
/// One source is used wherever it has a value, so that ratios within a mixture come from one
/// consistent computation: the `MaF-MPJ/Bonifiche-app` table (health-physics.md §4.2, [V]
/// secondary). F-18 and Ga-68 are not in it and come from AAPM TG-108 (Madsen et al., Med Phys
/// 2006, via ALARACAD, [V]); they share the 511 keV annihilation photons, so their ratio to
/// each other is sound, their ratio to the others less so. A parent's constant includes its
/// short-lived progeny in equilibrium (Cs-137's is Ba-137m's 662 keV line).
///
/// Not listed, because §4.2 has no point-source value: Y-90 and Sr-89 (bremsstrahlung only),
/// Sm-153 (only [D] from an [M] value), Ra-223 (in-patient only), Ac-225 (not found), and the
/// progeny Xe-131m, Cd-111m, Tc-99. `WasteRule` falls back to caller-given shares for those.
public enum DoseRateConstants {
  public static let valuesUSvM2PerMBqH: [String: Double] = [
    "Lu-177": 0.00764,  // MaF-MPJ (DIN 6844 gives 0.00594; one source is kept for ratios)
    "Lu-177m": 0.211,  // MaF-MPJ
    "I-131": 0.077,  // MaF-MPJ
    "Tc-99m": 0.0332,  // MaF-MPJ
    "In-111": 0.136,  // MaF-MPJ
    "Cs-137": 0.104,  // MaF-MPJ (with Ba-137m)
    "Co-60": 0.373,  // MaF-MPJ
    "F-18": 0.143,  // TG-108 point source
    "Ga-68": 0.134,  // TG-108 point source
  ]

  public static let source =
    "health-physics.md §4.2: MaF-MPJ/Bonifiche-app table; F-18 and Ga-68 AAPM TG-108"

  public static func value(for symbol: String) -> Double? { valuesUSvM2PerMBqH[symbol] }
}
