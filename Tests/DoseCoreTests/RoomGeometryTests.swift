import Testing

@testable import DoseCore

/// The room factor from a handheld reading, its use on values and intervals, and the explicit
/// distance conversions.
struct RoomGeometryTests {
  @Test func factorFromHandheldReading() throws {
    // Handheld 27 µSv/h at 1 m while the room detector reads 2.7 µSv/h: factor 10.
    let geometry = try RoomGeometry.fromHandheld(
      handheldUSvH: 27, distanceM: 1, detectorUSvH: 2.7, basis: "test: handheld at admission")
    #expect(isClose(geometry.factor, 10, rel: 1e-15))
    #expect(isClose(geometry.patientDoseRateUSvH(detectorUSvH: 1.2), 12, rel: 1e-15))
    let rate = geometry.patientDoseRate(
      detectorUSvH: 1.2, detectorLower95USvH: 1.0, detectorUpper95USvH: 1.5)
    #expect(isClose(rate.valueUSvH, 12, rel: 1e-15))
    #expect(isClose(rate.lower95USvH, 10, rel: 1e-15))
    #expect(isClose(rate.upper95USvH, 15, rel: 1e-15))
    #expect(rate.distanceM == 1)
  }

  @Test func factorFromRateEstimate() throws {
    let geometry = try RoomGeometry(factor: 2, distanceM: 2, basis: "test")
    let rate = try #require(geometry.patientDoseRate(hotEstimate))
    // hotEstimate: 14.1509 µSv/h, interval [11.5138, 17.2113] (TestSupport).
    #expect(isClose(rate.valueUSvH, 2 * 25 * 60 / 106, rel: 1e-12))
    #expect(isClose(rate.upper95USvH, 2 * hotEstimate.doseRateInterval!.upperBound, rel: 1e-15))
    #expect(rate.distanceM == 2)
  }

  @Test func badReadingsAreRefused() {
    #expect(throws: RoomGeometryError.self) {
      try RoomGeometry.fromHandheld(handheldUSvH: 27, distanceM: 1, detectorUSvH: 0, basis: "")
    }
    #expect(throws: RoomGeometryError.self) {
      try RoomGeometry.fromHandheld(handheldUSvH: -1, distanceM: 1, detectorUSvH: 2, basis: "")
    }
    #expect(throws: RoomGeometryError.self) {
      try RoomGeometry.fromHandheld(handheldUSvH: .nan, distanceM: 1, detectorUSvH: 2, basis: "")
    }
    #expect(throws: RoomGeometryError.self) {
      try RoomGeometry(factor: 1, distanceM: 0, basis: "")
    }
  }

  @Test func inverseSquareMatchesTheReference() {
    // health-physics.md §1.5: 3.5 µSv/h at 2 m is about 14 µSv/h at 1 m by inverse square.
    let law = DistanceLaw.pointSourceInverseSquare
    #expect(isClose(law.convert(3.5, fromM: 2, toM: 1), 14, rel: 1e-15))
    #expect(isClose(law.convert(14, fromM: 1, toM: 2), 3.5, rel: 1e-15))
  }

  @Test func glowgreenLawAndIntervals() {
    // glowgreen: D(1 m) = D(d)·d^1.5, so 5 µSv/h at 2 m is 5·2^1.5 = 14.142 µSv/h at 1 m.
    let law = DistanceLaw.glowgreenPatient
    let rate = PatientDoseRate(valueUSvH: 5, lower95USvH: 4, upper95USvH: 6, distanceM: 2)
    let moved = law.convert(rate, toM: 1)
    #expect(isClose(moved.valueUSvH, 5 * 2.0.squareRoot() * 2, rel: 1e-14))
    #expect(moved.lower95USvH < moved.valueUSvH && moved.valueUSvH < moved.upper95USvH)
    #expect(moved.distanceM == 1)
  }
}
