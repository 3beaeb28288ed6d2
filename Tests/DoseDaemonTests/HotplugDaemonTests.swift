import DetectorDrivers
import DeviceEmulators
import DoseProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import DoseDaemon

/// A counter matched by serial number follows its device: unplugged it faults its room, plugged
/// back into another socket (another tty path) it is found again at once.
@Suite(.serialized) struct HotplugDaemonTests {
  final class FakeUSB: Sendable {
    let present = Mutex<[UdevDeviceInfo]>([])
    func device(serial: String, node: String, port: String) -> UdevDeviceInfo {
      UdevDeviceInfo(
        sysname: (node as NSString).lastPathComponent, devnode: node, subsystem: "tty",
        syspath: "/sys/fake/\(port)/\(serial)", usbVendorID: "0483", usbProductID: "5740",
        usbSerial: serial, usbManufacturer: "Gissio", usbProduct: "Rad Pro", usbPort: port)
    }
  }

  @Test func identityFollowsTheDevice() async throws {
    let usb = FakeUSB()
    let events = InjectedHotplugEvents()
    let first = "/tmp/dosed-hp-a-\(UUID().uuidString.prefix(6))"
    let second = "/tmp/dosed-hp-b-\(UUID().uuidString.prefix(6))"
    var config = try ConfigLoader.parse(
      """
      [[detector]]
      id = "counter"
      driver = "mightyohm"
      tube = "SBM-20"
        [detector.match]
        vendor_id = "0483"
        product_id = "5740"
        serial = "RP-0042"

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["counter"]
      warn_usv_h = 50.0
      alarm_usv_h = 100.0
      state = "occupied"
      """, path: "hotplug.toml")
    let directory = "/tmp/dosed-hp-\(UUID().uuidString.prefix(6))"
    config.daemon.socketPath = directory + "/s.sock"
    config.daemon.stateDirectory = directory + "/state"
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // Plugged into socket 1-2.
    let hostA = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 600, seed: 1)), link: first)
    hostA.start()
    usb.present.withLock { $0 = [usb.device(serial: "RP-0042", node: first, port: "1-2")] }
    let service = DosedService(
      config: config, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
      deviceScanner: { usb.present.withLock { $0 } }, hotplugEvents: events)
    let task = Task { try await service.run() }
    defer { task.cancel() }
    let status = { await service.engine.status(id: nil) }
    try await eventually("the counter reads on the first socket") {
      let detector = await status().detectors.first
      return detector?.state == "ok" && detector?.device?.port == first
    }
    let devices = await service.engine.devices(id: nil)
    #expect(devices.devices.first { $0.devnode == first }?.boundTo == "counter")
    #expect(devices.hotplug == "injected")

    // Unplugged: the room faults at once.
    hostA.unplug()
    usb.present.withLock { $0 = [] }
    events.inject(action: "remove", device: usb.device(serial: "RP-0042", node: first, port: "1-2"))
    try await eventually("the counter is disconnected", seconds: 3) {
      await status().detectors.first?.state == "disconnected"
    }
    #expect(await status().locations.first?.state == "fault")

    // Plugged into another socket: found by its serial number within a second or so.
    let hostB = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 600, seed: 2)), link: second)
    hostB.start()
    defer { hostB.unplug() }
    // Let the driver's backoff grow first, so only the hotplug wake-up can make it quick.
    try await Task.sleep(for: .seconds(2))
    let plugged = ContinuousClock.now
    usb.present.withLock { $0 = [usb.device(serial: "RP-0042", node: second, port: "3-1.4")] }
    events.inject(action: "add", device: usb.device(serial: "RP-0042", node: second, port: "3-1.4"))
    try await eventually("the counter reads on the second socket", seconds: 5) {
      let detector = await status().detectors.first
      return detector?.state == "ok" && detector?.device?.port == second
    }
    #expect(ContinuousClock.now - plugged < .seconds(3))
    #expect(await status().locations.first?.state == "occupied")
    let after = await service.engine.devices(id: nil)
    #expect(after.devices.map(\.devnode) == [second])
    #expect(after.devices.first?.boundTo == "counter")
    #expect(after.devices.first?.usbPort == "3-1.4")
    task.cancel()
    _ = await task.result
  }
}
