import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// A Lu-177 patient arriving 2 simulated hours after start at 150 µSv/h (as the detector reads
/// it, which a handheld calibration then equates with 1 m), clearing with a 10 h effective
/// half-life; the US default limit for Lu-177 is 87 µSv/h at 1 m (10 CFR 35.75 formula).
private let ward = """
  [[detector]]
  id = "r1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1
    [[detector.simulated.source]]
    dose_rate_usv_h = 150.0
    half_life_h = 10.0
    start_h = 2.0

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["r1"]
  warn_usv_h = 500.0
  alarm_usv_h = 1000.0
  state = "clear"
  clear_usv_h = 500.0  # never reverts by itself, however late the test admits the patient
  release_preset = "us-default"
  """

@Suite(.serialized, .stopsDaemons) struct ReleaseDaemonTests {
  @Test func releaseEligibilityAndPredictionFollowThePatient() async throws {
    // On manual time at the cadence of 3600× real time (an evaluation every 900 clock seconds, a
    // reading every 720): the patient arrives 2 h after start and falls to the limit about 8 h
    // later.
    let daemon = try await TestDaemon.start(ward, timeScale: 3600, manualTime: true)
    let clock = try #require(daemon.manualClock)
    _ = try await daemon.send(
      RoomAdmitRequest(
        id: .number(1), room: "room-1", patient: "P-1", nuclide: "Lu-177", activityBq: 7.4e9,
        at: nil), as: RoomReply.self)
    // Before calibration there is no geometry: never eligible, and it says why.
    let uncalibrated = try #require(
      try await daemon.send(
        RoomRequest(id: .number(2), command: .roomShow, room: "room-1"), as: RoomReply.self
      ).room.release)
    #expect(!uncalibrated.eligible)
    #expect(isClose(uncalibrated.limitUSvH, 86.96, rel: 1e-3))
    try await daemon.advance("the patient in the room", step: 900, limit: 4 * 3600) {
      try await daemon.status().locations.first?.doseRateUSvH ?? 0 > 100
    }
    let reading = try #require(try await daemon.status().locations.first?.doseRateUSvH)
    _ = try await daemon.send(
      RoomCalibrateRequest(id: .number(3), room: "room-1", at1mUSvH: reading), as: RoomReply.self)
    var release = ReleaseStatus(eligible: false, reason: "")
    try await daemon.advance(
      "a prediction from the fitted clearance curve", step: 900, limit: 4 * 3600
    ) {
      let status = try await daemon.status()
      release = try #require(status.locations.first?.release)
      return release.predictedAt != nil && (release.samples ?? 0) >= 5
    }
    // The true dose rate reaches the limit 2 h + 10 h × log2(150 / 86.96) after start.
    let crossing = (2 + 10 * log2(150 / 86.96)) * 3600
    #expect(clock.seconds < crossing - 3600, "the prediction came late: \(clock.seconds) s")
    let limitUpper = try #require(release.ci95USvH?[1])
    #expect(!release.eligible, "\(release.reason)")
    #expect(limitUpper > 86.96173944349704)
    #expect(release.distanceM == 1)
    let halfLife = try #require(release.effectiveHalfLifeH)
    // Within its own stated uncertainty (few samples over a short span early on).
    let uncertainty = try #require(release.effectiveHalfLifeUncertaintyH)
    #expect(
      abs(halfLife - 10) <= 3 * uncertainty + 0.5,
      "fitted \(halfLife) ± \(uncertainty) h for a 10 h clearance")
    #expect(release.slowClearance == false)
    let now = try await daemon.status().time
    let dose = try #require(release.doseRateUSvH)
    let expected = log2(dose / 86.96) * 10 * 3600
    let predicted = try #require(release.predictedAt).timeIntervalSince(now)
    // The prediction's own interval holds the time the true curve needs.
    let earliest = try #require(release.predictedEarliest).timeIntervalSince(now)
    let latest = release.predictedLatest.map { $0.timeIntervalSince(now) } ?? .infinity
    #expect(
      earliest - 1800 <= expected && expected <= latest + 1800,
      "\(expected) s outside [\(earliest), \(latest)] (central \(predicted))")

    try await daemon.advance(
      "eligible once the upper bound is below the limit", step: 900,
      limit: 12 * 3600
    ) {
      try await daemon.status().locations.first?.release?.eligible == true
    }
    // Eligible on the upper bound: not before the true dose rate is below the limit.
    #expect(clock.seconds >= crossing, "eligible at \(clock.seconds) s, before \(crossing) s")
    let shown = try await daemon.send(
      RoomRequest(id: .number(4), command: .roomShow, room: "room-1"), as: RoomReply.self
    ).room
    #expect(shown.release?.eligible == true)
    #expect(try #require(shown.release?.ci95USvH?[1]) <= 86.96)
  }

  @Test func releaseRulesInConfigAreChecked() throws {
    func error(_ room: String) -> ConfigError? {
      let text = """
        [[detector]]
        id = "r1"
        driver = "simulated"
        tube = "SBM-20"

        [[location]]
        id = "room-1"
        kind = "isolation_room"
        detectors = ["r1"]
        warn_usv_h = 5.0
        alarm_usv_h = 20.0
        \(room)
        """
      return configError(text)
    }
    #expect(error("release_preset = \"us-default\"") == nil)
    #expect(
      error("release_preset = \"de-i131\"\nnuclide = \"Lu-177\"")?.message.contains("I-131") == true
    )
    #expect(error("release_preset = \"eu\"")?.message.contains("unknown release preset") == true)
    #expect(error("release_limit_usv_h = 20.0") == nil, "the contract's minimal site limit")
    #expect(
      error("release_distance_m = 1.0")?.keyPath == "location[0].release_limit_usv_h",
      "a distance without a limit")
    #expect(
      error(
        "release_limit_usv_h = 20.0\nrelease_distance_m = 3.0\nrelease_limit_source = \"licence\"")
        != nil)
    #expect(
      error(
        "release_limit_usv_h = 20.0\nrelease_distance_m = 1.0\nrelease_limit_source = \"licence\"")
        == nil)
  }
}

private func isClose(_ value: Double?, _ expected: Double, rel: Double) -> Bool {
  guard let value else { return false }
  return abs(value - expected) <= rel * abs(expected)
}
