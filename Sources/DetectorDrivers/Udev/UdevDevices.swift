import CUdev
import Foundation

/// A device node as udev (or sysfs, where no udevd runs) describes it.
public struct UdevDeviceInfo: Sendable, Hashable {
  public var sysname: String
  public var devnode: String?
  public var subsystem: String
  public var syspath: String
  /// USB identity of the nearest USB parent, when there is one.
  public var usbVendorID: String?
  public var usbProductID: String?
  public var usbSerial: String?
  public var usbManufacturer: String?
  public var usbProduct: String?
  /// Physical USB port as bus-path, e.g. "1-2.3" (bus 1, hub port 2, port 3): stays the same for
  /// whatever is plugged into that socket. Read from sysfs, so it works without udevd.
  public var usbPort: String?
  /// udev's ID_PATH, when udevd has run its rules (absent in containers).
  public var idPath: String?

  public init(
    sysname: String, devnode: String?, subsystem: String, syspath: String,
    usbVendorID: String? = nil, usbProductID: String? = nil, usbSerial: String? = nil,
    usbManufacturer: String? = nil, usbProduct: String? = nil, usbPort: String? = nil,
    idPath: String? = nil
  ) {
    self.sysname = sysname
    self.devnode = devnode
    self.subsystem = subsystem
    self.syspath = syspath
    self.usbVendorID = usbVendorID
    self.usbProductID = usbProductID
    self.usbSerial = usbSerial
    self.usbManufacturer = usbManufacturer
    self.usbProduct = usbProduct
    self.usbPort = usbPort
    self.idPath = idPath
  }

  /// The known-devices entry for this device's USB ids, if any.
  public var known: KnownDevice? {
    KnownDevices.lookup(vendorID: usbVendorID, productID: usbProductID)
  }

  /// Whether this looks like a counter or a USB-serial port one could be on (a USB tty), as
  /// opposed to the console, virtual terminals and on-board UARTs.
  public var isUSBSerial: Bool { usbVendorID != nil && devnode != nil }
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
      result.append(info(device, subsystem: subsystem))
    }
    return result.sorted { $0.sysname < $1.sysname }
  }

  /// What udev says about one device object (also used for monitor events).
  static func info(_ device: OpaquePointer, subsystem: String) -> UdevDeviceInfo {
    var info = UdevDeviceInfo(
      sysname: string(udev_device_get_sysname(device)) ?? "?",
      devnode: string(udev_device_get_devnode(device)), subsystem: subsystem,
      syspath: string(udev_device_get_syspath(device)) ?? "")
    info.idPath = string(udev_device_get_property_value(device, "ID_PATH"))
    // A usb_device is its own USB parent; a tty walks up to it.
    let usb =
      string(udev_device_get_devtype(device)) == "usb_device"
      ? device : udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device")
    if let usb {
      func attribute(_ name: String) -> String? {
        string(udev_device_get_sysattr_value(usb, name))?.trimmingCharacters(
          in: .whitespacesAndNewlines)
      }
      info.usbVendorID = attribute("idVendor")
      info.usbProductID = attribute("idProduct")
      info.usbSerial = attribute("serial")
      info.usbManufacturer = attribute("manufacturer")
      info.usbProduct = attribute("product")
      if let bus = attribute("busnum"), let path = attribute("devpath") {
        info.usbPort = "\(bus)-\(path)"
      }
    }
    return info
  }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }
}
