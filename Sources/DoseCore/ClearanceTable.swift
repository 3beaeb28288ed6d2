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
  /// Table A (health-physics.md §3.4 [V], DOMAIN.md "Clearance levels"), one row per nuclide:
  /// Lu-177 100, I-131 10, Tc-99m 100, F-18 10, In-111 10, Y-90 1000, Sr-89 1000, Sm-153 100,
  /// Cs-137 0.1, Co-60 0.1 Bq/g. Secondary: read from the machine extraction of the PDF in
  /// `fusion-energy/radiological_material_clearance_finder` (commit 18ec9ba), `iaea.json`,
  /// as are Tc-99 (1 Bq/g) and the Cs-137+ footnote (Ba-137m); the PDF itself was not read
  /// here. Lu-177m, Ra-223, Ac-225, Ac-227, Ga-68 and Ge-68 are not in that extraction
  /// (health-physics.md §9 item 8): they have no level here, and a package holding them is
  /// refused by this table rather than given a guessed level.
  public static let iaea = ClearanceTable(
    name: "IAEA GSR Part 3 Table I.2",
    source: "IAEA GSR Part 3 (2014) Table I.2 = EU 2013/59 Annex VII Table A",
    levelsBqPerG: [
      "Lu-177": 100, "I-131": 10, "Tc-99m": 100, "F-18": 10, "In-111": 10, "Y-90": 1000,
      "Sr-89": 1000, "Sm-153": 100, "Cs-137": 0.1, "Co-60": 0.1, "Tc-99": 1,
    ],
    includedProgeny: ["Cs-137": ["Ba-137m"]])

  /// StrlSchV 2018 Anlage 4 Tabelle 1 Spalte 3 ("Freigrenzen" in Bq/g, which are also the
  /// values for unrestricted clearance of solid and liquid material, § 35 with § 31), one row
  /// per nuclide. The rows could not be read in the primary text here (gesetze-im-internet.de,
  /// BGBl. I 2018, 2108–2124: only its explanations to Spalten 1–3 were seen). Secondary: two
  /// independent transcriptions of the table agree on every value below,
  /// `fusion-energy/radiological_material_clearance_finder`'s parse of the official page
  /// (`de_strlschv.json`, set `StrlSchV_unrestricted` = Spalte 3) and openmc-dev/openmc#3898
  /// (frozen in that repository as `tests/data/pr3898_strlschv_tables.json`):
  /// Lu-177 100, Lu-177m 0.1, I-131 10, Tc-99m 100, Tc-99 1, F-18 10, In-111 10, Y-90 1000,
  /// Sr-89 1000, Sm-153 100, Cs-137 0.1, Co-60 0.1, Ac-225 10, Ac-227 0.01, Ga-68 10,
  /// Ge-68 0.1, Xe-131m 10 000 Bq/g.
  ///
  /// **Ra-223: 0.01 Bq/g, the most restrictive candidate, not a confirmed Spalte 3 value.** Both
  /// transcriptions give 100 Bq/g in Spalte 3, which is also the EU 2013/59 exemption value for
  /// moderate amounts (Annex VII Table B); whether Spalte 3 is meant as a clearance value for
  /// Ra-223 could not be confirmed against the primary text. The lowest
  /// figure Tabelle 1 gives Ra-223 in any clearance column is 0.01 Bq/g (Spalte 7, soil
  /// surfaces; Spalte 6, rubble, gives 0.4), so that is used until the printed table is read.
  ///
  /// Left out, so that the sum rule holds them to their ancestor's stricter level (SumRule
  /// rule 3) rather than to a level only one transcription has: Ba-137m 10, Bi-213 100,
  /// Pb-211 100, Pb-209 10⁵ (in `de_strlschv.json`, not in the openmc transcription).
  ///
  /// The "+" progeny are Anlage 4 Tabelle 2's, from `de_strlschv.json` only (not verified
  /// against the primary text): they credit a daughter to its parent's level (SumRule rule 1),
  /// so an unverified list errs toward release; only the lists below, already in use, are kept.
  /// Ac-227+ and Ge-68+ get no credit (their Tabelle 2 rows were not seen): their progeny count
  /// against their own level or, without one, Ac-227's 0.01 (SumRule rule 3).
  public static let germany = ClearanceTable(
    name: "StrlSchV Anlage 4 Tabelle 1",
    source:
      "StrlSchV 2018 Anlage 4 Tabelle 1 Spalte 3 and Tabelle 2 (two transcriptions; Ra-223 "
      + "0.01 Bq/g is the most restrictive candidate, Spalte 3 unconfirmed)",
    levelsBqPerG: [
      "Lu-177": 100, "I-131": 10, "Tc-99m": 100, "F-18": 10, "In-111": 10, "Y-90": 1000,
      "Sr-89": 1000, "Sm-153": 100, "Cs-137": 0.1, "Co-60": 0.1,
      "Lu-177m": 0.1, "Ra-223": 0.01, "Ac-225": 10, "Ac-227": 0.01, "Ga-68": 10, "Ge-68": 0.1,
      "Tc-99": 1, "Xe-131m": 10_000,
    ],
    includedProgeny: [
      // Tabelle 2 also lists Hf-177m, Rn-217 and At-215; our ICRP-107 chains do not reach them.
      "Lu-177m": ["Lu-177"],
      "Cs-137": ["Ba-137m"],
      "In-111": ["Cd-111m"],
      "Ra-223": ["Rn-219", "Po-215", "Pb-211", "Bi-211", "Tl-207", "Po-211"],
      "Ac-225": ["Fr-221", "At-217", "Bi-213", "Po-213", "Tl-209", "Pb-209"],
    ])
}
