import Testing

@testable import DoseDaemon

/// Issue 15, finding 6: a level below the range the false-alarm budget was verified for is
/// said, with the figure.
struct AlarmBudgetWarningTests {
  private func ward(tube: String, warn: Double) -> String {
    """
    [[detector]]
    id = "d1"
    driver = "simulated"
    tube = "\(tube)"
    dead_time_s = 0.0001
      [detector.simulated]
      background_usv_h = 0.05

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["d1"]
    warn_usv_h = \(warn)
    alarm_usv_h = 20.0
    state = "clear"
    """
  }

  @Test func aLevelBelowTheVerifiedCornerIsWarnedAboutWithItsFigure() throws {
    let low = try ConfigLoader.parse(ward(tube: "SI-3BG", warn: 0.1), path: "t.toml")
    let warnings = low.alarmBudgetWarnings
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("room-1") == true)
    #expect(warnings.first?.contains("0.327 cpm") == true)
    // The corner itself and a sensitive tube at a low level are within what was verified.
    #expect(
      try ConfigLoader.parse(ward(tube: "SI-3BG", warn: 0.25), path: "t.toml")
        .alarmBudgetWarnings.isEmpty)
    #expect(
      try ConfigLoader.parse(ward(tube: "SBM-20", warn: 0.1), path: "t.toml")
        .alarmBudgetWarnings.isEmpty)
  }
}
