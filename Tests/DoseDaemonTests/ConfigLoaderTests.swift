import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
  try ConfigLoader.parse(text, path: "ward.toml")
}

/// The error loading `text` gives, or nil (with a recorded issue) when it loads.
private func loadError(
  _ text: String, sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigError? {
  do {
    _ = try load(text)
    Issue.record(
      "expected a ConfigError, but the configuration loaded", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

/// Asserts the exact key path and line of the error loading `text`, and a fragment of its message.
private func expectError(
  _ text: String, keyPath: String, line: Int?, _ fragment: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let error = loadError(text, sourceLocation: sourceLocation) else { return }
  #expect(error.file == "ward.toml", sourceLocation: sourceLocation)
  #expect(error.keyPath == keyPath, "\(error)", sourceLocation: sourceLocation)
  #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
  #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
}

private func utc(_ text: String) -> Date {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime]
  return formatter.date(from: text)!
}

/// `config/NAME` in this repository.
private func repositoryConfig(_ name: String) -> String {
  URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // DoseDaemonTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // repository root
    .appendingPathComponent("config").appendingPathComponent(name).path
}

@Suite struct ConfigLoaderTests {
  // MARK: Configurations that load

  @Test func minimalConfigLoadsWithDefaults() throws {
    let config = try load(minimalWard)
    #expect(config.sourcePath == "ward.toml")
    #expect(config.daemon.socketPath == "/run/dosed/dosed.sock")
    #expect(config.daemon.stateDirectory == "/var/lib/dosed")
    #expect(config.daemon.logLevel == .info)
    #expect(config.simulation.startAt == nil)
    #expect(config.isFullySimulated)

    let detector = try #require(config.detectors.first)
    #expect(config.detectors.count == 1)
    #expect(detector.id == "room-1-ceiling")
    #expect(detector.driver == .simulated)
    #expect(detector.tube == nil)
    #expect(
      detector.calibration
        == Calibration(
          sensitivityCpmPerUSvH: 106, nuclide: "Cs-137",
          source: "site configuration (no source given)", deadTimeSeconds: 0.00019))
    #expect(detector.readingIntervalSeconds == 1)
    #expect(detector.staleAfterSeconds == nil)
    #expect(detector.minBackgroundUSvH == 0.05)
    #expect(detector.simulated == nil)

    let location = try #require(config.locations.first)
    #expect(config.locations.count == 1)
    #expect(location.id == "room-1")
    #expect(location.kind == .isolationRoom)
    #expect(location.detectors == ["room-1-ceiling"])
    #expect(location.warnUSvH == 5)
    #expect(location.alarmUSvH == 20)
    #expect(location.hysteresis == 0.1)
    #expect(location.initialOccupancy == .awaitingClearance)
    #expect(location.clearUSvH == 0.5)
    #expect(location.nuclide == nil)
    #expect(location.packages.isEmpty)
  }

  @Test func daemonSectionIsOptional() throws {
    let text = minimalWard.split(separator: "\n", omittingEmptySubsequences: false)
      .dropFirst(5).joined(separator: "\n")
    let config = try load(text)
    #expect(config.daemon == DaemonSection())
  }

  @Test func shippedReferenceConfigLoads() throws {
    let path = repositoryConfig("dosed.toml")
    let config = try ConfigLoader.load(path: path)
    #expect(config.sourcePath == path)
    #expect(
      config.detectors.map(\.id) == [
        "room-1-ceiling", "room-1-door", "room-2-ceiling", "room-2-door", "waste-store-ambient",
      ])
    #expect(config.locations.map(\.id) == ["room-1", "room-2", "waste-store"])
    #expect(config.locations.map(\.kind) == [.isolationRoom, .isolationRoom, .wasteStore])
    #expect(
      config.detectors.map(\.driver) == [.gmc, .radpro, .mightyohm, .modbus, .bgeigie])
    #expect(config.detectors[0].tube == "M4011")
    #expect(config.detectors[0].calibration.sensitivityCpmPerUSvH == 108.3)
    #expect(config.detectors[0].baud == .auto([115200, 57600]))
    #expect(config.detectors[0].staleAfterSeconds == 5)
    #expect(config.detectors[1].calibration.source.contains("Rad Lab"))
    #expect(config.detectors[3].modbus?.slave == 3)
    #expect(config.detectors[4].readingIntervalSeconds == 5)

    let store = config.locations[2]
    #expect(store.releaseSurfaceUSvH == 0.2)
    #expect(store.packages.map(\.id) == ["W-2026-031", "W-2026-032"])
    // 2026-11-21T09:30:00+01:00 is 08:30 UTC.
    #expect(store.packages[1].sealedAt == utc("2026-11-21T08:30:00Z"))
    // Carrier-added Lu-177: route ca, not eligible for decay-in-storage (issue 15).
    #expect(store.packages[1].lu177Route == .carrierAdded)
    #expect(!store.packages[1].eligibleForDecayInStorage)
  }

  @Test func shippedDemoWardLoads() throws {
    let config = try ConfigLoader.load(path: repositoryConfig("demo-ward.toml"))
    #expect(config.isFullySimulated)
    #expect(config.simulation.startAt == utc("2026-11-27T08:00:00Z"))

    let detectors = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    let ceiling = try #require(detectors["room-1-ceiling"])
    #expect(ceiling.tube == "SBM-20")
    let patient = try #require(ceiling.simulated?.sources.first)
    #expect(patient.doseRateUSvH == 25)
    #expect(patient.nuclide == "Lu-177")
    #expect(patient.halfLifeSeconds == NuclideTable.lookup("Lu-177")?.halfLifeSeconds)
    #expect(detectors["room-1-door"]?.simulated?.sources.first?.doseRateUSvH == 4)
    #expect(detectors["room-2-ceiling"]?.simulated == nil)
    #expect(
      detectors["room-2-door"]?.simulated?.faults
        == [SimulatedFaultConfig(kind: .silence, startHours: 2, durationHours: 0.5)])
    let ambient = try #require(detectors["waste-store-ambient"])
    #expect(ambient.tube == "LND-7317")
    #expect(ambient.calibration.deadTimeSeconds == 40e-6)
    #expect(ambient.simulated?.sources.compactMap(\.nuclide) == ["I-131", "Lu-177"])

    let locations = Dictionary(uniqueKeysWithValues: config.locations.map { ($0.id, $0) })
    let room1 = try #require(locations["room-1"])
    #expect(room1.initialOccupancy == .occupied)
    #expect(room1.nuclide == "Lu-177")
    #expect(room1.detectors == ["room-1-ceiling", "room-1-door"])
    #expect((room1.warnUSvH, room1.alarmUSvH) == (60, 200))
    let room2 = try #require(locations["room-2"])
    #expect(room2.initialOccupancy == .clear)
    #expect((room2.warnUSvH, room2.alarmUSvH) == (2, 10))
    let store = try #require(locations["waste-store"])
    #expect((store.warnUSvH, store.alarmUSvH) == (10, 50))
    #expect(store.packages.count == 4)
    let mixture = try #require(store.packages.first { $0.components.count == 2 })
    #expect(mixture.components.map(\.nuclide.symbol) == ["Lu-177", "Lu-177m"])
    // Issue 15, finding 7: 0.1 % Lu-177m activity as a dose share (Γ ratio 35.5): 3.4 %.
    #expect(mixture.components.map(\.fraction) == [0.966, 0.034])
    let lutetium = try #require(store.packages.first { $0.id == "W-1113-LU177" })
    #expect(lutetium.lu177Route == .noCarrierAdded)
    #expect(lutetium.eligibleForDecayInStorage)
    #expect(mixture.sealedAt == utc("2026-10-01T11:00:00Z"))
    #expect(mixture.surfaceUSvHAtSeal == 30)
    let iodine = try #require(
      store.packages.first { $0.components.first?.nuclide.symbol == "I-131" })
    #expect(iodine.components.map(\.fraction) == [1])
    #expect(iodine.sealedAt == utc("2026-09-20T09:00:00Z"))
  }

  @Test func tubeSuppliesCalibrationAndConfiguredValuesOverrideIt() throws {
    let config = try load(
      """
      [[detector]]
      id = "a"
      driver = "simulated"
      tube = "sbm-20"

      [[detector]]
      id = "b"
      driver = "simulated"
      tube = "SBM-20"
      sensitivity_cpm_per_usv_h = 100

      [[detector]]
      id = "c"
      driver = "simulated"
      tube = "J305"
      dead_time_s = 0.0001

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["a", "b", "c"]
      warn_usv_h = 5
      alarm_usv_h = 20
      """)
    let sbm20 = try #require(TubeTable.lookup("SBM-20"))
    let a = config.detectors[0]
    #expect(a.tube == "SBM-20")
    #expect(
      a.calibration
        == Calibration(
          sensitivityCpmPerUSvH: 106.1, nuclide: "Cs-137", source: sbm20.source,
          deadTimeSeconds: 190e-6, maxObservedCPS: 10_000))
    let b = config.detectors[1]
    #expect(b.calibration.sensitivityCpmPerUSvH == 100)
    #expect(b.calibration.source == "site configuration (no source given)")
    #expect(b.calibration.deadTimeSeconds == 190e-6)
    // J305: no published dead time, so the configured one (a missing one is an error,
    // DeadTimeConfigTests).
    #expect(config.detectors[2].calibration.deadTimeSeconds == 0.0001)
    #expect(config.detectors[2].calibration.sensitivityCpmPerUSvH == 135.2)
  }

  @Test func integersAreAcceptedWhereNumbersAreExpected() throws {
    let config = try load(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = 106
      dead_time_s = 0
      reading_interval_s = 2
        [detector.simulated]
        background_usv_h = 0
        [[detector.simulated.source]]
        dose_rate_usv_h = 30
        half_life_h = 48

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["d"]
      warn_usv_h = 5
      alarm_usv_h = 20
      hysteresis = 0
      """)
    #expect(config.detectors[0].calibration.sensitivityCpmPerUSvH == 106)
    #expect(config.detectors[0].readingIntervalSeconds == 2)
    #expect(config.detectors[0].simulated?.sources.first?.halfLifeSeconds == 48 * Time.hour)
    #expect(config.locations[0].warnUSvH == 5)
    #expect(config.locations[0].hysteresis == 0)
  }

  @Test func simulatedOptionsAndOffsetDateTimes() throws {
    let config = try load(
      """
      [simulation]
      start_at = 2026-11-27T09:00:00+01:00

      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
        [detector.simulated]
        seed = 7
        background_usv_h = 0.2
        [[detector.simulated.source]]
        dose_rate_usv_h = 30.0
        nuclide = "lu177"
        start_h = 1.5
        end_h = 48.0
        [[detector.simulated.fault]]
        kind = "disconnect"
        start_h = 3

      [[location]]
      id = "store"
      kind = "waste_store"
      detectors = ["d"]
      warn_usv_h = 10.0
      alarm_usv_h = 50.0
      release_surface_usv_h = 0.3
        [[location.package]]
        id = "W-1"
        nuclide = "i131"
        sealed_at = 2026-11-20T10:00:00-05:00
        surface_usv_h = 12.0
      """)
    #expect(config.simulation.startAt == utc("2026-11-27T08:00:00Z"))
    let options = try #require(config.detectors[0].simulated)
    #expect(options.seed == 7)
    #expect(options.backgroundUSvH == 0.2)
    let source = try #require(options.sources.first)
    #expect(source.nuclide == "Lu-177")
    #expect(source.halfLifeSeconds == 6.647 * 86_400)
    #expect(source.startHours == 1.5)
    #expect(source.endHours == 48)
    #expect(
      options.faults == [SimulatedFaultConfig(kind: .disconnect, startHours: 3, durationHours: nil)]
    )
    let store = config.locations[0]
    #expect(store.releaseSurfaceUSvH == 0.3)
    #expect(store.packages.first?.components.first?.nuclide.symbol == "I-131")
    #expect(store.packages.first?.sealedAt == utc("2026-11-20T15:00:00Z"))
  }

  @Test func detectorMayFeedSeveralLocationsOrNone() throws {
    let config = try load(
      """
      [[detector]]
      id = "shared"
      driver = "simulated"
      tube = "SBM-20"

      [[detector]]
      id = "spare"
      driver = "simulated"
      tube = "SBM-20"

      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["shared"]
      warn_usv_h = 5
      alarm_usv_h = 20

      [[location]]
      id = "room-2"
      kind = "isolation_room"
      detectors = ["shared"]
      warn_usv_h = 5
      alarm_usv_h = 20
      """)
    #expect(config.locations.map(\.detectors) == [["shared"], ["shared"]])
  }

  // MARK: Errors

  @Test func syntaxErrorReportsItsLine() {
    expectError(
      """
      [[detector]]
      id = "room-1-ceiling
      driver = "simulated"
      """, keyPath: "", line: 2, "invalid TOML")
  }

  @Test func wrongTypeSaysWhatWasExpectedAndFound() {
    expectError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      sensitivity_cpm_per_usv_h = "abc"
      """, keyPath: "detector[0].sensitivity_cpm_per_usv_h", line: 4,
      #"expected a number, found a string "abc""#)
  }

  @Test func integerExpectedForSeed() {
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
      """
      [daemon]
      socket = "/tmp/s"

      [detectors]
      id = "d"
      """, keyPath: "detectors", line: 4,
      "unknown key 'detectors' (expected one of: daemon, simulation, detector, location, metrics)")
  }

  @Test func singleTableInsteadOfArrayOfTables() {
    expectError(
      """
      [detector]
      id = "d"
      """, keyPath: "detector", line: 1,
      "expected an array of tables ([[detector]] sections), found a table")
  }

  @Test func unknownDriverListsKnownDrivers() {
    expectError(
      """
      [[detector]]
      id = "d"
      driver = "geiger-o-matic"
      """, keyPath: "detector[0].driver", line: 3,
      "unknown driver 'geiger-o-matic' (known drivers: simulated, gmc, radpro, mightyohm, gc10, "
        + "bgeigie, line, modbus, opengamma, radiacode)")
  }

  @Test func unknownTubeListsKnownTubes() {
    expectError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-21"
      """, keyPath: "detector[0].tube", line: 4,
      "unknown tube 'SBM-21' (known tubes: SBM-20, SBM-19, SI-29BG, J305, M4011, LND-7317")
  }

  @Test func unknownNuclideInSimulatedSource() {
    expectError(
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
    expectError(
      """
      [[detector]]
      id = "d"
      driver = "simulated"
      tube = "SBM-20"
      calibration_nuclide = "Cs137x"
      """, keyPath: "detector[0].calibration_nuclide", line: 5, "unknown nuclide 'Cs137x'")
  }

  @Test func sourceNeedsExactlyOneOfNuclideAndHalfLife() {
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
      """
      [[detector]]
      id = "room 1"
      driver = "simulated"
      """, keyPath: "detector[0].id", line: 2, #"invalid id "room 1""#)
  }

  @Test func duplicateDetectorIDs() {
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
      """
      [daemon]
      log_level = "info"
      """, keyPath: "detector", line: nil, "at least one [[detector]] is required")
  }

  @Test func alarmMustExceedWarn() {
    expectError(
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
    expectError(
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
    expectError(
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
    expectError(
      store(
        """
        state = "clear"
        """), keyPath: "location[1].state", line: 19,
      "'state' applies only to isolation_room locations (this location is a waste_store)")
  }

  @Test func wasteStoreKeyOnIsolationRoom() {
    expectError(
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
    expectError(
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
    expectError(
      store(
        """
          [[location.package]]
          id = "W-1"
          nuclides = { "Lu-177" = 0.5, "Xx-1" = 0.5 }
        """), keyPath: "location[1].package[0].nuclides.Xx-1", line: 21,
      "unknown nuclide 'Xx-1'")
  }

  @Test func nuclideAndNuclidesBothGiven() {
    expectError(
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
    expectError(
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
    expectError(
      text, keyPath: "location[1].package[0].sealed_at", line: 22,
      "(with Z or a UTC offset), found a local date-time 2026-11-20T10:00:00")
    // Printed without the "Z" TOMLKit's own description would add.
    #expect(loadError(text)?.message.hasSuffix("local date-time 2026-11-20T10:00:00") == true)
  }

  @Test func missingSealedAtPointsAtPackageHeader() {
    expectError(
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

@Suite struct TOMLLineLocatorTests {
  @Test func mapsHeadersKeysAndNestedArraysOfTables() {
    let locator = TOMLLineLocator(
      source: """
        # comment [not a header]
        [daemon]  # trailing comment
        socket = "/x"  # a = b

        [[detector]]
        id = "a"
        list = [
          "x = 1",
          "[fake]",
        ]
        text = \"\"\"
        [also.fake]
        key = 2
        \"\"\"
        [[detector]]
        id = "b"
          [detector.simulated]
          "quoted key" = 1
          dotted.inner = 2
          [[detector.simulated.source]]
          nuclide = "Lu-177"
          [[detector.simulated.source]]
          nuclide = "I-131"
        [[ location ]]
        id = "r"
        """)
    #expect(locator.line(for: "daemon") == 2)
    #expect(locator.line(for: "daemon.socket") == 3)
    #expect(locator.line(for: "detector") == 5)
    #expect(locator.line(for: "detector[0]") == 5)
    #expect(locator.line(for: "detector[0].id") == 6)
    #expect(locator.line(for: "detector[0].list") == 7)
    #expect(locator.line(for: "detector[0].list[1]") == 7)
    #expect(locator.line(for: "detector[0].text") == 11)
    #expect(locator.lines["fake"] == nil)
    #expect(locator.lines["also.fake"] == nil)
    #expect(locator.lines["detector[0].key"] == nil)
    #expect(locator.line(for: "detector[1]") == 15)
    #expect(locator.line(for: "detector[1].id") == 16)
    #expect(locator.line(for: "detector[1].simulated") == 17)
    #expect(locator.line(for: "detector[1].simulated.quoted key") == 18)
    #expect(locator.line(for: "detector[1].simulated.dotted.inner") == 19)
    #expect(locator.line(for: "detector[1].simulated.source[0].nuclide") == 21)
    #expect(locator.line(for: "detector[1].simulated.source[1].nuclide") == 23)
    #expect(locator.line(for: "detector[1].simulated.source[1].missing") == 22)
    #expect(locator.line(for: "location[0].id") == 25)
    #expect(locator.line(for: "nothing.here") == nil)
  }

  @Test func toleratesByteOrderMarkAndCRLF() {
    let locator = TOMLLineLocator(source: "\u{FEFF}[daemon]\r\nsocket = \"/x\"\r\n")
    #expect(locator.line(for: "daemon") == 1)
    #expect(locator.line(for: "daemon.socket") == 2)
  }
}
