/// A source of driver events for one detector. `run` returns when its task is cancelled.
///
/// Drivers deliver counts (`Reading`s) and connection news; they never compute dose.
public protocol DetectorDriver: Sendable {
  var id: String { get }
  func run(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) async
}

/// Who a connected device says it is, and how it is attached.
public struct DeviceIdentity: Sendable, Hashable {
  public var model: String?
  public var firmware: String?
  /// The device's own serial number or unique id, where the protocol gives one.
  public var serial: String?
  public var port: String?
  public var baud: Int?

  public init(
    model: String? = nil, firmware: String? = nil, serial: String? = nil, port: String? = nil,
    baud: Int? = nil
  ) {
    self.model = model
    self.firmware = firmware
    self.serial = serial
    self.port = port
    self.baud = baud
  }

  /// One line for logs: "GMC-320Re 4.26 (serial F488E…) on /dev/ttyUSB0 at 115200".
  public var summary: String {
    var text = [model, firmware].compactMap { $0 }.joined(separator: " ")
    if text.isEmpty { text = "device" }
    if let serial { text += " (serial \(serial))" }
    if let port { text += " on \(port)" }
    if let baud { text += " at \(baud)" }
    return text
  }
}

/// What went wrong on the wire, counted per detector so an operator can see a flaky link.
public struct LinkCounters: Sendable, Hashable {
  /// Bytes thrown away: stale input before a request, junk between frames.
  public var bytesDropped: UInt64 = 0
  /// Times the driver had to re-synchronise with the device (short/long reply, timeout).
  public var resyncs: UInt64 = 0
  /// Frames or lines rejected by a checksum or CRC.
  public var checksumFailures: UInt64 = 0
  /// Lines or replies that could not be parsed (banners, junk, nonsense values).
  public var junkLines: UInt64 = 0
  /// Error replies from the device (`ERROR`, Modbus exceptions).
  public var deviceErrors: UInt64 = 0

  public init() {}
}
