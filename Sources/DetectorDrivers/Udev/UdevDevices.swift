import CUdev

/// A device node as udev (or sysfs, where no udevd runs) describes it.
public struct UdevDeviceInfo: Sendable, Hashable {
  public let sysname: String
  public let devnode: String?
  public let subsystem: String
  /// USB identity of the nearest USB parent, when there is one.
  public let usbVendorID: String?
  public let usbProductID: String?
  public let usbSerial: String?
}

/// Enumerates devices through libudev. Opens nothing: reading udev's view never touches a port.
public enum UdevDevices {
  public enum Failure: Error, CustomStringConvertible {
    case unavailable(String)
    public var description: String {
      switch self {
      case .unavailable(let what): "libudev: \(what)"
      }
    }
  }

  /// Devices of one subsystem (`tty`, `usb`), with their USB parent's identity.
  public static func list(subsystem: String) throws -> [UdevDeviceInfo] {
    guard let udev = udev_new() else { throw Failure.unavailable("udev_new failed") }
    defer { udev_unref(udev) }
    guard let enumerate = udev_enumerate_new(udev) else {
      throw Failure.unavailable("udev_enumerate_new failed")
    }
    defer { udev_enumerate_unref(enumerate) }
    udev_enumerate_add_match_subsystem(enumerate, subsystem)
    let status = udev_enumerate_scan_devices(enumerate)
    guard status >= 0 else { throw Failure.unavailable("scan failed with \(status)") }
    var result: [UdevDeviceInfo] = []
    var entry = udev_enumerate_get_list_entry(enumerate)
    while let current = entry {
      defer { entry = udev_list_entry_get_next(current) }
      guard let path = udev_list_entry_get_name(current),
        let device = udev_device_new_from_syspath(udev, path)
      else { continue }
      defer { udev_device_unref(device) }
      let usb = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
      result.append(
        UdevDeviceInfo(
          sysname: string(udev_device_get_sysname(device)) ?? "?",
          devnode: string(udev_device_get_devnode(device)),
          subsystem: subsystem,
          usbVendorID: usb.flatMap { string(udev_device_get_sysattr_value($0, "idVendor")) },
          usbProductID: usb.flatMap { string(udev_device_get_sysattr_value($0, "idProduct")) },
          usbSerial: usb.flatMap { string(udev_device_get_sysattr_value($0, "serial")) }))
    }
    return result.sorted { $0.sysname < $1.sysname }
  }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }
}
