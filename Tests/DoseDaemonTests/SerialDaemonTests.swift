import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// The daemon reading a counter through a real pseudo-terminal, as on a ward.
@Suite(.serialized, .stopsDaemons) struct SerialDaemonTests {
  @Test func emulatedKitReadsItsRateAndAnUnplugFaultsTheRoom() async throws {
    let link = "/tmp/dosed-kit-\(UUID().uuidString.prefix(8))"
    // 1200 cpm at 100 cpm per µSv/h (no dead time) is 12 µSv/h.
    let host = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: 3)), link: link)
    host.start()
    let daemon = try await TestDaemon.start(DosedProcess.kitWard(port: link))
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
    // (The bound ends a hang only: a hang-up the driver missed would leave the detector
    // `stale`, so the state `disconnected` itself shows that the unplugging was seen as such.)
    try await eventually("the kit is disconnected") {
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
    try await eventually("the kit is back") {
      try await daemon.status().detectors.first?.state == "ok"
    }
    #expect(try await daemon.status().locations.first?.state == "occupied")
  }
}

/// A scintillator served through the daemon: dose from the spectrum's G(E), not from counts.
@Suite(.serialized, .stopsDaemons) struct SpectrumDaemonTests {
  @Test func openGammaDoseComesFromTheSpectrumModel() async throws {
    let link = "/tmp/dosed-ogd-\(UUID().uuidString.prefix(8))"
    // 6000 cpm = 100 events/s. A flat G(E) of 0.01 µSv/h per count/s weighs every event alike,
    // so the dose rate must be 100 × 0.01 = 1.0 µSv/h whatever the spectrum's shape
    // (dead time 10 µs changes it by 0.1 %).
    let host = try EmulatorHost(
      emulator: OpenGammaEmulator(source: CountSource(cpm: 6000, seed: 21)), link: link)
    host.start()
    defer { host.unplug() }
    let daemon = try await TestDaemon.start(
      """
      [[detector]]
      id = "ogd"
      driver = "opengamma"
      port = "\(link)"
      # Used for count-rate faults only; were it used for dose, the rate would read 6 µSv/h.
      sensitivity_cpm_per_usv_h = 1000.0
      calibration_source = "test"
        [detector.opengamma]
        energy_calibration = [0.0, 0.2, 0.0]
        g_function = [[30.0, 0.01], [3000.0, 0.01]]
        g_function_source = "test: flat G(E)"

      [[location]]
      id = "store"
      kind = "waste_store"
      detectors = ["ogd"]
      warn_usv_h = 50.0
      alarm_usv_h = 100.0
      """)
    try await eventually("the scintillator has a few hundred events") {
      let detector = try await daemon.status().detectors.first
      return detector?.state == "ok" && (detector?.provenance?.counts ?? 0) >= 400
    }
    let detector = try #require(try await daemon.status().detectors.first)
    let dose = try #require(detector.doseRateUSvH)
    let interval = try #require(detector.ci95USvH)
    #expect(abs(dose - 1.0) < 2.6 * (interval[1] - interval[0]) / 2)
    #expect(interval[0] <= dose && dose <= interval[1])
    #expect(detector.provenance?.doseModel == "spectrum G(E)")
    #expect(detector.provenance?.calibrationSource.isEmpty == false)
    #expect(detector.device?.model?.contains("Open Gamma") == true)
  }
}
