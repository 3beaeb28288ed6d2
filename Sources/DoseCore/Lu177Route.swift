import Foundation

/// How a package's Lu-177 was made, which decides whether it carries Lu-177m.
///
/// Neutron capture on enriched Lu-176 ("carrier-added", c.a.) always co-produces Lu-177m
/// (T½ 160.4 d); the indirect Yb-176(n,γ)Yb-177 → Lu-177 route ("no-carrier-added", n.c.a.)
/// does not (health-physics.md §3.3 [V]: HERCA forum post; Konijnenberg, Curr Radiopharm 2015).
public enum Lu177Route: String, Sendable, Hashable, Codable, CaseIterable {
  case carrierAdded = "ca"
  case noCarrierAdded = "nca"

  /// Lu-177m activity per Bq of Lu-177 assumed at sealing for carrier-added Lu-177 when the
  /// package does not declare its Lu-177m: 1 kBq/MBq (0.1 %), the worst case Konijnenberg 2015
  /// uses (health-physics.md §3.3 [V], read there, not in the paper). It is the most
  /// restrictive of the candidates we have: a c.a. product specification of ≤ 0.02 % with
  /// 0.009 % measured (PMC9739705 Table 1), a manufacturer's maximum of 5 × 10⁻⁴ (Kranert et
  /// al., Nuklearmedizin 2020;59:146, abstract), up to 0.01 % in Lutathera (Nuklearmedizin
  /// 2023, doi:10.1055/s-0043-1766304, abstract). The ratio grows as Lu-177 decays, so a
  /// specification at calibration understates it at sealing; a package that knows its
  /// Lu-177m activity declares it instead.
  public static let carrierAddedLu177mPerLu177 = 1e-3

  /// The activities as the rules must see them: with Lu-177 declared, Lu-177m not declared and
  /// the route carrier-added or unknown, Lu-177m is added at `carrierAddedLu177mPerLu177`
  /// times the Lu-177 activity. Returns the activities and, when something was assumed, why.
  public static func effectiveActivities(_ activities: [String: Double], route: Lu177Route?)
    -> (activities: [String: Double], assumption: String?)
  {
    let lu177 = activities.first { NuclideTable.lookup($0.key)?.symbol == "Lu-177" }?.value ?? 0
    let declaresLu177m = activities.contains { NuclideTable.lookup($0.key)?.symbol == "Lu-177m" }
    guard lu177 > 0, !declaresLu177m, route != .noCarrierAdded else { return (activities, nil) }
    var result = activities
    let lu177m = lu177 * carrierAddedLu177mPerLu177
    result["Lu-177m", default: 0] += lu177m
    let why =
      route == .carrierAdded
      ? "carrier-added Lu-177 (route ca) without its Lu-177m declared"
      : "the production route of the Lu-177 is not declared (assumed carrier-added)"
    let text =
      "Lu-177m assumed at \(String(format: "%.3g", lu177m)) Bq at sealing "
      + "(\(carrierAddedLu177mPerLu177 * 100) % of the Lu-177, the carrier-added worst case): "
      + why + "; declare the route nca for no-carrier-added Lu-177, or the Lu-177m activity"
    return (result, text)
  }
}
