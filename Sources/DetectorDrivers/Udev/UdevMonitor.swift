import CUdev
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Hotplug events from the kernel's netlink socket through libudev.
///
/// `udev` (production) delivers events after udevd has applied its rules (permissions,
/// /dev/dose links); `kernel` delivers them straight from the kernel, for containers and tests
/// where no udevd runs (shared reference swift-stack.md §1). Create the monitor before the
/// initial scan, so no event falls between the two.
public final class UdevMonitor: @unchecked Sendable {
  // @unchecked: libudev monitors are not thread-safe; this one is created by the service and
  // then read by the hotplug thread alone (`DeviceWatcher.follow`), never concurrently.

  public enum Source: String, Sendable, CaseIterable {
    case udev
    case kernel
  }

  public struct Event: Sendable, Hashable {
    /// add, remove, change, bind, unbind …
    public let action: String
    public let device: UdevDeviceInfo

    public init(action: String, device: UdevDeviceInfo) {
      self.action = action
      self.device = device
    }
  }

  private let udev: OpaquePointer
  private let monitor: OpaquePointer
  public let source: Source

  public init(source: Source, subsystems: [String] = ["tty", "usb"]) throws {
    guard let udev = udev_new() else {
      throw UdevDevices.Failure.unavailable("udev_new failed")
    }
    guard let monitor = udev_monitor_new_from_netlink(udev, source.rawValue) else {
      udev_unref(udev)
      throw UdevDevices.Failure.unavailable("cannot open the \(source.rawValue) netlink monitor")
    }
    for subsystem in subsystems {
      udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
    }
    guard udev_monitor_enable_receiving(monitor) >= 0 else {
      udev_monitor_unref(monitor)
      udev_unref(udev)
      throw UdevDevices.Failure.unavailable("cannot receive \(source.rawValue) events")
    }
    self.udev = udev
    self.monitor = monitor
    self.source = source
  }

  deinit {
    udev_monitor_unref(monitor)
    udev_unref(udev)
  }

  /// The next event within `timeout` seconds, or nil.
  public func next(timeout: Double) -> Event? {
    var descriptor = pollfd(fd: udev_monitor_get_fd(monitor), events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0,
      let device = udev_monitor_receive_device(monitor)
    else { return nil }
    defer { udev_device_unref(device) }
    let action = udev_device_get_action(device).map { String(cString: $0) } ?? "change"
    let subsystem = udev_device_get_subsystem(device).map { String(cString: $0) } ?? "?"
    return Event(action: action, device: UdevDevices.info(device, subsystem: subsystem))
  }
}
