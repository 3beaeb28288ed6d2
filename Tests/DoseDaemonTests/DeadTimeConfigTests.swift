import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// Issue 15, finding 1: every detector has a dead time from a cited source or from the
/// configuration; a missing one is a configuration error naming `dead_time_s`, never 0 (with
/// τ = 0 the over-range and fold-back rules cannot fire and a saturated tube reads low).
@Suite struct DeadTimeConfigTests {
  /// One detector (`lines` in its table) watching one room.
  func ward(_ lines: String) -> String {
    """
    [[detector]]
    id = "d"
    \(lines)

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["d"]
    warn_usv_h = 5.0
    alarm_usv_h = 20.0
    """
  }

  /// Every built-in tube either brings a cited dead time or is refused without one.
  @Test(arguments: TubeTable.all.map(\.name))
  func aTubeWithoutAPublishedDeadTimeIsRefusedWithoutOne(name: String) throws {
    let tube = try #require(TubeTable.lookup(name))
    let text = ward("driver = \"simulated\"\ntube = \"\(name)\"")
    if let tau = tube.deadTimeSeconds {
      let config = try ConfigLoader.parse(text, path: "ward.toml")
      #expect(config.detectors[0].calibration.deadTimeSeconds == tau)
      #expect(tau > 0)
    } else {
      let error = try #require(configError(text), "\(name) loaded without a dead time")
      #expect(error.keyPath == "detector[0].dead_time_s", "\(error)")
      #expect(error.line == 1, "\(error)")  // the detector's table, where the key belongs
      #expect(error.message.contains("missing required key 'dead_time_s'"), "\(error)")
      #expect(error.message.contains(name), "\(error)")
      // With one configured it loads, with that value.
      let config = try ConfigLoader.parse(
        ward("driver = \"simulated\"\ntube = \"\(name)\"\ndead_time_s = 0.0001"),
        path: "ward.toml")
      #expect(config.detectors[0].calibration.deadTimeSeconds == 0.0001)
    }
  }

  /// A bare sensitivity says nothing about the tube: the dead time must be given.
  @Test(arguments: [
    "driver = \"simulated\"",
    "driver = \"gmc\"\nport = \"/dev/ttyUSB0\"",
    "driver = \"mightyohm\"\nport = \"/dev/ttyUSB0\"",
    "driver = \"modbus\"\nport = \"/dev/ttyUSB0\"\n[detector.modbus]\nregister = 0",
  ])
  func aBareSensitivityNeedsADeadTime(lines: String) throws {
    let text = ward("sensitivity_cpm_per_usv_h = 100.0\n" + lines)
    let error = try #require(configError(text), "loaded without a dead time: \(lines)")
    #expect(error.keyPath == "detector[0].dead_time_s", "\(error)")
    #expect(error.message.contains("missing required key 'dead_time_s'"), "\(error)")
    if lines.contains("modbus") {
      #expect(error.message.contains("dead-time-corrected rate"), "\(error)")
    }
  }

  /// The RadiaCode's own detector has a reported dead time (about 5 µs); it is used when the
  /// configuration gives none, as the Open Gamma Detector's 10 µs is.
  @Test func radiaCodeTakesItsReportedDeadTime() throws {
    let config = try ConfigLoader.parse(
      ward("driver = \"radiacode\"\nsensitivity_cpm_per_usv_h = 2000.0"), path: "ward.toml")
    #expect(config.detectors[0].calibration.deadTimeSeconds == 5e-6)
  }

  /// No loadable M4011 configuration lets a saturated tube read as in range: without a dead
  /// time it is refused; with one, an observed rate at mτ ≥ 0.3 is over-range.
  @Test(arguments: ["", "dead_time_s = 0.0001"])
  func aSaturatedM4011IsOverRange(deadTime: String) throws {
    let text = ward("driver = \"simulated\"\ntube = \"M4011\"\n" + deadTime)
    guard let config = try? ConfigLoader.parse(text, path: "ward.toml") else {
      #expect(
        deadTime.isEmpty, "refused with a dead time: \(configError(text).map { "\($0)" } ?? "")")
      return
    }
    let calibration = config.detectors[0].calibration
    var monitor = DetectorMonitor(id: "d", calibration: calibration)
    // 3500 cps observed: mτ = 0.35 for 100 µs; a few seconds of it.
    for second in 1...5 {
      monitor.ingest(
        Reading(
          detectorID: "d", counts: 3500, intervalSeconds: 1, monotonicSeconds: Double(second),
          wallTime: Date(timeIntervalSince1970: Double(second))))
    }
    let assessment = monitor.assess(now: 5)
    #expect(assessment.overRange, "M4011 at 3500 cps, τ = \(calibration.deadTimeSeconds) s")
    #expect(assessment.state == .fault)
  }
}
