import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

@Suite(.serialized, .stopsDaemons) struct DaemonStatusTests {
  @Test func statusAnswersWithTheContractFields() async throws {
    // On a manual clock, as the other reads below: on scaled wall time a loaded machine
    // could let a detector go stale (no dose rate, room `fault`) between them.
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60, manualTime: true)
    try await daemon.advanceUntilEveryDetectorIsOK()
    let raw = try await daemon.rawStatus()
    #expect(raw["class"] as? String == "status")
    let detectors = try #require(raw["detectors"] as? [[String: Any]])
    #expect(detectors.count == 3)
    for detector in detectors {
      for key in ["id", "driver", "state"] { #expect(detector[key] is String, "\(key)") }
      for key in ["cps", "dose_rate_usv_h", "age_s"] {
        #expect(detector[key] is Double || detector[key] is Int, "\(key) must be a number")
      }
      let interval = try #require(detector["ci95_usv_h"] as? [Double])
      let dose = try #require(detector["dose_rate_usv_h"] as? Double)
      #expect(interval.count == 2 && interval[0] <= dose && dose <= interval[1])
    }
    let locations = try #require(raw["locations"] as? [[String: Any]])
    #expect(locations.map { $0["id"] as? String } == ["room-1", "room-2", "store"])
    for location in locations {
      for key in ["id", "kind", "state", "alarm"] { #expect(location[key] is String, "\(key)") }
      #expect(location["dose_rate_usv_h"] is Double)
      #expect(["none", "warn", "alarm"].contains(location["alarm"] as? String ?? ""))
    }

    let status = try await daemon.status()
    let room1 = try #require(status.locations.first { $0.id == "room-1" })
    let room2 = try #require(status.locations.first { $0.id == "room-2" })
    let store = try #require(status.locations.first { $0.id == "store" })
    #expect(room1.state == "occupied")
    #expect(room2.state == "clear")
    // 25 µSv/h patient plus 0.1 background, decaying by at most a few % in the test's minutes.
    let room1Dose = try #require(room1.doseRateUSvH)
    #expect(room1Dose > 20 && room1Dose < 30)
    let room2Dose = try #require(room2.doseRateUSvH)
    #expect(room2Dose > 0.02 && room2Dose < 0.5)
    #expect(room1.alarm == "none" && room2.alarm == "none")
    // P1 (I-131 sealed in 2020) is long decayed; P2 is sealed in the future, so still full.
    #expect(store.state == "release_due")
    #expect(store.packages?.map(\.state) == ["release_due", "holding"])
    #expect(status.alarms.isEmpty)
    let provenance = try #require(status.detectors.first?.provenance)
    #expect(provenance.sensitivityCpmPerUSvH == 106.1)
    #expect(provenance.calibrationNuclide == "Cs-137")
    #expect(provenance.energyCorrected == false)
  }

  @Test func occupiedRoomDoseDecaysUnderScaledTime() async throws {
    let ward = """
      [[detector]]
      id = "r1"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = 106.0
      dead_time_s = 0.00019  # the SBM-20's (tube table)
        [detector.simulated]
        [[detector.simulated.source]]
        dose_rate_usv_h = 40.0
        half_life_h = 2.0

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["r1"]
      warn_usv_h = 100.0
      alarm_usv_h = 200.0
      state = "occupied"
      """
    // The cadence of 3600 simulated seconds per real second, on a manual clock (a stale
    // detector on a loaded machine would make the room `fault`).
    let daemon = try await TestDaemon.start(ward, timeScale: 3600, manualTime: true)
    var first: Double?
    try await daemon.advance("a first dose rate", step: 900, limit: 4 * 3600) {
      first = try await daemon.status().locations.first?.doseRateUSvH
      return first != nil
    }
    let start = try #require(first)
    try await daemon.advance("the dose rate below half of \(start)", step: 900, limit: 8 * 3600) {
      guard let now = try await daemon.status().locations.first?.doseRateUSvH else { return false }
      return now < start / 2
    }
    let final = try await daemon.status()
    #expect(final.locations.first?.state == "occupied")
  }

  @Test func silentDetectorPutsRoomInFaultAndAlarm() async throws {
    let ward = """
      [[detector]]
      id = "dead"
      driver = "simulated"
      tube = "SBM-20"
        [detector.simulated]
        [[detector.simulated.fault]]
        kind = "silence"
        start_h = 0.0

      [[location]]
      id = "room-2"
      kind = "isolation_room"
      detectors = ["dead"]
      warn_usv_h = 2.0
      alarm_usv_h = 10.0
      state = "clear"
      """
    let daemon = try await TestDaemon.start(ward, timeScale: 600)
    try await eventually("the silent detector is a fault") {
      try await daemon.status().detectors.first?.state == "fault"
    }
    for _ in 0..<10 {
      let status = try await daemon.status()
      let room = try #require(status.locations.first)
      #expect(room.state == "fault")
      #expect(room.alarm == "alarm")
      #expect(status.detectors.first?.doseRateUSvH == nil, "a dead tube has no dose rate, not 0")
      #expect(status.alarms.contains { $0.kind == "fault" && $0.detector == "dead" })
      try await Task.sleep(for: .milliseconds(100))
    }
  }

  @Test func disconnectedDetectorFaultsItsStoreAndRecovers() async throws {
    let ward = """
      [[detector]]
      id = "store"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = 106.0
      dead_time_s = 0.00019  # the SBM-20's (tube table)
        [detector.simulated]
        background_usv_h = 1.0
        [[detector.simulated.fault]]
        kind = "disconnect"
        start_h = 0.5
        duration_h = 0.5

      [[location]]
      id = "store"
      kind = "waste_store"
      detectors = ["store"]
      warn_usv_h = 10.0
      alarm_usv_h = 50.0
      """
    // Unplugged from 0.5 h to 1 h of clock time, on a manual clock: on scaled wall time a
    // slow start could miss the window.
    let daemon = try await TestDaemon.start(ward, timeScale: 600, manualTime: true)
    try await daemon.advance("the detector disconnected", step: 60, limit: 3000) {
      try await daemon.status().detectors.first?.state == "disconnected"
    }
    let during = try await daemon.status()
    #expect(during.locations.first?.state == "fault")
    #expect(during.locations.first?.alarm == "alarm")
    try await daemon.advance("the detector back", step: 60, limit: 3600) {
      try await daemon.status().detectors.first?.state == "ok"
    }
    let after = try await daemon.status()
    #expect(after.locations.first?.state == "holding")
  }
}

@Suite(.stopsDaemons) struct OverRangeDaemonTests {
  @Test func overRangeCounterAlarmsAndSaysSo() async throws {
    // 5 mSv/h on an SBM-20 (106.1 cpm per µSv/h, τ 190 µs): 8840 cps true, 3300 cps observed,
    // dead fraction 0.63: beyond the 0.3 limit.
    let ward = """
      [[detector]]
      id = "hot"
      driver = "simulated"
      tube = "SBM-20"
        [detector.simulated]
        [[detector.simulated.source]]
        dose_rate_usv_h = 5000.0
        half_life_h = 1000.0

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["hot"]
      warn_usv_h = 100.0
      alarm_usv_h = 1000.0
      state = "occupied"
      """
    let daemon = try await TestDaemon.start(ward)
    try await eventually("the counter is over range") {
      try await daemon.status().detectors.first?.reason?.hasPrefix("over-range") == true
    }
    let status = try await daemon.status()
    #expect(status.detectors.first?.state == "fault")
    #expect(
      status.detectors.first?.doseRateUSvH == nil, "no number where the counter cannot measure")
    #expect(status.locations.first?.state == "fault")
    #expect(status.locations.first?.alarm == "alarm")
    #expect(status.locations.first?.doseAlarm == "alarm")
    let dose = try #require(status.alarms.first { $0.kind == "dose" })
    #expect(dose.level == "alarm")
    #expect(dose.detector == "hot")
    #expect(dose.message.contains("above its measuring range"))
  }

  @Test func alarmsClearanceAndEnergyCorrectionAreServed() async throws {
    // room-hot: Lu-177 patient at 40 µSv/h as an M4011 reads it, alarm at 20 µSv/h. With the
    // tube's Lu-177 response (3.516) the corrected rate is about 11.4 µSv/h: warn, not alarm.
    // room-clean: 0.1 µSv/h after discharge, clearance level 0.5: decided below.
    let ward = """
      [[detector]]
      id = "hot"
      driver = "simulated"
      tube = "M4011"
      dead_time_s = 0.0001  # stand-in: no published M4011 figure; immaterial at 72 cps
      energy_response = "tube"
      background = { counts = 540, seconds = 3000 }
        [detector.simulated]
        background_usv_h = 0.1
        [[detector.simulated.source]]
        dose_rate_usv_h = 40.0
        nuclide = "Lu-177"

      [[detector]]
      id = "clean"
      driver = "simulated"
      tube = "SBM-20"
      background = { counts = 530, seconds = 3000 }
        [detector.simulated]
        background_usv_h = 0.1

      [[location]]
      id = "room-hot"
      kind = "isolation_room"
      detectors = ["hot"]
      warn_usv_h = 5.0
      alarm_usv_h = 20.0
      state = "occupied"
      nuclide = "Lu-177"

      [[location]]
      id = "room-clean"
      kind = "isolation_room"
      detectors = ["clean"]
      warn_usv_h = 5.0
      alarm_usv_h = 20.0
      state = "awaiting_clearance"
      clear_usv_h = 0.5
      """
    // On a manual clock: the reads below need both detectors reading (not stale).
    let daemon = try await TestDaemon.start(ward, timeScale: 60, manualTime: true)
    try await daemon.advance("room-clean decided below and room-hot warning", step: 15, limit: 3600)
    {
      let status = try await daemon.status()
      return status.locations.first { $0.id == "room-clean" }?.clearance?.decision == "below"
        && status.locations.first { $0.id == "room-hot" }?.doseAlarm == "warn"
    }
    let status = try await daemon.status()
    let hot = try #require(status.locations.first { $0.id == "room-hot" })
    #expect(hot.energyCorrected == true)
    #expect(hot.energyCorrection?.nuclide == "Lu-177")
    #expect(hot.energyCorrection?.factor == 3.516)
    let hotDose = try #require(hot.doseRateUSvH)
    #expect(hotDose > 8 && hotDose < 15, "corrected, not the 40 µSv/h as read")
    #expect(hot.clearance == nil, "an occupied room has no clearance decision")
    let warn = try #require(status.alarms.first { $0.kind == "dose" && $0.location == "room-hot" })
    #expect(warn.level == "warn")
    let evidence = try #require(warn.evidence)
    #expect(["cusum_fast", "cusum_steady", "lower_bound"].contains(evidence.method))
    #expect(evidence.thresholdUSvH == 5)
    #expect(warn.message.contains("reached the warn level"))

    let clean = try #require(status.locations.first { $0.id == "room-clean" })
    let clearance = try #require(clean.clearance)
    #expect(clearance.limitUSvH == 0.5)
    #expect(try #require(clearance.upper95USvH) < 0.5)
    #expect(clean.state == "awaiting_clearance", "deciding below does not clear the room")
    #expect(clean.energyCorrected == false)

    let detector = try #require(status.detectors.first { $0.id == "clean" })
    let provenance = try #require(detector.provenance)
    #expect(provenance.deadTimeModel == "non_paralyzable")
    let net = try #require(provenance.net)
    #expect(net.backgroundCounts == 530)
    #expect(net.decisionThresholdUSvH > 0 && net.detectionLimitUSvH > net.decisionThresholdUSvH)
    #expect(abs(net.doseRateUSvH) < 0.1)
  }
}
