import Foundation

extension NuclideTable {
  /// Radioactive progeny of the nuclides in `all`, down to stable end products. Half-lives in
  /// the unit ICRP-107 quotes, branching as in `radioactivedecay` 0.6.1 (ICRP-107 dataset): see
  /// the type's comment. Only the branches that data set carries are entered; where ICRP-107
  /// is known to have a further weak branch that the data set leaves out, the comment says so.
  public static let progeny: [Nuclide] = [
    // Ac-225 chain (health-physics.md §4.1: Fr-221 → At-217 → Bi-213 → Po-213 / Tl-209).
    Nuclide(
      symbol: "Fr-221", halfLifeSeconds: 4.9 * Time.minute, source: icrp107,
      branches: [branch("At-217", 1.0, "α")]),
    // 32.3 ms. The data set has only the α branch, 0.99988; the remaining 1.2e-4 (a β- branch
    // to Rn-217 in ENSDF, [M]) is not carried, so this chain loses it as the oracle does.
    Nuclide(
      symbol: "At-217", halfLifeSeconds: 32.3e-3, source: icrp107,
      branches: [branch("Bi-213", 0.99988, "α")]),
    Nuclide(
      symbol: "Bi-213", halfLifeSeconds: 45.59 * Time.minute, source: icrp107,
      branches: [branch("Po-213", 0.9791, "β-"), branch("Tl-209", 0.0209, "α")]),
    // 4.2 µs.
    Nuclide(
      symbol: "Po-213", halfLifeSeconds: 4.2e-6, source: icrp107,
      branches: [branch("Pb-209", 1.0, "α")]),
    Nuclide(
      symbol: "Tl-209", halfLifeSeconds: 2.161 * Time.minute, source: icrp107,
      branches: [branch("Pb-209", 1.0, "β-")]),
    Nuclide(
      symbol: "Pb-209", halfLifeSeconds: 3.253 * Time.hour, source: icrp107,
      branches: [branch("Bi-209", 1.0, "β-")]),
    // Ac-227 chain: Th-227 and Fr-223 both feed Ra-223 (below).
    Nuclide(
      symbol: "Th-227", halfLifeSeconds: 18.68 * Time.day, source: icrp107,
      branches: [branch("Ra-223", 1.0, "α")]),
    // 22.00 min. The data set gives β- 1.0 and α 6e-5 (they sum to 1.00006); transcribed as
    // it has them, so that the chain agrees with the oracle (the excess is 6e-5 of 1.38 %).
    Nuclide(
      symbol: "Fr-223", halfLifeSeconds: 22.00 * Time.minute, source: icrp107,
      branches: [branch("Ra-223", 1.0, "β-"), branch("At-219", 6e-5, "α")]),
    // 56 s. The data set has only the α branch, 0.97; the remaining 0.03 (β- to Rn-219 in
    // ENSDF, [M]) is not carried, so this chain loses it as the oracle does.
    Nuclide(
      symbol: "At-219", halfLifeSeconds: 56, source: icrp107,
      branches: [branch("Bi-215", 0.97, "α")]),
    Nuclide(
      symbol: "Bi-215", halfLifeSeconds: 7.6 * Time.minute, source: icrp107,
      branches: [branch("Po-215", 1.0, "β-")]),
    // Ra-223 chain (health-physics.md §4.1: Rn-219 → Po-215 → Pb-211 → Bi-211 → Tl-207).
    Nuclide(
      symbol: "Rn-219", halfLifeSeconds: 3.96, source: icrp107,
      branches: [branch("Po-215", 1.0, "α")]),
    // 1.781 ms. Only the α branch is in the data set (ENSDF's 2.3e-6 β- to At-215 is not, [M]).
    Nuclide(
      symbol: "Po-215", halfLifeSeconds: 1.781e-3, source: icrp107,
      branches: [branch("Pb-211", 1.0, "α")]),
    Nuclide(
      symbol: "Pb-211", halfLifeSeconds: 36.1 * Time.minute, source: icrp107,
      branches: [branch("Bi-211", 1.0, "β-")]),
    Nuclide(
      symbol: "Bi-211", halfLifeSeconds: 2.14 * Time.minute, source: icrp107,
      branches: [branch("Tl-207", 0.99724, "α"), branch("Po-211", 0.00276, "β-")]),
    Nuclide(
      symbol: "Tl-207", halfLifeSeconds: 4.77 * Time.minute, source: icrp107,
      branches: [branch("Pb-207", 1.0, "β-")]),
    Nuclide(
      symbol: "Po-211", halfLifeSeconds: 0.516, source: icrp107,
      branches: [branch("Pb-207", 1.0, "α")]),
    // From I-131.
    Nuclide(
      symbol: "Xe-131m", halfLifeSeconds: 11.84 * Time.day, source: icrp107,
      branches: [branch("Xe-131", 1.0, "IT")]),
    // From Tc-99m. 0.2111 My in Julian years like Cs-137 (see the table test): 2.1e-5 longer
    // than radioactivedecay's 365.2422 d year.
    Nuclide(
      symbol: "Tc-99", halfLifeSeconds: 0.2111e6 * Time.year, source: icrp107,
      branches: [branch("Ru-99", 1.0, "β-")]),
    // From In-111.
    Nuclide(
      symbol: "Cd-111m", halfLifeSeconds: 48.50 * Time.minute, source: icrp107,
      branches: [branch("Cd-111", 1.0, "IT")]),
    // From Cs-137.
    Nuclide(
      symbol: "Ba-137m", halfLifeSeconds: 2.552 * Time.minute, source: icrp107,
      branches: [branch("Ba-137", 1.0, "IT")]),
  ]

  /// Stable end products of the chains above (radioactivedecay gives them an infinite
  /// half-life). A branch to a daughter that is neither here nor a chain member is a data
  /// error, which `NuclideTableTests` catches.
  public static let stable: Set<String> = [
    "Hf-177", "Xe-131", "Zr-90", "Zn-68", "O-18", "Ru-99", "Eu-153", "Cd-111", "Y-89",
    "Ba-137", "Ni-60", "Bi-209", "Pb-207",
  ]

  private static func branch(_ daughter: String, _ fraction: Double, _ mode: String)
    -> DecayBranch
  {
    DecayBranch(daughter: daughter, fraction: fraction, mode: mode)
  }
}
