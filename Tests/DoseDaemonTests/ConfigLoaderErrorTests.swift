import DetectorDrivers
import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// What a configuration that does not load is told: the file, the line, the key path and what
/// was expected.
@Suite struct ConfigLoaderErrorTests {
  @Test func syntaxErrorReportsItsLine() {
    expectConfigError(
      """
      [[detector]]
      id = "room-1-ceiling
      driver = "simulated"
      """, keyPath: "", line: 2, "invalid TOML")
  }

  @Test func wrongTypeSaysWhatWasExpectedAndFound() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = "abc"
      """, keyPath: "detector[0].sensitivity_cpm_per_usv_h", line: 4,
      #"expected a number, found a string "abc""#)
  }

  @Test func integerExpectedForSeed() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
        [detector.simulated]
        seed = 1.5
      """, keyPath: "detector[0].simulated.seed", line: 6,
      "expected an integer, found a floating-point number 1.5")
  }

  @Test func missingRequiredKeyPointsAtItsTable() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d"]
      alarm_usv_h = 20.0
      """, keyPath: "location[0].warn_usv_h", line: 6, "missing required key 'warn_usv_h'")
  }

  @Test func missingSensitivityWithoutTube() {
    expectConfigError(
      """
      [daemon]
      log_level = "debug"

      [[detector]]
      id = "d"
      driver = "simulated"
      """, keyPath: "detector[0].sensitivity_cpm_per_usv_h", line: 4,
      "missing required key 'sensitivity_cpm_per_usv_h' (or name a tube: SBM-20")
  }

  @Test func unknownKeyTypo() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      sensitivty_cpm_per_usv_h = 106.0
      """, keyPath: "detector[0].sensitivty_cpm_per_usv_h", line: 4,
      "unknown key 'sensitivty_cpm_per_usv_h' (expected one of: id, driver, tube, "
        + "sensitivity_cpm_per_usv_h,")
  }

  @Test func unknownKeyInNestedArrayOfTablesHasIndexedPath() {
    expectConfigError(
      """
      [[detector]]
      id = "a"
      driver = "simulated"
      tube = "SBM-20"

      [[detector]]
      id = "b"
      driver = "simulated"
      tube = "SBM-20"
        [[detector.simulated.source]]
        dose_rate_usv_h = 1.0
        nuclide = "Lu-177"
        [[detector.simulated.source]]
        dose_rate_usv_h = 1.0
        nuclide = "Lu-177"
        end = 4.0
      """, keyPath: "detector[1].simulated.source[1].end", line: 16,
      "unknown key 'end' (expected one of: dose_rate_usv_h, nuclide, half_life_h, start_h, end_h)")
  }

  @Test func unknownTopLevelKey() {
    expectConfigError(
      """
      [daemon]
      socket = "/tmp/s"

      [detectors]
      id = "d"
      """, keyPath: "detectors", line: 4,
      "unknown key 'detectors' (expected one of: daemon, simulation, detector, location, metrics)")
  }

  @Test func singleTableInsteadOfArrayOfTables() {
    expectConfigError(
      """
      [detector]
      id = "d"
      """, keyPath: "detector", line: 1,
      "expected an array of tables ([[detector]] sections), found a table")
  }

  @Test func unknownDriverListsKnownDrivers() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "geiger-o-matic"
      """, keyPath: "detector[0].driver", line: 3,
      "unknown driver 'geiger-o-matic' (known drivers: "
        + DriverCatalog.all.map(\.name).joined(separator: ", ") + ")")
  }

  @Test func unknownTubeListsKnownTubes() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-21"
      """, keyPath: "detector[0].tube", line: 4,
      "unknown tube 'SBM-21' (known tubes: SBM-20, SBM-19, SI-29BG, J305, M4011, LND-7317")
  }

  @Test func unknownNuclideInSimulatedSource() {
    expectConfigError(
      """
      [[detector]]
      id = "a"
      driver = "simulated"
      tube = "SBM-20"

      [[detector]]
      id = "b"
      driver = "simulated"
      tube = "SBM-20"
        [detector.simulated]
        seed = 3
        [[detector.simulated.source]]
        dose_rate_usv_h = 30.0
        nuclide = "Lu-178"
      """, keyPath: "detector[1].simulated.source[0].nuclide", line: 14,
      "unknown nuclide 'Lu-178' (known: Lu-177, Lu-177m,")
  }

  @Test func unknownCalibrationNuclide() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
      calibration_nuclide = "Cs137x"
      """, keyPath: "detector[0].calibration_nuclide", line: 5, "unknown nuclide 'Cs137x'")
  }

  @Test func sourceNeedsExactlyOneOfNuclideAndHalfLife() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
        [[detector.simulated.source]]
        dose_rate_usv_h = 30.0
        nuclide = "Lu-177"
        half_life_h = 100
      """, keyPath: "detector[0].simulated.source[0].half_life_h", line: 8,
      "give either nuclide or half_life_h, not both")
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
        [[detector.simulated.source]]
        dose_rate_usv_h = 30.0
      """, keyPath: "detector[0].simulated.source[0].nuclide", line: 5,
      "missing required key 'nuclide' (or give half_life_h)")
  }

  @Test func deadTimeOutOfRange() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
      dead_time_s = 190
      """, keyPath: "detector[0].dead_time_s", line: 5,
      "must be at least 0 and less than 0.01 s")
  }

  @Test func staleAfterMustExceedInterval() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
      reading_interval_s = 5
      stale_after_s = 5
      """, keyPath: "detector[0].stale_after_s", line: 6,
      "must be greater than reading_interval_s (5 s), found 5")
  }

  @Test func invalidDetectorID() {
    expectConfigError(
      """
      [[detector]]
      id = "room 1"
      driver = "simulated"
      """, keyPath: "detector[0].id", line: 2, #"invalid id "room 1""#)
  }

  @Test func duplicateDetectorIDs() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
      """, keyPath: "detector[1].id", line: 7, "duplicate detector id 'd' (also detector[0])")
  }

  @Test func duplicateLocationIDs() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20
      """, keyPath: "location[1].id", line: 14, "duplicate location id 'room'")
  }

  @Test func locationReferencingUnknownDetector() {
    expectConfigError(
      """
      [[detector]]
      id = "room-1-ceiling"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = [
        "room-1-ceiling",
        "room-1-door",  # not configured
      ]
      warn_usv_h = 5.0
      alarm_usv_h = 20.0
      """, keyPath: "location[0].detectors[1]", line: 9,
      "unknown detector 'room-1-door' (configured detectors: room-1-ceiling)")
  }

  @Test func noDetectorsAtAll() {
    expectConfigError(
      """
      [daemon]
      log_level = "info"
      """, keyPath: "detector", line: nil, "at least one [[detector]] is required")
  }

  @Test func alarmMustExceedWarn() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 20.0
      alarm_usv_h = 20
      """, keyPath: "location[0].alarm_usv_h", line: 11,
      "must be greater than warn_usv_h (20), found 20")
  }

  @Test func hysteresisOutOfRange() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20
      hysteresis = 0.75
      """, keyPath: "location[0].hysteresis", line: 12, "must be between 0 and 0.5, found 0.75")
  }

  @Test func unknownRoomState() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20
      state = "vacant"
      """, keyPath: "location[0].state", line: 12,
      "unknown room state 'vacant' (expected one of: occupied, awaiting_clearance, clear)")
  }

  /// A waste store with the isolation room `[[location]]` first, so the index is 1.
  private func store(_ packages: String) -> String {
    """
    [[detector]]
    id = "d"
    driver = "simulated"
    tube = "SBM-20"

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["d"]
    warn_usv_h = 5
    alarm_usv_h = 20

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["d"]
    warn_usv_h = 10
    alarm_usv_h = 50

    """ + packages
  }

  @Test func isolationRoomKeyOnWasteStore() {
    // Lines 1–18 come from `store`; the argument starts on line 19.
    expectConfigError(
      store(
        """
        state = "clear"
        """), keyPath: "location[1].state", line: 19,
      "'state' applies only to isolation_room locations (this location is a waste_store)")
  }

  @Test func wasteStoreKeyOnIsolationRoom() {
    expectConfigError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20
        [[location.package]]
        id = "W-1"
      """, keyPath: "location[0].package", line: 12,
      "'package' applies only to waste_store locations (this location is a isolation_room)")
  }

  @Test func mixtureFractionsMustSumToOne() {
    expectConfigError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclide = "I-131"
          sealed_at = 2026-11-20T10:00:00Z
          surface_usv_h = 12.0
          [[location.package]]
          id = "W-2"
          nuclides = { "Lu-177" = 0.99, "Lu-177m" = 0.001 }
          sealed_at = 2026-11-20T10:00:00Z
          surface_usv_h = 12.0
        """), keyPath: "location[1].package[1].nuclides", line: 26,
      "fractions must sum to 1 (within 1e-6), found 0.991")
  }

  @Test func unknownNuclideInMixture() {
    expectConfigError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclides = { "Lu-177" = 0.5, "Xx-1" = 0.5 }
        """), keyPath: "location[1].package[0].nuclides.Xx-1", line: 21,
      "unknown nuclide 'Xx-1'")
  }

  @Test func nuclideAndNuclidesBothGiven() {
    expectConfigError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclide = "Lu-177"
          nuclides = { "Lu-177" = 1.0 }
          sealed_at = 2026-11-20T10:00:00Z
          surface_usv_h = 12.0
        """), keyPath: "location[1].package[0].nuclides", line: 22,
      "give either nuclide (a single nuclide) or nuclides (a mixture), not both")
  }

  @Test func duplicatePackageIDsInStore() {
    expectConfigError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclide = "I-131"
          sealed_at = 2026-11-20T10:00:00Z
          surface_usv_h = 12.0
          [[location.package]]
          id = "W-1"
          nuclide = "I-131"
          sealed_at = 2026-11-21T10:00:00Z
          surface_usv_h = 10.0
        """), keyPath: "location[1].package[1].id", line: 25, "duplicate package id 'W-1'")
  }

  @Test func localDateTimeIsRefused() {
    let text = store(
      """
        [[location.package]]
        id = "W-1"
        nuclide = "I-131"
        sealed_at = 2026-11-20T10:00:00
        surface_usv_h = 12.0
      """)
    expectConfigError(
      text, keyPath: "location[1].package[0].sealed_at", line: 22,
      "(with Z or a UTC offset), found a local date-time 2026-11-20T10:00:00")
    // Printed without the "Z" TOMLKit's own description would add.
    #expect(configLoadError(text)?.message.hasSuffix("local date-time 2026-11-20T10:00:00") == true)
  }

  @Test func missingSealedAtPointsAtPackageHeader() {
    expectConfigError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclide = "I-131"
          surface_usv_h = 12.0
        """), keyPath: "location[1].package[0].sealed_at", line: 19,
      "missing required key 'sealed_at'")
  }

  @Test func unreadableFile() {
    let path = "/nonexistent-dosed-test/dosed.toml"
    do {
      _ = try ConfigLoader.load(path: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.file == path)
      #expect(error.line == nil)
      #expect(error.keyPath == "")
      #expect(error.message == "cannot read: No such file or directory")
      #expect(error.description == "\(path): cannot read: No such file or directory")
    }
  }

  @Test func errorDescriptionFormat() {
    let full = ConfigError(
      file: "w.toml", line: 7, keyPath: "detector[1].tube", message: "unknown tube 'X'")
    #expect(full.description == "w.toml:7: detector[1].tube: unknown tube 'X'")
    let noLine = ConfigError(file: "w.toml", line: nil, keyPath: "detector", message: "m")
    #expect(noLine.description == "w.toml: detector: m")
  }
}
