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
    // Manual time: the driver's backoff after a loss runs on this clock, so while the test
    // holds it still only the hotplug wake-up can bring the counter back.
    let manual = ManualClock()
    let service = DosedService(
      config: config, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
      deviceScanner: { usb.present.withLock { $0 } }, hotplugEvents: events,
      clock: DoseClock(source: manual, start: Date()))
    let task = Task { try await service.run() }
    defer { task.cancel() }
    /// The ward evaluated at the clock's present time.
    let status = {
      await service.engine.evaluate()
      return await service.engine.status(id: nil)
    }
    try await eventually("the counter reads on the first socket") {
      await manual.advance(by: 1)
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
    try await eventually("the counter is disconnected") {
      await status().detectors.first?.state == "disconnected"
    }
    #expect(await status().locations.first?.state == "fault")

    // Plugged into another socket: found by its serial number at once. The clock stands still
    // from the loss on, so the driver's backoff never ends: the hotplug event must wake it (the
    // wait only bounds a hang).
    let hostB = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 600, seed: 2)), link: second)
    hostB.start()
    defer { hostB.unplug() }
    usb.present.withLock { $0 = [usb.device(serial: "RP-0042", node: second, port: "3-1.4")] }
    events.inject(action: "add", device: usb.device(serial: "RP-0042", node: second, port: "3-1.4"))
    try await eventually("the counter reads on the second socket", seconds: 60) {
      let detector = await status().detectors.first
      return detector?.state == "ok" && detector?.device?.port == second
    }
    #expect(await status().locations.first?.state == "occupied")
    let after = await service.engine.devices(id: nil)
    #expect(after.devices.map(\.devnode) == [second])
    #expect(after.devices.first?.boundTo == "counter")
    #expect(after.devices.first?.usbPort == "3-1.4")
    task.cancel()
    _ = await task.result
  }
}
