import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// A one-detector, one-room configuration with `extra` lines in the detector table and
/// `room` lines in the room. The M4011 has no published dead time, so the ward gives a
/// stand-in 100 µs unless `extra` gives its own.
private func ward(_ extra: String, room: String = "") -> String {
  """
  [[detector]]
  id = "d1"
  driver = "simulated"
  tube = "M4011"
  \(extra.contains("dead_time_s =") ? "" : "dead_time_s = 0.0001")
  \(extra)

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["d1"]
  warn_usv_h = 5.0
  alarm_usv_h = 20.0
  \(room)
  """
}

private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
  try ConfigLoader.parse(text, path: "ward.toml")
}

private func error(_ text: String) -> ConfigError? { configError(text) }

@Suite struct CalibrationConfigTests {
  @Test func calibrationModelKeys() throws {
    let config = try load(
      ward(
        """
        dead_time_s = 0.0001
        dead_time_model = "paralyzable"
        calibration_date = 2026-03-01
        intrinsic_background_cps = 0.05
        max_cps = 5000
        energy_response = "tube"

        [detector.background]
        counts = 530
        seconds = 3000
        measured_at = 2026-11-20T10:00:00Z
        """, room: "nuclide = \"Lu-177\"\nfalse_alarms_per_year = 0.5"))
    let calibration = try #require(config.detectors.first).calibration
    #expect(calibration.deadTimeModel == .paralyzable)
    #expect(calibration.deadTimeSeconds == 0.0001)
    #expect(calibration.calibratedOn == Date(timeIntervalSince1970: 1_772_323_200))
    #expect(calibration.intrinsicBackgroundCPS == 0.05)
    #expect(calibration.maxObservedCPS == 5000)
    #expect(calibration.energyResponse?.factors["Lu-177"] == 3.516)
    #expect(calibration.energyResponse?.source == TubeTable.energyResponseSource)
    #expect(
      calibration.background
        == BackgroundMeasurement(
          counts: 530, seconds: 3000, measuredAt: Date(timeIntervalSince1970: 1_795_168_800)))
    #expect(config.locations.first?.falseAlarmsPerYear == 0.5)
  }

  @Test func energyResponseTable() throws {
    let config = try load(
      ward(
        """
        energy_response = { "Lu-177" = 3.1, "I-131" = 0.95 }
        energy_response_source = "site check with a Lu-177 vial, 2026-10"
        background = { counts = 100, seconds = 600 }
        """))
    let response = try #require(config.detectors.first?.calibration.energyResponse)
    #expect(response.factors == ["Lu-177": 3.1, "I-131": 0.95])
    #expect(response.source == "site check with a Lu-177 vial, 2026-10")
  }

  @Test func energyResponseErrors() throws {
    let noBackground = try #require(error(ward("energy_response = \"tube\"")))
    #expect(noBackground.keyPath == "detector[0].background")
    #expect(noBackground.message.contains("needs the detector's [detector.background]"))

    let noSource = try #require(
      error(
        ward("energy_response = { \"Lu-177\" = 3.1 }\nbackground = { counts = 1, seconds = 1 }")))
    #expect(noSource.keyPath == "detector[0].energy_response_source")

    let badNuclide = try #require(
      error(
        ward(
          "energy_response = { \"Lu-999\" = 3.1 }\nenergy_response_source = \"x\"\n"
            + "background = { counts = 1, seconds = 1 }")))
    #expect(badNuclide.keyPath == "detector[0].energy_response.Lu-999")

    let negative = try #require(
      error(
        ward(
          "energy_response = { \"Lu-177\" = -1 }\nenergy_response_source = \"x\"\n"
            + "background = { counts = 1, seconds = 1 }")))
    #expect(negative.message.contains("must be greater than 0"))

    let word = try #require(error(ward("energy_response = \"table\"")))
    #expect(word.message.contains("must be \"tube\" or a table"))
  }

  @Test func calibrationKeyErrors() throws {
    let model = try #require(error(ward("dead_time_model = \"sticky\"")))
    #expect(model.keyPath == "detector[0].dead_time_model")
    #expect(model.message.contains("non_paralyzable, paralyzable"))

    let date = try #require(error(ward("calibration_date = \"March\"")))
    #expect(date.message.contains("a date such as 2026-03-01"))

    let seconds = try #require(error(ward("background = { counts = 10, seconds = 0 }")))
    #expect(seconds.keyPath == "detector[0].background.seconds")

    let rate = try #require(error(ward("", room: "false_alarms_per_year = 0")))
    #expect(rate.keyPath == "location[0].false_alarms_per_year")
  }

  @Test func engineInstallsLocationTests() throws {
    // The room's warn/alarm thresholds and clearance level become tests on its detector, with
    // the energy correction applied to their design rates.
    let config = try load(
      ward(
        "energy_response = \"tube\"\nbackground = { counts = 530, seconds = 3000 }",
        room: "nuclide = \"Lu-177\""))
    let location = try #require(config.locations.first)
    let detector = try #require(config.detectors.first)
    let tests = LocationMonitor.tests(location, detector: "d1", calibration: detector.calibration)
    #expect(tests.thresholds.map(\.key) == ["room-1/warn", "room-1/alarm"])
    #expect(tests.limits.map(\.key) == ["room-1"])
    let plain = ThresholdTest(thresholdUSvH: 20, calibration: detector.calibration)
    // Lu-177 reads 3.5× high on an M4011, so the corrected alarm needs more counts.
    #expect(tests.thresholds[1].test.fast.lambda1 > 3 * plain.fast.lambda1)
  }
}
