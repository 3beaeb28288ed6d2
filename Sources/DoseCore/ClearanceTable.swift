import Foundation

/// Clearance levels for solid material (Bq/g) and the parent-with-progeny footnote of the
/// table they come from.
///
/// Levels are defaults with their source; the site's licence decides (health-physics.md §3.4:
/// make clearance tables jurisdiction-keyed data, never silent constants).
public struct ClearanceTable: Sendable, Hashable {
  public let name: String
  public let source: String
  /// Clearance level per nuclide, Bq/g.
  public let levelsBqPerG: [String: Double]
  /// Parents marked "+" in the table, with the progeny the parent's level already accounts
  /// for (the table's footnote or progeny table).
  public let includedProgeny: [String: Set<String>]

  public init(
    name: String, source: String, levelsBqPerG: [String: Double],
    includedProgeny: [String: Set<String>]
  ) {
    self.name = name
    self.source = source
    self.levelsBqPerG = levelsBqPerG
    self.includedProgeny = includedProgeny
  }

  public func level(for symbol: String) -> Double? { levelsBqPerG[symbol] }

  /// IAEA GSR Part 3 (2014) Schedule I Table I.2, identical to EU 2013/59/Euratom Annex VII
  /// Table A (health-physics.md §3.4 [V], DOMAIN.md "Clearance levels"). Tc-99 (1 Bq/g) and the
  /// Cs-137+ footnote (Ba-137m) are transcribed from the same extraction the reference cites,
  /// `fusion-energy/radiological_material_clearance_finder` (commit 18ec9ba), `iaea.json` and
  /// `eu_bss.json`. Lu-177m, Ra-223, Ac-225 and Ga-68 are not in this extraction (§9 item 8).
  public static let iaea = ClearanceTable(
    name: "IAEA GSR Part 3 Table I.2",
    source: "IAEA GSR Part 3 (2014) Table I.2 = EU 2013/59 Annex VII Table A",
    levelsBqPerG: [
      "Lu-177": 100, "I-131": 10, "Tc-99m": 100, "F-18": 10, "In-111": 10, "Y-90": 1000,
      "Sr-89": 1000, "Sm-153": 100, "Cs-137": 0.1, "Co-60": 0.1, "Tc-99": 1,
    ],
    includedProgeny: ["Cs-137": ["Ba-137m"]])

  /// StrlSchV 2018 Anlage 4 Tabelle 1 Spalte 3 (unrestricted clearance): the IAEA values plus
  /// Lu-177m 0.1, Ra-223 100, Ac-225 10, Ga-68 10 (health-physics.md §3.4 [V], DOMAIN.md).
  /// The levels of chain members (Tc-99 1, Xe-131m 10⁴, Ba-137m 10, Bi-213 100, Pb-211 100,
  /// Pb-209 10⁵) and the "+" progeny of Anlage 4 Tabelle 2 are transcribed from the same
  /// extraction, `de_strlschv.json` (commit 18ec9ba), restricted to nuclides in our table.
  public static let germany = ClearanceTable(
    name: "StrlSchV Anlage 4 Tabelle 1",
    source: "StrlSchV 2018 Anlage 4 Tabelle 1 Spalte 3 and Tabelle 2",
    levelsBqPerG: [
      "Lu-177": 100, "I-131": 10, "Tc-99m": 100, "F-18": 10, "In-111": 10, "Y-90": 1000,
      "Sr-89": 1000, "Sm-153": 100, "Cs-137": 0.1, "Co-60": 0.1,
      "Lu-177m": 0.1, "Ra-223": 100, "Ac-225": 10, "Ga-68": 10,
      "Tc-99": 1, "Xe-131m": 10_000, "Ba-137m": 10, "Bi-213": 100, "Pb-211": 100,
      "Pb-209": 100_000,
    ],
    includedProgeny: [
      // Tabelle 2 also lists Hf-177m, Rn-217 and At-215; our ICRP-107 chains do not reach them.
      "Lu-177m": ["Lu-177"],
      "Cs-137": ["Ba-137m"],
      "In-111": ["Cd-111m"],
      "Ra-223": ["Rn-219", "Po-215", "Pb-211", "Bi-211", "Tl-207", "Po-211"],
      "Ac-225": ["Fr-221", "At-217", "Bi-213", "Po-213", "Tl-209", "Pb-209"],
      "Bi-213": ["Tl-209", "Po-213"],
      "Pb-211": ["Tl-207", "Bi-211", "Po-211"],
    ])
}
