/// The emulators `dose-emulate` and the tests can start, by protocol name (the same names as
/// the `driver` key in the configuration).
public enum EmulatorCatalog {
  public struct Options: Sendable {
    /// Counts per minute the emulated tube registers.
    public var cpm: Double
    public var seed: UInt64

    public init(cpm: Double, seed: UInt64 = 1) {
      self.cpm = cpm
      self.seed = seed
    }
  }

  /// The emulators by driver name: one entry per protocol, so a new driver's emulator is added
  /// in one place.
  private static let makers: [String: @Sendable (CountSource, Options) -> any DeviceEmulator] = [
    "mightyohm": { source, _ in MightyOhmEmulator(source: source) },
    "gc10": { source, _ in GC10Emulator(source: source) },
    "bgeigie": { source, _ in BGeigieEmulator(source: source) },
    "gmc": { source, _ in GMCEmulator(source: source) },
    "radpro": { source, _ in RadProEmulator(source: source) },
    "modbus": { source, _ in ModbusEmulator(source: source) },
    "opengamma": { source, options in OpenGammaEmulator(source: source, seed: options.seed &+ 1) },
  ]

  /// Protocols with an emulator, sorted.
  public static let protocols = makers.keys.sorted()

  public static func make(_ name: String, options: Options) -> (any DeviceEmulator)? {
    makers[name].map { $0(CountSource(cpm: options.cpm, seed: options.seed), options) }
  }
}
