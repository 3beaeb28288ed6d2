import Foundation

/// A patient-release dose-rate limit: the patient may leave when the dose rate at
/// `distanceM` from them is at or below `limitUSvH`.
///
/// Limits are configuration with their source (DOMAIN.md "Rules"; health-physics.md §1.8: the
/// site licence decides). Geometry is part of the rule: the US rules are at 1 m, the German one
/// at 2 m, and a limit is never converted silently to another distance.
public struct ReleaseLimit: Sendable, Hashable, Codable {
  /// The dose-rate limit, µSv/h of H*(10).
  public let limitUSvH: Double
  /// Distance from the patient at which the limit applies, metres.
  public let distanceM: Double
  /// The preset name (`us-default`, …) or `site`.
  public let name: String
  /// Where the number comes from, in words.
  public let source: String

  /// The reference distances of the rules we know: 1 m (10 CFR 35.75 / NUREG-1556 Vol. 9
  /// App. U) and 2 m (Germany, Richtlinie Strahlenschutz in der Medizin), health-physics.md
  /// §1.2 and §1.5.
  public static let supportedDistancesM: [Double] = [1, 2]

  /// A limit set by the site (its licence or the RSO's local rules). Every field is required:
  /// there is no default value, distance or source.
  public static func site(limitUSvH: Double, distanceM: Double, source: String)
    throws(ReleaseLimitError) -> ReleaseLimit
  {
    guard limitUSvH.isFinite, limitUSvH > 0 else {
      throw .invalidLimit(limitUSvH)
    }
    guard supportedDistancesM.contains(distanceM) else {
      throw .unsupportedDistance(distanceM)
    }
    guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .missingSource
    }
    return ReleaseLimit(limitUSvH: limitUSvH, distanceM: distanceM, name: "site", source: source)
  }
}

/// Why a release limit could not be made.
public enum ReleaseLimitError: Error, Hashable, CustomStringConvertible {
  case unknownPreset(String)
  case unknownNuclide(String)
  /// The preset exists but is not a rule for this nuclide (e.g. `de-i131` for Lu-177).
  case notApplicable(preset: String, nuclide: String, reason: String)
  /// `site` named as a preset: it needs a value, a distance and a source.
  case siteNeedsValues
  case invalidLimit(Double)
  case unsupportedDistance(Double)
  case missingSource

  public var description: String {
    switch self {
    case .unknownPreset(let name):
      let known = ReleaseLimitPreset.allCases.map(\.rawValue).joined(separator: ", ")
      return "unknown release limit preset \"\(name)\" (known: \(known), or a site limit)"
    case .unknownNuclide(let symbol):
      return
        "unknown nuclide \"\(symbol)\" (known: \(NuclideTable.symbols.joined(separator: ", ")))"
    case .notApplicable(let preset, let nuclide, let reason):
      return "release limit preset \"\(preset)\" does not apply to \(nuclide): \(reason)"
    case .siteNeedsValues:
      return "a site release limit needs its value (µSv/h), distance (1 or 2 m) and source"
    case .invalidLimit(let value):
      return "release limit must be a positive number of µSv/h, got \(value)"
    case .unsupportedDistance(let distance):
      return "release limit distance must be 1 m or 2 m, got \(distance) m"
    case .missingSource:
      return "a site release limit needs its source (licence condition or local rule)"
    }
  }
}
