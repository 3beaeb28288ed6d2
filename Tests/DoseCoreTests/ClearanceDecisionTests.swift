import Foundation
import Testing

@testable import DoseCore

/// A room detector at `dose` µSv/h for `seconds` 1-s readings, with the room's clearance test.
private func roomDetector(
  dose: Double, seconds: Int, seed: UInt64 = 5, limit: Double = 0.5
) -> DetectorMonitor {
  var monitor = DetectorMonitor(id: "d1", calibration: noDeadTime)
  monitor.configureTests(
    thresholds: [], limits: [("room-1", LimitTest(limitUSvH: limit, calibration: noDeadTime))])
  var random = SeededGenerator(seed: seed)
  for t in 1...seconds {
    let counts = PoissonSampler.sample(mean: dose * 106 / 60, using: &random)
    monitor.ingest(reading(counts, end: Double(t)))
  }
  return monitor
}

private func awaitingRoom() -> IsolationRoomMonitor {
  IsolationRoomMonitor(
    id: "room-1", detectorIDs: ["d1"], occupancy: .awaitingClearance, clearUSvH: 0.5,
    alarms: DoseAlarmTracker(warnUSvH: 20, alarmUSvH: 50))
}

@Test("Early after discharge the room is undecided and says how long to count")
func clearanceUndecidedEarly() throws {
  var room = awaitingRoom()
  let monitor = roomDetector(dose: 0.25, seconds: 10)
  let clearance = try #require(room.assess(detectors: [monitor.assess(now: 10)]).clearance)
  #expect(clearance.decision == .undecided)
  #expect(clearance.limitUSvH == 0.5)
  let needs = try #require(clearance.needsCountingSeconds)
  #expect(needs > 0 && needs < 600)
}

@Test("Half the clearance level is decided below within a few minutes")
func clearanceBelow() throws {
  var room = awaitingRoom()
  let monitor = roomDetector(dose: 0.25, seconds: 300)
  let assessment = room.assess(detectors: [monitor.assess(now: 300)])
  let clearance = try #require(assessment.clearance)
  #expect(clearance.decision == .below)
  #expect(clearance.needsCountingSeconds == nil)
  #expect(clearance.upper95USvH! < 0.5)
  #expect(clearance.statistic! >= clearance.decisionValue!)
  // Deciding never clears the room by itself: that is a recorded human decision.
  #expect(assessment.state == .awaitingClearance)
}

@Test("Far above the level: above; just above: never below, and no time promised")
func clearanceAbove() throws {
  var room = awaitingRoom()
  let hot = roomDetector(dose: 2, seconds: 300)
  #expect(try #require(room.assess(detectors: [hot.assess(now: 300)]).clearance).decision == .above)
  var near = awaitingRoom()
  let justAbove = roomDetector(dose: 0.6, seconds: 1800, seed: 9)
  let clearance = try #require(near.assess(detectors: [justAbove.assess(now: 1800)]).clearance)
  #expect(clearance.decision != .below)
  #expect(clearance.needsCountingSeconds == nil)
}

@Test("A room in fault cannot be cleared; occupied rooms have no clearance decision")
func clearanceFault() throws {
  var room = awaitingRoom()
  let clearance = try #require(
    room.assess(detectors: [detector("d1", .stale, nil)]).clearance)
  #expect(clearance.decision == .undecided)
  #expect(clearance.reasons.first == "a room in fault cannot be cleared")
  var occupied = IsolationRoomMonitor(
    id: "room-1", detectorIDs: ["d1"], occupancy: .occupied, clearUSvH: 0.5,
    alarms: DoseAlarmTracker(warnUSvH: 20, alarmUSvH: 50))
  let monitor = roomDetector(dose: 0.25, seconds: 300)
  #expect(occupied.assess(detectors: [monitor.assess(now: 300)]).clearance == nil)
}

@Test("A change of rate restarts the clearance test on the readings after it")
func clearanceRestartsAfterDischarge() throws {
  var monitor = DetectorMonitor(id: "d1", calibration: noDeadTime)
  monitor.configureTests(
    thresholds: [], limits: [("room-1", LimitTest(limitUSvH: 0.5, calibration: noDeadTime))])
  var random = SeededGenerator(seed: 4)
  // Patient in the room: 30 cps; the test's statistic goes far negative.
  for t in 1...300 {
    monitor.ingest(reading(PoissonSampler.sample(mean: 30, using: &random), end: Double(t)))
  }
  #expect(try #require(monitor.limitTest("room-1")).statistic < -100)
  // Discharge: the rate falls to 0.1 cps. The fall test gains (1 − 1/1.5)·30 = 10 per quiet
  // second, so it fires on the second one (20 ≥ ln 10⁵ = 11.5) and restarts the clearance
  // test, which then counts only the 18 readings after it.
  for t in 301...320 {
    monitor.ingest(reading(PoissonSampler.sample(mean: 0.1, using: &random), end: Double(t)))
  }
  let test = try #require(monitor.limitTest("room-1"))
  #expect(test.seconds == 18)
  #expect(test.statistic > 0)
}

@Test("Silent-tube rule trips a healthy tube less than once in 10 years (issue 5)")
func silentFaultFalseRate() {
  // A zero run starts at most once per count; each run of a tube at ≥ the minimum background
  // lasts the fault time with chance ≤ e^(−silentExpectedCounts). Per year at the minimum
  // background: λ·year·e^(−20), for every tube in the table.
  let settings = DetectorMonitor.Settings()
  for tube in TubeTable.all {
    let rate = settings.minBackgroundUSvH * tube.sensitivityCpmPerUSvH / 60
    let perYear = rate * ThresholdTest.secondsPerYear * exp(-settings.silentExpectedCounts)
    #expect(perYear < 0.1, "\(tube.name): \(perYear) per year")
  }
}
