/// What the daemon must know about a driver before it runs one: how its device is attached, the
/// line speed to try, how often it delivers a reading, and whether the dead time of its detector
/// is known. Each driver keeps its facts beside its code (`GMCSession.facts`, …), and
/// `DriverCatalog` lists them; the configuration loader, the factory that builds drivers and
/// `dosed`'s documentation checks read them from there, so a driver's numbers live in one place.
public struct DriverFacts: Sendable {
  /// How the daemon finds the device.
  public enum Attachment: Sendable, Hashable {
    /// No device: the simulated counter.
    case none
    /// A tty: `port`, or a `[detector.match]` resolved through udev to whatever tty the device
    /// got.
    case serialPort
    /// A USB device the driver opens itself through libusb, found by `[detector.match]` only.
    case usb
  }

  /// The `driver` value in the configuration.
  public let name: String
  public let attachment: Attachment
  /// Baud rates tried when the configuration gives none, in order. Several only where the
  /// protocol lets the driver recognise its device at the wrong speed; then `baud = "auto"`
  /// is allowed and is the default. Empty for drivers without a serial port.
  public let bauds: [Int]
  /// Seconds between the readings the driver delivers, unless configured: staleness is judged
  /// against it.
  public let readingIntervalSeconds: Double
  /// Dead time of the driver's own detector, where a source gives one. Nil where the driver
  /// reports the pulses of whatever tube is wired to it: then the dead time comes from the tube
  /// table or the configuration, never a default of 0 (which would silence the over-range and
  /// fold-back rules).
  public let deadTimeSeconds: Double?
  /// What to tell a site that left out `dead_time_s`, where the generic advice does not fit.
  public let deadTimeHint: String?
  /// The protocol session for a serial driver that needs nothing but the detector id. Nil for
  /// drivers the daemon builds from their own configuration table (`[detector.line]`,
  /// `[detector.modbus]`) and for drivers without a serial port.
  public let makeSession: (@Sendable (_ detectorID: String) -> any SerialSession)?

  public init(
    name: String, attachment: Attachment, bauds: [Int] = [], readingIntervalSeconds: Double = 1,
    deadTimeSeconds: Double? = nil, deadTimeHint: String? = nil,
    makeSession: (@Sendable (_ detectorID: String) -> any SerialSession)? = nil
  ) {
    precondition(
      (attachment == .serialPort) == !bauds.isEmpty, "serial drivers, and only they, have bauds")
    precondition(readingIntervalSeconds > 0, "the reading interval must be positive")
    self.name = name
    self.attachment = attachment
    self.bauds = bauds
    self.readingIntervalSeconds = readingIntervalSeconds
    self.deadTimeSeconds = deadTimeSeconds
    self.deadTimeHint = deadTimeHint
    self.makeSession = makeSession
  }

  /// Whether `baud = "auto"` (try each of `bauds`) is allowed.
  public var probesBaud: Bool { bauds.count > 1 }
}

/// Every driver `dosed` has, in the order the configuration's error messages list them. Adding
/// a driver adds its facts here (docs/drivers.md, "Adding a driver").
public enum DriverCatalog {
  public static let all: [DriverFacts] = [
    SimulatedDetector.facts,
    GMCSession.facts,
    RadProSession.facts,
    MightyOhmParser.facts,
    GC10Parser.facts,
    BGeigieParser.facts,
    RegexLineParser.facts,
    ModbusSession.facts,
    OpenGammaSession.facts,
    RadiaCodeDetector.facts,
  ]

  private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

  public static func facts(named name: String) -> DriverFacts? { byName[name] }
}
