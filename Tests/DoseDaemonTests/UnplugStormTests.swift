import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9: the counter is unplugged and plugged back again and again (its emulator's PTY
/// closed and a new one made behind the same path), against the real `dosed` binary. The
/// detector ends `ok`, every loss and return is recorded, and the daemon leaks no descriptor.
/// 10 cycles in the test command; `DOSED_STORM_CYCLES=100` for the full storm.
@Suite(.serialized) struct UnplugStormTests {
  static var cycles: Int {
    ProcessInfo.processInfo.environment["DOSED_STORM_CYCLES"].flatMap(Int.init) ?? 10
  }

  func openDescriptors(_ pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
  }

  @Test func unplugStormEndsOkWithEveryTransitionRecordedAndNoLeak() async throws {
    let directory = "/tmp/dosed-storm-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let link = directory + "/ttyKIT"
    let config = directory + "/ward.toml"
    try """
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
    """.write(toFile: config, atomically: true, encoding: .utf8)
    func plug(_ seed: UInt64) throws -> EmulatorHost {
      let host = try EmulatorHost(
        emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: seed)), link: link)
      host.start()
      return host
    }
    var host = try plug(1)
    let socket = directory + "/dosed.sock"
    let daemon = Process()
    daemon.executableURL = ExecutableTests.binaries.appendingPathComponent("dosed")
    daemon.arguments = [
      "--config", config, "--socket", socket, "--state-dir", directory + "/state",
    ]
    daemon.standardOutput = FileHandle.nullDevice
    daemon.standardError = FileHandle.nullDevice
    try daemon.run()
    defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
    func state() async -> String? {
      let line = try? await offPool {
        try DoseClient(path: socket, timeout: 2).request("detectors")
      }
      return line.flatMap { try? WireCoding.decoder().decode(DetectorsReply.self, from: $0) }?
        .detectors.first?.state
    }
    try await eventually("the kit reads") { await state() == "ok" }
    let baseline = openDescriptors(daemon.processIdentifier)
    for cycle in 0..<Self.cycles {
      host.unplug()
      try await eventually("the kit is lost (cycle \(cycle))", seconds: 5) {
        await state() == "disconnected"
      }
      host = try plug(UInt64(cycle + 2))
      try await eventually("the kit is back (cycle \(cycle))", seconds: 15) {
        await state() == "ok"
      }
    }
    defer { host.unplug() }
    #expect(await state() == "ok")
    // The socket connections of the polling above are closed by now; give the daemon a moment
    // to notice, then it holds what it held before the storm.
    try await eventually("descriptors back to \(baseline)", seconds: 5) {
      openDescriptors(daemon.processIdentifier) <= baseline
    }
    let reply = try await offPool {
      try DoseClient(path: socket).request(EventsRequest(id: .number(1), detector: "kit"))
    }
    let events = try WireCoding.decoder().decode(EventsReply.self, from: reply).events
    #expect(events.filter { $0.kind == "device_detached" }.count == Self.cycles)
    #expect(events.filter { $0.kind == "device_attached" }.count == Self.cycles + 1)
    daemon.terminate()
    daemon.waitUntilExit()
    #expect(daemon.terminationStatus == 0)
  }
}
