import Foundation

/// Point-source gamma dose-rate constants, H*(10) at 1 m, µSv·m²/(MBq·h), used only for their
/// ratios: they split a package's measured surface dose rate between its nuclides.
///
/// Lu-177: 0.00594, the DIN 6844 value (H*(10), point source) as quoted by Kranert et al.,
/// Nuklearmedizin 2019;58:180 (health-physics.md §4.2 [V] secondary: DIN 6844 itself is not
/// public and was not read here, so its part and table row are not confirmed). The
/// `MaF-MPJ/Bonifiche-app` table's 0.00764 was 29 % higher.
///
/// The others come from the `MaF-MPJ/Bonifiche-app` table (health-physics.md §4.2, [V]
/// secondary, no primary table row known); F-18 and Ga-68 from AAPM TG-108 (Madsen et al., Med
/// Phys 2006;33:4, via ALARACAD, [V] secondary). Mixing sources changes ratios: with DIN's
/// Lu-177 the Lu-177m/Lu-177 ratio is 0.211/0.00594 = 35.5 instead of 27.6 with MaF-MPJ's
/// own pair. The larger ratio gives Lu-177m a larger part of a package's sealing reading, so
/// its slow decay weighs more and the predicted release is later: the side to err on. A
/// parent's constant includes its short-lived progeny in equilibrium (Cs-137's is Ba-137m's
/// 662 keV line).
///
/// Not listed, because §4.2 has no point-source value: Y-90 and Sr-89 (bremsstrahlung only),
/// Sm-153 (only [D] from an [M] value), Ra-223 (in-patient only), Ac-225 (not found), Ac-227
/// and Ge-68 (no value in our material; both are over the 120 d decay-in-storage limit, so
/// no decay-in-storage prediction needs them), and the progeny Xe-131m, Cd-111m, Tc-99.
/// `WasteRule` falls back to caller-given shares for those.
public enum DoseRateConstants {
  public static let valuesUSvM2PerMBqH: [String: Double] = [
    "Lu-177": 0.00594,  // DIN 6844 via Kranert 2019 (MaF-MPJ: 0.00764)
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
    "health-physics.md §4.2: Lu-177 DIN 6844 (via Kranert 2019); MaF-MPJ/Bonifiche-app "
    + "table; F-18 and Ga-68 AAPM TG-108"

  public static func value(for symbol: String) -> Double? { valuesUSvM2PerMBqH[symbol] }
}
