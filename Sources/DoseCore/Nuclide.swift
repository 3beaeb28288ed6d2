import Foundation

/// A radionuclide with the half-life the whole product uses for it.
///
/// All half-lives come from one evaluation, ICRP Publication 107 (2008), as shipped by the
/// `radioactivedecay` package (`icrp107_ame2020_nubase2020/decay_data.npz`); the values are
/// transcribed in `shared/reference/health-physics.md` §4.1 and DOMAIN.md. Mixing evaluations
/// would make decay predictions disagree with the test oracle, so do not add a value from
/// elsewhere without saying so here.
public struct Nuclide: Sendable, Hashable, Codable {
  /// Canonical symbol, element and mass number with a hyphen: `Lu-177`, `Lu-177m`.
  public let symbol: String
  public let halfLifeSeconds: Double
  /// Where the half-life comes from.
  public let source: String

  public init(symbol: String, halfLifeSeconds: Double, source: String) {
    self.symbol = symbol
    self.halfLifeSeconds = halfLifeSeconds
    self.source = source
  }

  /// Decay constant λ = ln 2 / T½, per second.
  public var decayConstant: Double { log(2.0) / halfLifeSeconds }

  /// Fraction of the activity left after `elapsedSeconds` (1 at zero, 0.5 after one half-life).
  public func remainingFraction(after elapsedSeconds: Double) -> Double {
    exp(-decayConstant * elapsedSeconds)
  }

  public var halfLifeDays: Double { halfLifeSeconds / Time.day }
}

/// Time units in seconds, so that tables read in the units their sources use.
public enum Time {
  public static let minute = 60.0
  public static let hour = 3600.0
  public static let day = 86_400.0
  /// Julian year (365.25 d), the year ICRP-107 uses for long half-lives.
  public static let year = 365.25 * 86_400.0
}

/// The nuclide table: ICRP-107 half-lives for the nuclides of radioligand therapy wards and
/// their usual check sources.
public enum NuclideTable {
  static let icrp107 = "ICRP Publication 107 (2008), via radioactivedecay decay_data.npz"

  public static let all: [Nuclide] = [
    Nuclide(symbol: "Lu-177", halfLifeSeconds: 6.647 * Time.day, source: icrp107),
    Nuclide(symbol: "Lu-177m", halfLifeSeconds: 160.4 * Time.day, source: icrp107),
    Nuclide(symbol: "I-131", halfLifeSeconds: 8.0207 * Time.day, source: icrp107),
    Nuclide(symbol: "Y-90", halfLifeSeconds: 64.10 * Time.hour, source: icrp107),
    Nuclide(symbol: "Ra-223", halfLifeSeconds: 11.43 * Time.day, source: icrp107),
    Nuclide(symbol: "Ac-225", halfLifeSeconds: 10.0 * Time.day, source: icrp107),
    Nuclide(symbol: "Ga-68", halfLifeSeconds: 67.71 * Time.minute, source: icrp107),
    Nuclide(symbol: "F-18", halfLifeSeconds: 109.77 * Time.minute, source: icrp107),
    Nuclide(symbol: "Tc-99m", halfLifeSeconds: 6.015 * Time.hour, source: icrp107),
    Nuclide(symbol: "Sm-153", halfLifeSeconds: 46.50 * Time.hour, source: icrp107),
    Nuclide(symbol: "In-111", halfLifeSeconds: 2.8047 * Time.day, source: icrp107),
    Nuclide(symbol: "Sr-89", halfLifeSeconds: 50.53 * Time.day, source: icrp107),
    Nuclide(symbol: "Cs-137", halfLifeSeconds: 30.1671 * Time.year, source: icrp107),
    Nuclide(symbol: "Co-60", halfLifeSeconds: 5.2713 * Time.year, source: icrp107),
  ]

  /// Looks a nuclide up by symbol, tolerant of case and of a missing hyphen (`lu177m`).
  public static func lookup(_ symbol: String) -> Nuclide? {
    let key = normalise(symbol)
    return all.first { normalise($0.symbol) == key }
  }

  public static var symbols: [String] { all.map(\.symbol) }

  private static func normalise(_ symbol: String) -> String {
    symbol.lowercased().filter { $0 != "-" && $0 != " " }
  }
}
