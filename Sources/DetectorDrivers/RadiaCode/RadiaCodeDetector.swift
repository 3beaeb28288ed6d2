import DoseCore
import Foundation

/// A RadiaCode 10x on native USB (libusb; devices.md §5): finds it by USB identity, runs a
/// `RadiaCodeSession` on it, polls DATA_BUF every `pollInterval` seconds, and when the device
/// goes away reports `disconnected` at once and looks for it again with backoff (0.5 s doubling
/// to 5 s; `ReconnectLoop`).
///
/// The blocking conversation runs on a thread of its own, like `SerialDetector`. The thread
/// notices cancellation within 0.1 s between polls; an exchange under way first finishes or
/// times out (3 s at most).
public struct RadiaCodeDetector: DetectorDriver {
  /// What an open produced: the link, and what USB says about the device.
  public struct Connection {
    public var transport: any RadiaCodeTransport
    public var model: String?
    public var serial: String?
    /// Where it is plugged in ("1-2.3").
    public var usbPort: String?

    public init(
      transport: any RadiaCodeTransport, model: String? = nil, serial: String? = nil,
      usbPort: String? = nil
    ) {
      self.transport = transport
      self.model = model
      self.serial = serial
      self.usbPort = usbPort
    }
  }

  /// A `[detector.match]` the RadiaCode driver cannot honour.
  public enum MatchError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidID(String)
    case idPathUnsupported

    public var description: String {
      switch self {
      case .invalidID(let text): "invalid USB id \"\(text)\" (four hex digits, e.g. 0483)"
      case .idPathUnsupported:
        "id_path cannot select a RadiaCode (found through libusb); use serial or usb_port"
      }
    }
  }

  public typealias Selector = LibUSBRadiaCodeTransport.Selector

  public let id: String
  /// For messages: what the detector looks for.
  public let target: String
  /// Clock seconds between DATA_BUF polls (real seconds: drivers of real devices run at scale 1).
  public let pollInterval: Double
  /// Seconds between spectrum reads; nil = count-rate readings (see `RadiaCodeSession`).
  public let spectrumInterval: Double?
  private let open: @Sendable () throws(RadiaCodeTransportError) -> Connection

  /// Looking is cheap (libusb lists devices without opening any other), so a replugged
  /// RadiaCode is found within 5 s rather than the serial drivers' 30.
  public static let backoff = ReconnectLoop.Backoff(initial: 0.5, maximum: 5)

  /// The real device through libusb.
  public init(
    id: String, selector: Selector = Selector(), pollInterval: Double = 1,
    spectrumInterval: Double? = nil
  ) {
    self.init(
      id: id, target: selector.summary, pollInterval: pollInterval,
      spectrumInterval: spectrumInterval
    ) {
      () throws(RadiaCodeTransportError) -> Connection in
      let transport = try LibUSBRadiaCodeTransport(selector: selector)
      return Connection(
        transport: transport, model: transport.product, serial: transport.serial,
        usbPort: transport.usbPort)
    }
  }

  /// Any transport (tests, other links). `open` is called on the detector's thread for every
  /// (re)connection.
  public init(
    id: String, target: String, pollInterval: Double = 1, spectrumInterval: Double? = nil,
    open: @escaping @Sendable () throws(RadiaCodeTransportError) -> Connection
  ) {
    precondition(pollInterval > 0, "poll interval must be positive")
    self.id = id
    self.target = target
    self.pollInterval = pollInterval
    self.spectrumInterval = spectrumInterval
    self.open = open
  }

  /// The libusb selector for a `[detector.match]`; vendor and product default to the
  /// RadiaCode's 0483:f123.
  public static func selector(for match: DeviceMatch) throws(MatchError) -> Selector {
    if match.idPath != nil { throw .idPathUnsupported }
    func parse(_ text: String?, default value: UInt16) throws(MatchError) -> UInt16 {
      guard let text else { return value }
      guard text.count == 4, let parsed = UInt16(text, radix: 16) else {
        throw .invalidID(text)
      }
      return parsed
    }
    return Selector(
      vendorID: try parse(match.vendorID, default: Selector.radiaCodeVendorID),
      productID: try parse(match.productID, default: Selector.radiaCodeProductID),
      serial: match.serial, usbPort: match.usbPort)
  }

  public func run(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) async {
    await ReconnectLoop.run(detectorID: id, backoff: Self.backoff, clock: clock, emit: emit) {
      loop in
      .init(self.session(loop))
    }
  }

  /// Opens the device, runs a session until it fails, and returns why.
  private func session(_ loop: ReconnectLoop) -> String {
    let connection: Connection
    do {
      connection = try open()
    } catch {
      return error.description
    }
    var session = RadiaCodeSession(detectorID: id, spectrumInterval: spectrumInterval)
    do {
      let now = loop.clock.now()
      var identity = try session.start(
        transport: connection.transport, localTime: Self.localTime(now.wallTime),
        monotonicSeconds: now.monotonicSeconds)
      if let model = connection.model { identity.model = model }
      identity.serial = connection.serial
      identity.port = connection.usbPort.map { "USB \($0)" }
      loop.connected(identity)
      while true {
        guard loop.wait(pollInterval) else { return "stopped" }
        let now = loop.clock.now()
        let readings = try session.step(
          transport: connection.transport, monotonicSeconds: now.monotonicSeconds,
          wallTime: now.wallTime)
        for reading in readings { loop.emit(.reading(reading)) }
      }
    } catch {
      return error.description
    }
  }

  /// The host's local wall-clock time: the device has no time zone (the package sends
  /// `datetime.now()`).
  static func localTime(_ date: Date) -> RadiaCodeLocalTime {
    let parts = Calendar.current.dateComponents(
      [.year, .month, .day, .hour, .minute, .second], from: date)
    return RadiaCodeLocalTime(
      year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1,
      hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0)
  }
}

extension RadiaCodeDetector {
  /// Native USB through libusb: no port, no baud. Dead time about 5 µs as the RadiaCode
  /// developers give it (devices.md, RadiaCode "Dead time": reported in sandialabs/SpecUtils
  /// issue 35 and pull 42; secondary, [M] unverified against a manufacturer document). At its
  /// stated 50 000 cps limit mτ = 0.25, so over-range (mτ ≥ 0.3) fires just beyond it.
  public static let facts = DriverFacts(
    name: "radiacode", attachment: .usb, deadTimeSeconds: 5e-6)
}
