import CLibUSB
import Foundation

/// Carries RadiaCode frames to a device and back (devices.md §5.1).
public protocol RadiaCodeTransport {
  /// Sends one framed request (`RadiaCodeRequest.frame(sequence:)`) and returns the whole reply
  /// frame, length prefix included, read until the length its prefix states. `timeout` is in
  /// seconds, for the whole exchange.
  func exchange(_ request: [UInt8], timeout: Double) throws(RadiaCodeTransportError) -> [UInt8]
}

/// Why a RadiaCode exchange or open failed. `gone` means the device vanished.
public enum RadiaCodeTransportError: Error, Sendable, Hashable, CustomStringConvertible {
  /// No device with the wanted identity is plugged in.
  case notFound(String)
  /// More than one device matches; the driver never guesses.
  case ambiguous(String)
  /// The device node (/dev/bus/usb/…) is not accessible: the udev rule is missing.
  case accessDenied(String)
  /// Another process (or a kernel driver) holds the interface.
  case busy(String)
  /// Unplugged, or the handle stopped working.
  case gone(String)
  /// No (complete) reply in time.
  case timeout(String)
  /// The reply's length prefix is implausible or more bytes came than it stated.
  case framing(RadiaCodeError)
  /// Any other libusb failure: the call and libusb's error name.
  case usb(String)

  public var description: String {
    switch self {
    case .notFound(let what): "no RadiaCode matching \(what) is present"
    case .ambiguous(let what): what
    case .accessDenied(let what):
      "\(what): permission denied (install systemd/60-dosed.rules, which gives the dosed "
        + "group the USB device; `dosed --print-udev-rules`)"
    case .busy(let what): "\(what): the device is in use by another process"
    case .gone(let what): "device gone: \(what)"
    case .timeout(let what): "timed out waiting for \(what)"
    case .framing(let error): error.description
    case .usb(let what): "libusb: \(what)"
    }
  }
}

/// The RadiaCode 10x over native USB, as `radiacode/transports/usb.py` (v0.4.0) does it: a
/// vendor interface with bulk OUT 0x01 and bulk IN 0x81; stale input is drained at open with
/// 100 ms reads; a reply is read in a 256-byte first chunk, then exactly the rest its `u32`
/// length prefix announces; three empty reads in a row are a failure.
///
/// One thread uses a transport at a time; it releases the interface and closes the device when
/// it is deinitialised.
public final class LibUSBRadiaCodeTransport: RadiaCodeTransport {
  /// Which device to open: every field given must agree, and exactly one device may match.
  public struct Selector: Sendable, Hashable {
    public var vendorID: UInt16
    public var productID: UInt16
    /// The USB serial number string (the package's `serial_number`).
    public var serial: String?
    /// Physical USB port as "bus-port.port", e.g. "1-2.3" (as `DeviceMatch.usbPort`).
    public var usbPort: String?

    public static let radiaCodeVendorID: UInt16 = 0x0483
    public static let radiaCodeProductID: UInt16 = 0xF123

    public init(
      vendorID: UInt16 = radiaCodeVendorID, productID: UInt16 = radiaCodeProductID,
      serial: String? = nil, usbPort: String? = nil
    ) {
      self.vendorID = vendorID
      self.productID = productID
      self.serial = serial
      self.usbPort = usbPort
    }

    /// For messages: "0483:f123 serial RC-102-000123".
    public var summary: String {
      var text = hex4(vendorID) + ":" + hex4(productID)
      if let serial { text += " serial \(serial)" }
      if let usbPort { text += " USB port \(usbPort)" }
      return text
    }
  }

  public static let outEndpoint: UInt8 = 0x01
  public static let inEndpoint: UInt8 = 0x81
  /// The package's first read size.
  static let firstChunk = 256

  /// The USB serial number and product strings, and the port the device was found on.
  public let serial: String?
  public let product: String?
  public let usbPort: String

  private let context: OpaquePointer
  private let handle: OpaquePointer
  private let interfaceNumber: Int32

  public init(selector: Selector) throws(RadiaCodeTransportError) {
    var context: OpaquePointer?
    let status = libusb_init(&context)
    guard status == 0, let context else { throw Self.failure(status, "libusb_init") }
    let found: Found
    do {
      found = try Self.open(selector, context: context)
    } catch {
      libusb_exit(context)
      throw error
    }
    self.context = context
    handle = found.handle
    interfaceNumber = found.interfaceNumber
    serial = found.serial
    product = found.product
    usbPort = found.port
    // Fully initialised: if draining fails, deinit releases everything.
    try drain()
  }

  deinit {
    libusb_release_interface(handle, interfaceNumber)
    libusb_close(handle)
    libusb_exit(context)
  }

  public func exchange(_ request: [UInt8], timeout: Double) throws(RadiaCodeTransportError)
    -> [UInt8]
  {
    let deadline = SerialPort.now() + timeout
    try write(request, milliseconds: Self.milliseconds(timeout))
    var reply: [UInt8] = []
    var emptyReads = 0
    while true {
      let size: Int?
      do {
        size = try RadiaCodeFrame.responseSize(startingWith: reply)
      } catch {
        throw .framing(error)
      }
      if let size, reply.count >= size {
        guard reply.count == size else {
          throw .framing(.lengthMismatch(declared: size - 4, actual: reply.count - 4))
        }
        return reply
      }
      let left = deadline - SerialPort.now()
      guard left > 0 else { throw .timeout("a RadiaCode reply") }
      let wanted = size.map { $0 - reply.count } ?? Self.firstChunk
      let chunk = try read(wanted, milliseconds: Self.milliseconds(left))
      if chunk.isEmpty {
        emptyReads += 1
        // `MultipleUSBReadFailure` in the package.
        if emptyReads == 3 { throw .timeout("a RadiaCode reply (3 empty reads)") }
      } else {
        emptyReads = 0
        reply += chunk
      }
    }
  }

  // MARK: - Opening

  private struct Found {
    var handle: OpaquePointer
    var interfaceNumber: Int32 = -1
    var serial: String?
    var product: String?
    var port: String
  }

  private static func open(_ selector: Selector, context: OpaquePointer)
    throws(RadiaCodeTransportError) -> Found
  {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = libusb_get_device_list(context, &list)
    guard count >= 0, let list else {
      throw failure(Int32(truncatingIfNeeded: count), "libusb_get_device_list")
    }
    defer { libusb_free_device_list(list, 1) }
    var candidates: [Found] = []
    var openFailure: RadiaCodeTransportError?
    for index in 0..<Int(count) {
      guard let device = list[index] else { continue }
      var descriptor = libusb_device_descriptor()
      guard libusb_get_device_descriptor(device, &descriptor) == 0,
        descriptor.idVendor == selector.vendorID, descriptor.idProduct == selector.productID
      else { continue }
      let port = portPath(device)
      if let wanted = selector.usbPort, wanted != port { continue }
      var handle: OpaquePointer?
      let status = libusb_open(device, &handle)
      guard status == 0, let handle else {
        openFailure = failure(status, "open USB \(port)")
        continue
      }
      let serial = string(handle, index: descriptor.iSerialNumber)
      if let wanted = selector.serial, wanted != serial {
        libusb_close(handle)
        continue
      }
      candidates.append(
        Found(
          handle: handle, serial: serial, product: string(handle, index: descriptor.iProduct),
          port: port))
    }
    guard candidates.count == 1, var found = candidates.first else {
      for candidate in candidates { libusb_close(candidate.handle) }
      if candidates.isEmpty { throw openFailure ?? .notFound(selector.summary) }
      let ports = candidates.map(\.port).sorted().joined(separator: ", ")
      throw .ambiguous(
        "\(candidates.count) devices match \(selector.summary) (USB ports \(ports)); "
          + "add serial or usb_port to [detector.match]")
    }
    do {
      found.interfaceNumber = try claim(found.handle)
    } catch {
      libusb_close(found.handle)
      throw error
    }
    return found
  }

  /// Claims the interface that holds both bulk endpoints (pyusb claims the endpoint's interface
  /// implicitly on first use).
  private static func claim(_ handle: OpaquePointer) throws(RadiaCodeTransportError) -> Int32 {
    var config: UnsafeMutablePointer<libusb_config_descriptor>?
    let status = libusb_get_active_config_descriptor(libusb_get_device(handle), &config)
    guard status == 0, let config else { throw failure(status, "read configuration") }
    defer { libusb_free_config_descriptor(config) }
    var number: Int32?
    for i in 0..<Int(config.pointee.bNumInterfaces) {
      let interface = config.pointee.interface[i]
      for a in 0..<Int(interface.num_altsetting) {
        let setting = interface.altsetting[a]
        let addresses = (0..<Int(setting.bNumEndpoints)).map {
          setting.endpoint[$0].bEndpointAddress
        }
        if addresses.contains(outEndpoint) && addresses.contains(inEndpoint) {
          number = Int32(setting.bInterfaceNumber)
        }
      }
    }
    guard let number else { throw .usb("no interface with bulk endpoints 0x01 and 0x81") }
    // Not supported on every platform; harmless where there is no kernel driver.
    _ = libusb_set_auto_detach_kernel_driver(handle, 1)
    let claimed = libusb_claim_interface(handle, number)
    guard claimed == 0 else { throw failure(claimed, "claim interface \(number)") }
    return number
  }

  /// Reads and discards whatever the device still had queued: 100 ms reads until one times out
  /// (`usb.py` lines 38-42). Bounded, so a babbling device cannot hold the open forever.
  private func drain() throws(RadiaCodeTransportError) {
    for _ in 0..<1000 {
      var buffer = [UInt8](repeating: 0, count: Self.firstChunk)
      var transferred: Int32 = 0
      let status = buffer.withUnsafeMutableBufferPointer { bytes in
        libusb_bulk_transfer(
          handle, Self.inEndpoint, bytes.baseAddress, Int32(bytes.count), &transferred, 100)
      }
      if status == LIBUSB_ERROR_TIMEOUT.rawValue { return }
      if status != 0 { throw Self.failure(status, "drain bulk IN") }
    }
    throw .usb("the device keeps sending; cannot clear its input")
  }

  // MARK: - Transfers

  private func write(_ bytes: [UInt8], milliseconds: UInt32) throws(RadiaCodeTransportError) {
    var buffer = bytes
    var transferred: Int32 = 0
    let status = buffer.withUnsafeMutableBufferPointer { pointer in
      libusb_bulk_transfer(
        handle, Self.outEndpoint, pointer.baseAddress, Int32(pointer.count), &transferred,
        milliseconds)
    }
    guard status == 0 else { throw Self.failure(status, "bulk OUT") }
    guard Int(transferred) == bytes.count else {
      throw .usb("bulk OUT wrote \(transferred) of \(bytes.count) bytes")
    }
  }

  /// One bulk IN transfer of at most `length` bytes. A timeout that still delivered bytes
  /// returns them.
  private func read(_ length: Int, milliseconds: UInt32) throws(RadiaCodeTransportError)
    -> [UInt8]
  {
    var buffer = [UInt8](repeating: 0, count: length)
    var transferred: Int32 = 0
    let status = buffer.withUnsafeMutableBufferPointer { pointer in
      libusb_bulk_transfer(
        handle, Self.inEndpoint, pointer.baseAddress, Int32(pointer.count), &transferred,
        milliseconds)
    }
    if status != 0 && !(status == LIBUSB_ERROR_TIMEOUT.rawValue && transferred > 0) {
      throw Self.failure(status, "bulk IN")
    }
    return Array(buffer.prefix(Int(transferred)))
  }

  // MARK: - Helpers

  private static func milliseconds(_ seconds: Double) -> UInt32 {
    UInt32(min(max(seconds * 1000, 1), 600_000))
  }

  /// "bus-port.port", as sysfs names the device (and `DeviceMatch.usbPort`).
  private static func portPath(_ device: OpaquePointer) -> String {
    var ports = [UInt8](repeating: 0, count: 7)
    let count = ports.withUnsafeMutableBufferPointer { buffer in
      libusb_get_port_numbers(device, buffer.baseAddress, Int32(buffer.count))
    }
    let bus = String(libusb_get_bus_number(device))
    guard count > 0 else { return bus }
    return bus + "-" + ports.prefix(Int(count)).map(String.init).joined(separator: ".")
  }

  private static func string(_ handle: OpaquePointer, index: UInt8) -> String? {
    guard index != 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let length = buffer.withUnsafeMutableBufferPointer { pointer in
      libusb_get_string_descriptor_ascii(handle, index, pointer.baseAddress, Int32(pointer.count))
    }
    guard length > 0 else { return nil }
    return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
  }

  /// Maps a libusb status to a typed error; `what` names the call.
  static func failure(_ status: Int32, _ what: String) -> RadiaCodeTransportError {
    let name = libusb_error_name(status).map { String(cString: $0) } ?? "error \(status)"
    switch status {
    case LIBUSB_ERROR_NO_DEVICE.rawValue:
      return .gone("\(what): \(name)")
    case LIBUSB_ERROR_ACCESS.rawValue: return .accessDenied(what)
    case LIBUSB_ERROR_BUSY.rawValue: return .busy(what)
    case LIBUSB_ERROR_TIMEOUT.rawValue: return .timeout("\(what) (\(name))")
    default: return .usb("\(what): \(name)")
    }
  }
}

private func hex4(_ value: UInt16) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: 4 - digits.count) + digits
}
