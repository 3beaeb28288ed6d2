/// The USB counters dosed knows, by vendor and product id. One table: discovery, `dosectl
/// devices` and the generated udev rule (`dosed --print-udev-rules`) all read it.
///
/// Ids and their sources are in shared/reference/devices.md. A `generic` entry is a USB-serial
/// bridge or MCU id that many unrelated products share: such a device is never bound to a
/// detector on its ids alone; the detector's match must also name its serial number or its
/// physical USB port.
public struct KnownDevice: Sendable, Hashable {
  public let vendorID: String
  public let productID: String
  public let name: String
  /// The driver usually behind this id, for `dosectl devices`; nil when it could be anything.
  public let driver: String?
  public let generic: Bool
  public let source: String
}

public enum KnownDevices {
  public static let all: [KnownDevice] = [
    KnownDevice(
      vendorID: "1a86", productID: "7523", name: "WCH CH340 (GQ GMC counters)", driver: "gmc",
      generic: true,
      source: "devices.md §1.1: GMC-300E+/300S/500+/800 use a CH340; GeigerLog detects GMC ports "
        + "by this id; it is a generic bridge and has no serial number"),
    KnownDevice(
      vendorID: "0483", productID: "5740", name: "STM32 virtual COM (Rad Pro on FNIRSI GC-01/03)",
      driver: "radpro", generic: true,
      source: "devices.md §2.2: Gissio/radpro stm32_comm.c USB_VID 0x0483 USB_PID 0x5740; ST's "
        + "generic VCP id, but Rad Pro sets a unique serial number"),
    KnownDevice(
      vendorID: "0483", productID: "f123", name: "RadiaCode 10x", driver: "radiacode",
      generic: false, source: "devices.md §5.1: cdump/radiacode udev rule, 0483:f123"),
    KnownDevice(
      vendorID: "2e8a", productID: "000a", name: "Raspberry Pi RP2040 CDC (Open Gamma Detector)",
      driver: "opengamma", generic: true,
      source: "Raspberry Pi Pico SDK default USB id, used by the Open Gamma Detector's RP2040 "
        + "firmware [M: not checked on a device]"),
    KnownDevice(
      vendorID: "0403", productID: "6001", name: "FTDI FT232R USB-serial bridge", driver: nil,
      generic: true, source: "FTDI default id; used by many counters and adapters"),
    KnownDevice(
      vendorID: "0403", productID: "6015", name: "FTDI FT231X USB-serial bridge", driver: nil,
      generic: true, source: "FTDI default id; used by many counters and adapters"),
    KnownDevice(
      vendorID: "0403", productID: "d678", name: "Gamma-Scout (FTDI FT232RL)", driver: nil,
      generic: false, source: "devices.md §7: Gamma-Scout FT232RL 0403:d678"),
    KnownDevice(
      vendorID: "067b", productID: "2303", name: "Prolific PL2303 USB-serial bridge", driver: nil,
      generic: true, source: "Prolific default id; used by many adapters"),
    KnownDevice(
      vendorID: "10c4", productID: "ea60", name: "Silicon Labs CP210x USB-serial bridge",
      driver: nil, generic: true,
      source: "Silicon Labs default id; devices.md §7 (RADEX RD1212 v1 uses it)"),
  ]

  public static func lookup(vendorID: String?, productID: String?) -> KnownDevice? {
    guard let vendorID, let productID else { return nil }
    return all.first {
      $0.vendorID == vendorID.lowercased() && $0.productID == productID.lowercased()
    }
  }
}
