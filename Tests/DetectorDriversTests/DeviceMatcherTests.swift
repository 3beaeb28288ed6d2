import Foundation
import Synchronization
import Testing

@testable import DetectorDrivers

struct DeviceMatcherTests {
  func device(
    _ node: String, vendor: String = "0483", product: String = "5740", serial: String? = nil,
    port: String = "1-2"
  ) -> UdevDeviceInfo {
    UdevDeviceInfo(
      sysname: (node as NSString).lastPathComponent, devnode: node, subsystem: "tty",
      syspath: "/sys/devices/x/\(node)", usbVendorID: vendor, usbProductID: product,
      usbSerial: serial, usbPort: port)
  }

  @Test func serialNumberBindsWhereverTheDeviceIs() {
    let match = DeviceMatch(vendorID: "0483", productID: "5740", serial: "RP42")
    let before = DeviceMatcher.bind(
      devices: [device("/dev/ttyACM0", serial: "RP42", port: "1-2")], matches: [("room", match)])
    #expect(before.bindings["room"]?.devnode == "/dev/ttyACM0")
    let after = DeviceMatcher.bind(
      devices: [device("/dev/ttyACM3", serial: "RP42", port: "3-1.4")], matches: [("room", match)])
    #expect(after.bindings["room"]?.devnode == "/dev/ttyACM3")
    #expect(after.problems.isEmpty)
  }

  @Test func genericIdAloneIsNeverBound() {
    let match = DeviceMatch(vendorID: "1a86", productID: "7523")
    let result = DeviceMatcher.bind(
      devices: [device("/dev/ttyUSB0", vendor: "1a86", product: "7523")], matches: [("g", match)])
    #expect(result.bindings.isEmpty)
    #expect(result.problems.first?.contains("generic USB id") == true)
    // The same bridge in a named socket is fine.
    let pinned = DeviceMatch(vendorID: "1a86", productID: "7523", usbPort: "1-2")
    let bound = DeviceMatcher.bind(
      devices: [device("/dev/ttyUSB0", vendor: "1a86", product: "7523")], matches: [("g", pinned)])
    #expect(bound.bindings["g"]?.devnode == "/dev/ttyUSB0")
  }

  @Test func twoDevicesForOneDetectorAreNotGuessed() {
    let match = DeviceMatch(vendorID: "0483", productID: "f123")
    let result = DeviceMatcher.bind(
      devices: [
        device("/dev/ttyACM0", product: "f123", serial: "A"),
        device("/dev/ttyACM1", product: "f123", serial: "B"),
      ], matches: [("rc", match)])
    #expect(result.bindings.isEmpty)
    #expect(
      result.problems == [
        "detector rc: 2 devices match (/dev/ttyACM0, /dev/ttyACM1); make the match specific"
      ])
  }

  @Test func oneDeviceForTwoDetectorsBindsNeither() {
    let match = DeviceMatch(serial: "X1")
    let result = DeviceMatcher.bind(
      devices: [device("/dev/ttyACM0", serial: "X1")], matches: [("a", match), ("b", match)])
    #expect(result.bindings.isEmpty)
    #expect(result.problems.contains { $0.contains("matches detectors a, b") })
  }

  @Test func knownDevicesTableHasTheIssueIds() {
    #expect(KnownDevices.lookup(vendorID: "1a86", productID: "7523")?.driver == "gmc")
    #expect(KnownDevices.lookup(vendorID: "0483", productID: "5740")?.driver == "radpro")
    #expect(KnownDevices.lookup(vendorID: "0483", productID: "F123")?.driver == "radiacode")
    #expect(KnownDevices.lookup(vendorID: "0403", productID: "6001")?.generic == true)
    #expect(KnownDevices.lookup(vendorID: "067b", productID: "2303")?.generic == true)
    #expect(KnownDevices.lookup(vendorID: "10c4", productID: "ea60")?.generic == true)
  }

  @Test func checkedInUdevRuleIsInSync() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("systemd/60-dosed.rules")
    let checkedIn = try String(contentsOf: file, encoding: .utf8)
    #expect(
      checkedIn == UdevRules.render(),
      "regenerate: dosed --print-udev-rules > systemd/60-dosed.rules")
    #expect(checkedIn.contains(#"GROUP="dosed", MODE="0660""#))
    #expect(checkedIn.contains(#"SYMLINK+="dose/$attr{serial}""#))
    #expect(checkedIn.contains(#"ENV{ID_MM_DEVICE_IGNORE}="1""#))
    #expect(checkedIn.contains(#"TAG+="systemd""#))
    // Plain bridges get no blanket access.
    #expect(!checkedIn.contains(#"ATTRS{idVendor}=="0403""#))
  }
}

/// Real libudev objects with the kernel netlink source (no udevd here): a uevent written to
/// sysfs comes back through the monitor.
@Suite(.serialized) struct UdevMonitorTests {
  @Test func kernelSourceDeliversAnInjectedUevent() throws {
    let monitor = try UdevMonitor(source: .kernel, subsystems: ["tty"])
    // Drain anything already queued.
    while monitor.next(timeout: 0.05) != nil {}
    let target = "/sys/class/tty/tty/uevent"
    try #require(FileManager.default.isWritableFile(atPath: target), "needs root and sysfs")
    try "change".write(toFile: target, atomically: false, encoding: .utf8)
    var seen: UdevMonitor.Event?
    for _ in 0..<40 where seen == nil {
      if let event = monitor.next(timeout: 0.1), event.device.sysname == "tty" { seen = event }
    }
    let event = try #require(seen, "no uevent arrived within 4 s")
    #expect(event.action == "change")
    #expect(event.device.devnode == "/dev/tty")
  }
}

final class ScanCounter: Sendable {
  let scans = Mutex(0)
}

/// The watcher driven by real kernel uevents: add, remove and add again each trigger a rescan.
/// In the same serialized suite as the monitor test, since both write the same uevent file.
extension UdevMonitorTests {
  @Test func addRemoveAddEachRescan() async throws {
    // A synthetic uevent only announces: /dev/tty stays in place (devtmpfs owns the node; with
    // udevd running, a synthetic remove would only drop its symlinks until the next add).
    let target = "/sys/class/tty/tty/uevent"
    try #require(FileManager.default.isWritableFile(atPath: target), "needs root and sysfs")
    let monitor = try UdevMonitor(source: .kernel, subsystems: ["tty"])
    let counter = ScanCounter()
    let watcher = DeviceWatcher(
      directory: DeviceDirectory(), matches: [],
      scanner: {
        counter.scans.withLock { $0 += 1 }
        return try UdevDevices.list(subsystem: "tty")
      })
    let task = Task { await watcher.follow(monitor: monitor) { _ in } }
    defer { task.cancel() }
    func scans() -> Int { counter.scans.withLock { $0 } }
    func waitFor(_ count: Int) async throws {
      let deadline = ContinuousClock.now + .seconds(5)
      while scans() < count && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
      }
    }
    try await waitFor(1)
    #expect(scans() == 1, "the initial scan")
    // Synthetic uevents (the device itself stays): each burst makes one rescan.
    for (index, action) in ["add", "remove", "add"].enumerated() {
      try await Task.sleep(for: .milliseconds(200))
      try action.write(toFile: target, atomically: false, encoding: .utf8)
      try await waitFor(index + 2)
      #expect(scans() >= index + 2, "rescan after \(action)")
    }
    task.cancel()
    await task.value
  }
}
