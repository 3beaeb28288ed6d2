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

  /// Protocols with an emulator.
  public static let protocols = [
    "bgeigie", "gc10", "gmc", "mightyohm", "modbus", "opengamma", "radpro",
  ]

  public static func make(_ name: String, options: Options) -> (any DeviceEmulator)? {
    let source = CountSource(cpm: options.cpm, seed: options.seed)
    switch name {
    case "mightyohm": return MightyOhmEmulator(source: source)
    case "gc10": return GC10Emulator(source: source)
    case "bgeigie": return BGeigieEmulator(source: source)
    case "gmc": return GMCEmulator(source: source)
    case "radpro": return RadProEmulator(source: source)
    case "modbus": return ModbusEmulator(source: source)
    case "opengamma": return OpenGammaEmulator(source: source, seed: options.seed &+ 1)
    default: return nil
    }
  }
}
