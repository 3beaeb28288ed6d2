import Foundation
import Testing

@testable import DetectorDrivers

/// libudev works without udevd for enumeration (sysfs); see shared reference swift-stack.md §1.
struct UdevDevicesTests {
  @Test func listsTTYDevicesWithDeviceNodes() throws {
    let devices = try UdevDevices.list(subsystem: "tty")
    let sysfsCount = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/tty").count
    // udev's view is sysfs's view: the same number of tty devices.
    #expect(devices.count == sysfsCount)
    #expect(devices.contains { $0.sysname == "tty" && $0.devnode == "/dev/tty" })
    #expect(devices.allSatisfy { $0.devnode == nil || $0.devnode!.hasPrefix("/dev/") })
  }

  @Test func unknownSubsystemIsEmpty() throws {
    #expect(try UdevDevices.list(subsystem: "no-such-subsystem").isEmpty)
  }
}
