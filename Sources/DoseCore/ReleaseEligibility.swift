import Foundation

/// Whether a patient may be released under a limit: only when the upper 95 % bound of the dose
/// rate at the limit's distance is at or below the limit (DOMAIN.md "Statistics": "below a
/// limit" means the upper bound of the interval is below it; health-physics.md §1.8: compare
/// the one-sided upper bound with the limit). Anything unknown is not eligible.
public struct ReleaseEligibility: Sendable, Hashable, Codable {
  public let eligible: Bool
  public let limitUSvH: Double
  public let distanceM: Double
  /// The upper 95 % bound compared, nil when it was not a finite number.
  public let upper95USvH: Double?
  public let reason: String

  public static func assess(_ rate: PatientDoseRate, limit: ReleaseLimit) -> ReleaseEligibility {
    let upper = rate.upper95USvH
    func verdict(_ eligible: Bool, _ reason: String) -> ReleaseEligibility {
      ReleaseEligibility(
        eligible: eligible, limitUSvH: limit.limitUSvH, distanceM: limit.distanceM,
        upper95USvH: upper.isFinite ? upper : nil, reason: reason)
    }
    guard rate.distanceM == limit.distanceM else {
      return verdict(
        false,
        "dose rate is at \(rate.distanceM) m but the \(limit.name) limit is at "
          + "\(limit.distanceM) m; measure at \(limit.distanceM) m or convert explicitly")
    }
    guard upper.isFinite, upper >= 0 else {
      return verdict(false, "no finite upper bound of the dose rate (\(upper) µSv/h)")
    }
    if upper <= limit.limitUSvH {
      return verdict(
        true,
        "upper 95 % bound \(upper) µSv/h ≤ \(limit.limitUSvH) µSv/h at \(limit.distanceM) m "
          + "(\(limit.name))")
    }
    return verdict(
      false,
      "upper 95 % bound \(upper) µSv/h > \(limit.limitUSvH) µSv/h at \(limit.distanceM) m "
        + "(\(limit.name))")
  }
}
