import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// The daemon reading a counter through a real pseudo-terminal, as on a ward.
@Suite(.serialized) struct SerialDaemonTests {
  @Test func emulatedKitReadsItsRateAndAnUnplugFaultsTheRoom() async throws {
    let link = "/tmp/dosed-kit-\(UUID().uuidString.prefix(8))"
    // 1200 cpm at 100 cpm per µSv/h (no dead time) is 12 µSv/h.
    let host = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: 3)), link: link)
    host.start()
    let daemon = try await TestDaemon.start(
      """
      [[detector]]
      id = "kit"
      driver = "mightyohm"
      port = "\(link)"
      sensitivity_cpm_per_usv_h = 100.0
      calibration_source = "test"

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["kit"]
      warn_usv_h = 50.0
      alarm_usv_h = 100.0
      state = "occupied"
      """)
    defer { Task { await daemon.stop() } }
    try await eventually("the kit has a few seconds of counts") {
      let detector = try await daemon.status().detectors.first
      return detector?.state == "ok" && (detector?.provenance?.counts ?? 0) >= 100
    }
    let status = try await daemon.status()
    let kit = try #require(status.detectors.first)
    let dose = try #require(kit.doseRateUSvH)
    let interval = try #require(kit.ci95USvH)
    // Within about five standard deviations (the 95 % half-width is 1.96 σ), and the
    // interval brackets the estimate.
    #expect(abs(dose - 12) < 2.6 * (interval[1] - interval[0]) / 2)
    #expect(interval[0] <= dose && dose <= interval[1])
    #expect(kit.device?.model == "MightyOhm Geiger counter")
    #expect(kit.device?.port == link)
    #expect(kit.device?.baud == 9600)
    #expect(status.locations.first?.state == "occupied")

    host.unplug()
    try await eventually("the kit is disconnected", seconds: 3) {
      try await daemon.status().detectors.first?.state == "disconnected"
    }
    let unplugged = try await daemon.status()
    #expect(unplugged.locations.first?.state == "fault")
    #expect(unplugged.locations.first?.alarm == "alarm")
    #expect(unplugged.detectors.first?.doseRateUSvH == nil)

    let replug = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: 8)), link: link)
    replug.start()
    defer { replug.unplug() }
    try await eventually("the kit is back", seconds: 10) {
      try await daemon.status().detectors.first?.state == "ok"
    }
    #expect(try await daemon.status().locations.first?.state == "occupied")
  }
}
