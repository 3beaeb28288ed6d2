import Foundation
import Testing

@testable import DoseCore

/// Clearance level 1 µSv/h; warn 10, alarm 20 µSv/h.
private func makeRoom(_ occupancy: RoomOccupancy, detectors: [String] = ["a", "b"])
  -> IsolationRoomMonitor
{
  IsolationRoomMonitor(
    id: "room-1", detectorIDs: detectors, occupancy: occupancy, clearUSvH: 1.0,
    alarms: DoseAlarmTracker(warnUSvH: 10, alarmUSvH: 20))
}

@Test("Fixtures agree with the hand-computed dose rates")
func fixtureDoseRates() throws {
  #expect(isClose(quietEstimate.doseRateUSvH, 10.0 / 106, rel: 1e-12))
  #expect(isClose(uncertainAboveOne.doseRateUSvH, 1.4150943396226414, rel: 1e-12))
  #expect(isClose(uncertainAboveOne.doseRateInterval?.lowerBound, 0.6785927400187406, rel: 1e-8))
  #expect(isClose(hotEstimate.doseRateUSvH, 14.150943396226415, rel: 1e-12))
  #expect(isClose(hotEstimate.doseRateInterval?.lowerBound, 11.513772346828745, rel: 1e-8))
  #expect(isClose(hotEstimate.doseRateInterval?.upperBound, 17.211338744211282, rel: 1e-8))
}

@Test(
  "Any detector not ok: fault and alarm, never clear",
  arguments: DetectorState.allCases.filter { $0 != .ok }, RoomOccupancy.allCases)
func detectorNotOK(state: DetectorState, occupancy: RoomOccupancy) {
  var room = makeRoom(occupancy)
  // A stale detector keeps its (old) estimate; the others have none.
  let bad = detector("b", state, state == .stale ? quietEstimate : nil)
  let result = room.assess(detectors: [detector("a", .ok, quietEstimate), bad])
  #expect(result.state == .fault)
  #expect(result.state != .clear)
  #expect(result.alarm == .alarm)
  #expect(result.doseAlarm == AlarmLevel.none)
  #expect(result.kind == .isolationRoom)
  #expect(result.reasons.contains { $0.hasPrefix("detector b is \(state.rawValue)") })
  // The working detector still reports its dose rate.
  #expect(result.doseRateDetector == "a")
  #expect(result.doseRateUSvH == quietEstimate.doseRateUSvH)
}

@Test("All detectors not ok: fault, no dose rate", arguments: RoomOccupancy.allCases)
func allDetectorsNotOK(occupancy: RoomOccupancy) {
  var room = makeRoom(occupancy)
  let result = room.assess(detectors: [
    detector("a", .disconnected, nil), detector("b", .stale, hotEstimate),
  ])
  #expect(result.state == .fault)
  #expect(result.alarm == .alarm)
  #expect(result.doseRateUSvH == nil)
  #expect(result.doseRateDetector == nil)
  #expect(result.reasons.count == 2)
}

@Test("A detector of the room without an assessment is a fault", arguments: RoomOccupancy.allCases)
func missingAssessment(occupancy: RoomOccupancy) {
  var room = makeRoom(occupancy)
  let result = room.assess(detectors: [detector("a", .ok, quietEstimate)])
  #expect(result.state == .fault)
  #expect(result.alarm == .alarm)
  #expect(result.reasons.contains { $0.hasPrefix("detector b is") })
  let none = room.assess(detectors: [])
  #expect(none.state == .fault)
  #expect(none.alarm == .alarm)
}

@Test("Assessments of other rooms' detectors are ignored")
func foreignDetectorsIgnored() {
  var room = makeRoom(.clear, detectors: ["a"])
  let result = room.assess(detectors: [
    detector("a", .ok, quietEstimate), detector("z", .fault, nil), detector("y", .ok, hotEstimate),
  ])
  #expect(result.state == .clear)
  #expect(result.alarm == AlarmLevel.none)
  #expect(result.doseRateDetector == "a")
}

@Test("A room with no detectors is a fault", arguments: RoomOccupancy.allCases)
func noDetectors(occupancy: RoomOccupancy) {
  var room = makeRoom(occupancy, detectors: [])
  let result = room.assess(detectors: [])
  #expect(result.state == .fault)
  #expect(result.alarm == .alarm)
  #expect(result.reasons.contains("no detectors assigned"))
}

@Test("A clear room with quiet readings stays clear, no alarm")
func clearStaysClear() {
  var room = makeRoom(.clear)
  let result = room.assess(detectors: [
    detector("a", .ok, quietEstimate), detector("b", .ok, quietEstimate),
  ])
  #expect(result.state == .clear)
  #expect(result.alarm == AlarmLevel.none)
  #expect(result.reasons.isEmpty)
}

@Test("A clear room reverts to awaiting_clearance when the lower 95 % bound exceeds clearUSvH")
func clearReverts() {
  var room = makeRoom(.clear)
  // Lower bound 11.51 µSv/h > 1 µSv/h (hotEstimate, hand computed in TestSupport).
  let result = room.assess(detectors: [
    detector("a", .ok, quietEstimate), detector("b", .ok, steadyHotEstimate),
  ])
  #expect(result.state == .awaitingClearance)
  #expect(room.occupancy == .awaitingClearance)
  #expect(result.doseRateDetector == "b")
  #expect(result.doseAlarm == .warn)  // strict lower bound 11.2 ≥ 10
  #expect(result.alarm == .warn)
  #expect(result.reasons.contains { $0.hasPrefix("was clear") })
  // It does not become clear again by itself when the rate falls.
  let later = room.assess(detectors: [
    detector("a", .ok, quietEstimate), detector("b", .ok, quietEstimate),
  ])
  #expect(later.state == .awaitingClearance)
  #expect(later.doseAlarm == AlarmLevel.none)
}

@Test("A clear room stays clear while the point estimate, but not the lower bound, is above")
func clearNotSignificant() {
  var room = makeRoom(.clear)
  // 1.415 µSv/h > 1 µSv/h, but the lower bound 0.679 µSv/h is not.
  let result = room.assess(detectors: [
    detector("a", .ok, uncertainAboveOne), detector("b", .ok, quietEstimate),
  ])
  #expect(result.state == .clear)
  #expect(room.occupancy == .clear)
}

@Test("A clear room with a faulty detector shows fault but is not reverted meanwhile")
func clearWithFaultKeepsOccupancy() {
  var room = makeRoom(.clear)
  let result = room.assess(detectors: [
    detector("a", .ok, hotEstimate), detector("b", .fault, nil),
  ])
  #expect(result.state == .fault)
  #expect(result.alarm == .alarm)
  #expect(room.occupancy == .clear)
}

@Test("An occupied room stays occupied at high dose rate; alarms follow the dose")
func occupiedStaysOccupied() {
  var room = makeRoom(.occupied)
  let hot = room.assess(detectors: [
    detector("a", .ok, steadyHotEstimate), detector("b", .ok, quietEstimate),
  ])
  #expect(hot.state == .occupied)
  #expect(room.occupancy == .occupied)
  #expect(hot.alarm == .warn)
  #expect(hot.doseRateUSvH == steadyHotEstimate.doseRateUSvH)
  #expect(hot.doseRateInterval == steadyHotEstimate.doseRateInterval)
}

@Test("An awaiting_clearance room stays so with quiet readings")
func awaitingStays() {
  var room = makeRoom(.awaitingClearance)
  let result = room.assess(detectors: [
    detector("a", .ok, quietEstimate), detector("b", .ok, quietEstimate),
  ])
  #expect(result.state == .awaitingClearance)
}

@Test("An over-range detector raises the dose alarm to alarm, and it clears only on data")
func overRangeRaisesDoseAlarm() {
  var room = makeRoom(.occupied, detectors: ["a"])
  let over = DetectorAssessment(
    id: "a", state: .fault, reason: "over-range", estimate: nil, ageSeconds: 0,
    lastReading: nil, overRange: true)
  let during = room.assess(detectors: [over])
  #expect(during.state == .fault)
  #expect(during.doseAlarm == .alarm)
  #expect(during.alarm == .alarm)
  // Back in range with a low, well-measured rate (1000 counts in 600 s ≈ 0.94 µSv/h, far below
  // the makeRoom warn level): the dose alarm clears through hysteresis, not before.
  let low = detector("a", .ok, estimate(counts: 1000, seconds: 600))
  let after = room.assess(detectors: [low])
  #expect(after.state == .occupied)
  #expect(after.doseAlarm == .none)
}

@Test("The location names the over-range detector")
func overRangeDetectorIsNamed() {
  var room = makeRoom(.occupied, detectors: ["a", "b"])
  let over = DetectorAssessment(
    id: "b", state: .fault, reason: "over-range", estimate: nil, ageSeconds: 0,
    lastReading: nil, overRange: true)
  let result = room.assess(detectors: [detector("a", .ok, quietEstimate), over])
  #expect(result.overRangeDetectors == ["b"])
  #expect(result.doseAlarm == .alarm)
}
