import Foundation
import Testing

@testable import DoseCore

/// Release only when the upper 95 % bound at the limit's distance is at or below the limit.
struct ReleaseEligibilityTests {
  let lu177 = ReleaseLimit.usDefault(for: NuclideTable.lookup("Lu-177")!)

  func rate(upper: Double, distance: Double = 1) -> PatientDoseRate {
    PatientDoseRate(
      valueUSvH: upper / 2, lower95USvH: upper / 4, upper95USvH: upper, distanceM: distance)
  }

  @Test func atTheBoundaryIsEligible() {
    let result = ReleaseEligibility.assess(rate(upper: lu177.limitUSvH), limit: lu177)
    #expect(result.eligible)
    #expect(result.upper95USvH == lu177.limitUSvH)
    #expect(result.limitUSvH == lu177.limitUSvH && result.distanceM == 1)
  }

  @Test func justAboveTheBoundaryIsNot() {
    let result = ReleaseEligibility.assess(rate(upper: lu177.limitUSvH.nextUp), limit: lu177)
    #expect(!result.eligible)
    #expect(result.reason.contains(">"))
  }

  @Test func theUpperBoundDecidesNotTheValue() {
    // Value 50 µSv/h is well below 87 µSv/h, but the upper bound 100 µSv/h is not.
    let wide = PatientDoseRate(valueUSvH: 50, lower95USvH: 20, upper95USvH: 100, distanceM: 1)
    #expect(!ReleaseEligibility.assess(wide, limit: lu177).eligible)
  }

  @Test func anotherDistanceIsNeverCompared() {
    let result = ReleaseEligibility.assess(rate(upper: 1, distance: 1), limit: .deI131)
    #expect(!result.eligible)
    #expect(result.distanceM == 2)
    #expect(result.reason.contains("convert explicitly"))
  }

  @Test func noFiniteBoundIsNotEligible() throws {
    for upper in [Double.infinity, .nan] {
      let result = ReleaseEligibility.assess(rate(upper: upper), limit: lu177)
      #expect(!result.eligible)
      #expect(result.upper95USvH == nil)
      _ = try JSONEncoder().encode(result)
    }
  }
}
