import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

/// The counter is unplugged and plugged back again and again (its emulator's PTY closed and a
/// new one made behind the same path), against the real `dosed` binary. Every loss and return
/// is recorded, the detector reads again at the end, and the daemon leaks no descriptor. Each
/// cycle waits for the daemon's record of the loss, then of the return, so it takes the
/// driver's first reopen (0.5 s after a loss) and no more. The 100 cycles the fault-injection
/// plan names; `DOSED_STORM_CYCLES=N` for another count.
@Suite(.serialized) struct UnplugStormTests {
  static var cycles: Int {
    ProcessInfo.processInfo.environment["DOSED_STORM_CYCLES"].flatMap(Int.init) ?? 100
  }

  @Test func unplugStormEndsOkWithEveryTransitionRecordedAndNoLeak() async throws {
    let daemon = try DosedProcess(name: "storm")
    let port = daemon.directory + "/ttyKIT"
    try daemon.write(ward: DosedProcess.kitWard(port: port))
    func plug(_ seed: UInt64) throws -> EmulatorHost {
      let host = try EmulatorHost(
        emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: seed)), link: port)
      host.start()
      return host
    }
    var host = try plug(1)
    try daemon.start()
    func state() async -> String? { await daemon.detector("kit")?.state }
    try await eventually("the kit reads", seconds: 60) { await state() == "ok" }
    let baseline = daemon.openDescriptors
    /// The kit's records: losses from a hang-up (a reopen that finds no device is recorded
    /// too, with its own reason, should the driver try before the next plug) and returns.
    func transitions() async -> (lost: Int, back: Int)? {
      guard let events = try? await daemon.events(detector: "kit") else { return nil }
      let lost = events.filter {
        $0.kind == "device_detached" && $0.message.hasPrefix("device gone")
      }
      return (lost.count, events.filter { $0.kind == "device_attached" }.count)
    }
    for cycle in 0..<Self.cycles {
      host.unplug()
      try await eventually("the kit's loss is recorded (cycle \(cycle))", seconds: 60) {
        await transitions()?.lost == cycle + 1
      }
      host = try plug(UInt64(cycle + 2))
      try await eventually("the kit's return is recorded (cycle \(cycle))", seconds: 60) {
        await transitions()?.back == cycle + 2
      }
    }
    defer { host.unplug() }
    try await eventually("the kit reads after the storm", seconds: 60) { await state() == "ok" }
    // The socket connections of the polling above are closed by now; give the daemon a moment
    // to notice, then it holds what it held before the storm.
    try await eventually("descriptors back to \(baseline)", seconds: 60) {
      daemon.openDescriptors <= baseline
    }
    let counts = try #require(await transitions())
    #expect(counts.lost == Self.cycles)
    #expect(counts.back == Self.cycles + 1)
    #expect(daemon.stop() == 0)
  }
}
