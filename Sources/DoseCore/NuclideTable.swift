import Foundation

/// The nuclide table: ICRP-107 half-lives and decay branches for the nuclides of radioligand
/// therapy wards and their usual check sources.
///
/// `all` holds the nuclides a site may name (patients, calibrations, waste). Their radioactive
/// progeny live in `progeny` and stable end products in `stable`; `chainMember` finds any of the
/// radioactive ones. Half-lives: health-physics.md §4.1 and DOMAIN.md. Branching fractions and
/// modes: `radioactivedecay` 0.6.1, `rd.Nuclide(symbol).progeny()`, `.branching_fractions()`,
/// `.decay_modes()` (ICRP-107 dataset `icrp107_ame2020_nubase2020`), transcribed by hand.
public enum NuclideTable {
  static let icrp107 = "ICRP Publication 107 (2008), via radioactivedecay decay_data.npz"

  public static let all: [Nuclide] = [
    Nuclide(
      symbol: "Lu-177", halfLifeSeconds: 6.647 * Time.day, source: icrp107,
      branches: [branch("Hf-177", 1.0, "β-")]),
    // IT 21.7 % to Lu-177 (health-physics.md §4.1 [V]); the β- rest goes straight to stable
    // Hf-177 in ICRP-107 (no Hf-177m branch in radioactivedecay's data).
    Nuclide(
      symbol: "Lu-177m", halfLifeSeconds: 160.4 * Time.day, source: icrp107,
      branches: [branch("Hf-177", 0.783, "β-"), branch("Lu-177", 0.217, "IT")]),
    // 1.1759 % of decays feed Xe-131m (11.84 d).
    Nuclide(
      symbol: "I-131", halfLifeSeconds: 8.0207 * Time.day, source: icrp107,
      branches: [branch("Xe-131", 0.98824, "β-"), branch("Xe-131m", 0.011759, "β-")]),
    Nuclide(
      symbol: "Y-90", halfLifeSeconds: 64.10 * Time.hour, source: icrp107,
      branches: [branch("Zr-90", 1.0, "β-")]),
    Nuclide(
      symbol: "Ra-223", halfLifeSeconds: 11.43 * Time.day, source: icrp107,
      branches: [branch("Rn-219", 1.0, "α")]),
    Nuclide(
      symbol: "Ac-225", halfLifeSeconds: 10.0 * Time.day, source: icrp107,
      branches: [branch("Fr-221", 1.0, "α")]),
    // Impurity of accelerator-made Ac-225 (Th-232 spallation): 21.772 y in Julian years (see
    // the table test). β- 98.62 % to Th-227, α 1.38 % to Fr-223, both feeding Ra-223.
    Nuclide(
      symbol: "Ac-227", halfLifeSeconds: 21.772 * Time.year, source: icrp107,
      branches: [branch("Th-227", 0.9862, "β-"), branch("Fr-223", 0.0138, "α")]),
    // Parent of Ga-68 generators; its breakthrough is in generator eluate and waste.
    Nuclide(
      symbol: "Ge-68", halfLifeSeconds: 270.95 * Time.day, source: icrp107,
      branches: [branch("Ga-68", 1.0, "EC")]),
    Nuclide(
      symbol: "Ga-68", halfLifeSeconds: 67.71 * Time.minute, source: icrp107,
      branches: [branch("Zn-68", 1.0, "β+ & EC")]),
    Nuclide(
      symbol: "F-18", halfLifeSeconds: 109.77 * Time.minute, source: icrp107,
      branches: [branch("O-18", 1.0, "β+ & EC")]),
    // Tc-99 (0.2111 My) is radioactive, so it is carried; Ru-99 directly by a 3.7e-5 β- branch.
    Nuclide(
      symbol: "Tc-99m", halfLifeSeconds: 6.015 * Time.hour, source: icrp107,
      branches: [branch("Tc-99", 0.99996, "IT"), branch("Ru-99", 3.7e-5, "β-")]),
    Nuclide(
      symbol: "Sm-153", halfLifeSeconds: 46.50 * Time.hour, source: icrp107,
      branches: [branch("Eu-153", 1.0, "β-")]),
    Nuclide(
      symbol: "In-111", halfLifeSeconds: 2.8047 * Time.day, source: icrp107,
      branches: [branch("Cd-111", 0.99995, "EC"), branch("Cd-111m", 4.9998e-5, "EC")]),
    Nuclide(
      symbol: "Sr-89", halfLifeSeconds: 50.53 * Time.day, source: icrp107,
      branches: [branch("Y-89", 1.0, "β-")]),
    Nuclide(
      symbol: "Cs-137", halfLifeSeconds: 30.1671 * Time.year, source: icrp107,
      branches: [branch("Ba-137m", 0.94399, "β-"), branch("Ba-137", 0.056005, "β-")]),
    Nuclide(
      symbol: "Co-60", halfLifeSeconds: 5.2713 * Time.year, source: icrp107,
      branches: [branch("Ni-60", 1.0, "β-")]),
  ]

  /// Looks a nuclide up by symbol, tolerant of case and of a missing hyphen (`lu177m`). Only
  /// the nuclides of `all`: a chain member such as Po-213 is not something a site configures.
  public static func lookup(_ symbol: String) -> Nuclide? {
    let key = normalise(symbol)
    return all.first { normalise($0.symbol) == key }
  }

  public static var symbols: [String] { all.map(\.symbol) }

  /// Any radioactive nuclide the table knows, from `all` or `progeny`.
  public static func chainMember(_ symbol: String) -> Nuclide? {
    if let nuclide = lookup(symbol) { return nuclide }
    let key = normalise(symbol)
    return progeny.first { normalise($0.symbol) == key }
  }

  /// Whether `symbol` is a stable end product the table knows.
  public static func isStable(_ symbol: String) -> Bool {
    stable.contains(symbol)
  }

  private static func branch(_ daughter: String, _ fraction: Double, _ mode: String)
    -> DecayBranch
  {
    DecayBranch(daughter: daughter, fraction: fraction, mode: mode)
  }

  private static func normalise(_ symbol: String) -> String {
    symbol.lowercased().filter { $0 != "-" && $0 != " " }
  }
}
