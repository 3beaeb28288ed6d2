import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
  try ConfigLoader.parse(text, path: "ward.toml")
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
    #expect(detector.options.simulated == nil)

    let location = try #require(config.locations.first)
    #expect(config.locations.count == 1)
    #expect(location.id == "room-1")
    #expect(location.kind == .isolationRoom)
    #expect(location.detectors == ["room-1-ceiling"])
    #expect(location.warnUSvH == 5)
    #expect(location.alarmUSvH == 20)
    #expect(location.hysteresis == 0.1)
    #expect(location.room.initialOccupancy == .awaitingClearance)
    #expect(location.room.clearUSvH == 0.5)
    #expect(location.nuclide == nil)
    #expect(location.store.packages.isEmpty)
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
    #expect(config.detectors[0].link.baud == .auto([115200, 57600]))
    #expect(config.detectors[0].staleAfterSeconds == 5)
    #expect(config.detectors[1].calibration.source.contains("Rad Lab"))
    #expect(config.detectors[3].options.modbus?.slave == 3)
    #expect(config.detectors[4].readingIntervalSeconds == 5)

    let store = config.locations[2]
    #expect(store.store.releaseSurfaceUSvH == 0.2)
    #expect(store.store.packages.map(\.id) == ["W-2026-031", "W-2026-032"])
    // 2026-11-21T09:30:00+01:00 is 08:30 UTC.
    #expect(store.store.packages[1].sealedAt == utc("2026-11-21T08:30:00Z"))
    // Carrier-added Lu-177: route ca, not eligible for decay-in-storage (issue 15).
    #expect(store.store.packages[1].lu177Route == .carrierAdded)
    #expect(!store.store.packages[1].eligibleForDecayInStorage)
  }

  @Test func shippedDemoWardLoads() throws {
    let config = try ConfigLoader.load(path: repositoryConfig("demo-ward.toml"))
    #expect(config.isFullySimulated)
    #expect(config.simulation.startAt == utc("2026-11-27T08:00:00Z"))

    let detectors = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    let ceiling = try #require(detectors["room-1-ceiling"])
    #expect(ceiling.tube == "SBM-20")
    let patient = try #require(ceiling.options.simulated?.sources.first)
    #expect(patient.doseRateUSvH == 25)
    #expect(patient.nuclide == "Lu-177")
    #expect(patient.halfLifeSeconds == NuclideTable.lookup("Lu-177")?.halfLifeSeconds)
    #expect(detectors["room-1-door"]?.options.simulated?.sources.first?.doseRateUSvH == 4)
    #expect(detectors["room-2-ceiling"]?.options.simulated == nil)
    #expect(
      detectors["room-2-door"]?.options.simulated?.faults
        == [SimulatedFaultConfig(kind: .silence, startHours: 2, durationHours: 0.5)])
    let ambient = try #require(detectors["waste-store-ambient"])
    #expect(ambient.tube == "LND-7317")
    #expect(ambient.calibration.deadTimeSeconds == 40e-6)
    #expect(ambient.options.simulated?.sources.compactMap(\.nuclide) == ["I-131", "Lu-177"])

    let locations = Dictionary(uniqueKeysWithValues: config.locations.map { ($0.id, $0) })
    let room1 = try #require(locations["room-1"])
    #expect(room1.room.initialOccupancy == .clear)  // scripts/demo-patient admits its patient
    #expect(room1.nuclide == "Lu-177")
    #expect(room1.detectors == ["room-1-ceiling", "room-1-door"])
    #expect((room1.warnUSvH, room1.alarmUSvH) == (60, 200))
    let room2 = try #require(locations["room-2"])
    #expect(room2.room.initialOccupancy == .clear)
    #expect((room2.warnUSvH, room2.alarmUSvH) == (2, 10))
    let store = try #require(locations["waste-store"])
    #expect((store.warnUSvH, store.alarmUSvH) == (10, 50))
    #expect(store.store.packages.count == 4)
    let mixture = try #require(store.store.packages.first { $0.components.count == 2 })
    #expect(mixture.components.map(\.nuclide.symbol) == ["Lu-177", "Lu-177m"])
    // Issue 15, finding 7: 0.1 % Lu-177m activity as a dose share (Γ ratio 35.5): 3.4 %.
    #expect(mixture.components.map(\.fraction) == [0.966, 0.034])
    let lutetium = try #require(store.store.packages.first { $0.id == "W-1113-LU177" })
    #expect(lutetium.lu177Route == .noCarrierAdded)
    #expect(lutetium.eligibleForDecayInStorage)
    #expect(mixture.sealedAt == utc("2026-10-01T11:00:00Z"))
    #expect(mixture.surfaceUSvHAtSeal == 30)
    let iodine = try #require(
      store.store.packages.first { $0.components.first?.nuclide.symbol == "I-131" })
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
    #expect(config.detectors[0].options.simulated?.sources.first?.halfLifeSeconds == 48 * Time.hour)
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
    let options = try #require(config.detectors[0].options.simulated)
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
    #expect(store.store.releaseSurfaceUSvH == 0.3)
    #expect(store.store.packages.first?.components.first?.nuclide.symbol == "I-131")
    #expect(store.store.packages.first?.sealedAt == utc("2026-11-20T15:00:00Z"))
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
}
