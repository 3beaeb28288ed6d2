import Foundation
import Testing

@testable import DoseCore

/// 106 cpm per µSv/h, Lu-177 response 3.5, background 530 counts in 3000 s = 0.1 µSv/h.
private let lutetiumCounter: Calibration = {
  var calibration = noDeadTime
  calibration.energyResponse = EnergyResponse(
    factors: ["Lu-177": 3.5, "I-131": 0.76], source: "test: Rad Pro table")
  calibration.background = BackgroundMeasurement(counts: 530, seconds: 3000)
  return calibration
}()

@Test("Correction applies to the part above background: 35.1 µSv/h read → 10.1 µSv/h")
func correctionAboveBackground() throws {
  let correction = try #require(EnergyCorrection(calibration: lutetiumCounter, nuclide: "Lu-177"))
  #expect(isClose(correction.backgroundUSvH, 0.1, rel: 1e-12))
  #expect(isClose(correction.corrected(35.1), 10.1, rel: 1e-12))
  #expect(isClose(correction.detectorDose(10.1), 35.1, rel: 1e-12))
  // Background stays background: a clean room is not scaled down to look cleaner.
  #expect(isClose(correction.corrected(0.1), 0.1, rel: 1e-12))
  // An under-reading tube (I-131 0.76) is corrected upwards.
  let iodine = try #require(EnergyCorrection(calibration: lutetiumCounter, nuclide: "I-131"))
  #expect(iodine.corrected(7.7) > 7.7)
}

@Test("No correction without a declared nuclide, a factor for it, or a background")
func correctionNeedsEverything() {
  #expect(EnergyCorrection(calibration: lutetiumCounter, nuclide: nil) == nil)
  #expect(EnergyCorrection(calibration: lutetiumCounter, nuclide: "Ra-223") == nil)
  var noBackground = lutetiumCounter
  noBackground.background = nil
  #expect(EnergyCorrection(calibration: noBackground, nuclide: "Lu-177") == nil)
  #expect(EnergyCorrection(calibration: noDeadTime, nuclide: "Lu-177") == nil)
}

@Test("A room applies its detector's correction and says so")
func roomReportsCorrection() throws {
  let correction = try #require(EnergyCorrection(calibration: lutetiumCounter, nuclide: "Lu-177"))
  var room = IsolationRoomMonitor(
    id: "room-1", detectorIDs: ["d1"], occupancy: .occupied, clearUSvH: 0.5,
    alarms: DoseAlarmTracker(warnUSvH: 20, alarmUSvH: 50), corrections: ["d1": correction])
  // 6201 counts in 100 s = 62.01 cps = 35.1 µSv/h as read.
  let estimate = RateEstimate(
    counts: 6201, liveSeconds: 100, windowStart: 0, windowEnd: 100, calibration: lutetiumCounter)
  let assessment = room.assess(detectors: [detector("d1", .ok, estimate)])
  #expect(isClose(assessment.doseRateUSvH, 10.1, rel: 1e-9))
  #expect(assessment.energyCorrection == correction)
  let interval = try #require(assessment.doseRateInterval)
  let raw = try #require(estimate.doseRateInterval)
  #expect(isClose(interval.upperBound, correction.corrected(raw.upperBound), rel: 1e-12))
  // Without a correction the same reading is reported as read.
  var plain = IsolationRoomMonitor(
    id: "room-1", detectorIDs: ["d1"], occupancy: .occupied, clearUSvH: 0.5,
    alarms: DoseAlarmTracker(warnUSvH: 20, alarmUSvH: 50))
  let uncorrected = plain.assess(detectors: [detector("d1", .ok, estimate)])
  #expect(isClose(uncorrected.doseRateUSvH, 35.1, rel: 1e-9))
  #expect(uncorrected.energyCorrection == nil)
}

@Test("Tube table: energy responses from Rad Pro for the tubes that have them")
func tubeEnergyResponses() throws {
  let m4011 = try #require(TubeTable.lookup("M4011"))
  #expect(m4011.energyResponse["Lu-177"] == 3.516)
  #expect(try #require(TubeTable.lookup("SBM-20")).energyResponse["Lu-177"] == 1.424)
  #expect(try #require(TubeTable.lookup("HH614")).energyResponse["I-131"] == 0.761)
  #expect(try #require(TubeTable.lookup("SBM-20")).maxObservedCPS == 10_000)
  // Tubes whose only source is a bare factor say so and carry no energy responses.
  let sbm19 = try #require(TubeTable.lookup("SBM-19"))
  #expect(sbm19.calibrationNuclide == "unstated")
  #expect(sbm19.energyResponse.isEmpty)
  #expect(try #require(TubeTable.lookup("SI-29BG")).sensitivityCpmPerUSvH == 100)
  for tube in TubeTable.all {
    #expect(!tube.source.isEmpty)
    #expect(tube.sensitivityCpmPerUSvH > 0)
  }
}
