import DetectorDrivers
import DoseCore
import Foundation

/// Open Gamma Detector firmware 4.x over USB CDC (protocol facts in `OpenGammaCodec`): answers
/// `read info`, `read settings` and `set out …`, and once a second prints the ADC channels of
/// the events registered, `;`-separated, while event output is on. Event counts come from the
/// `CountSource`; channels from a line spectrum.
public struct OpenGammaEmulator: DeviceEmulator {
  /// Where events land: a fraction in a photopeak (Gaussian around `peakChannel`), the rest
  /// spread evenly over the Compton continuum `continuum`.
  public struct LineSpectrum: Sendable, Hashable {
    public var peakChannel: Double
    public var peakSigma: Double
    public var peakFraction: Double
    public var continuum: ClosedRange<UInt32>

    public init(
      peakChannel: Double, peakSigma: Double, peakFraction: Double,
      continuum: ClosedRange<UInt32>
    ) {
      self.peakChannel = peakChannel
      self.peakSigma = peakSigma
      self.peakFraction = peakFraction
      self.continuum = continuum
    }

    /// Cs-137 with keV = 0.2·channel (661.7 keV at channel ≈ 3308): 30 % photopeak with 7 %
    /// FWHM at 662 keV (NaI(Tl)), the rest flat from channel 250 (50 keV) to the Compton edge
    /// (477 keV, channel 2385).
    public static let cs137 = LineSpectrum(
      peakChannel: 3308, peakSigma: 3308 * 0.07 / 2.355, peakFraction: 0.3, continuum: 250...2385)
  }

  public var firmware = "4.3.2"
  public var geigerMode: Bool
  public var trngEnabled = false
  public var spectrum: LineSpectrum
  public private(set) var outputEvents = true

  var source: CountSource
  var rng: SeededGenerator
  var input: [UInt8] = []
  var lastTime: Double?
  var second = 0
  var pending: [UInt32] = []

  public init(
    source: CountSource, spectrum: LineSpectrum = .cs137, geigerMode: Bool = false,
    seed: UInt64 = 7
  ) {
    self.source = source
    self.spectrum = spectrum
    self.geigerMode = geigerMode
    self.rng = SeededGenerator(seed: seed)
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    input += bytes
    var out = ""
    while let end = input.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
      let line = String(decoding: input[..<end], as: UTF8.self)
      input.removeFirst(end + 1)
      let command = line.trimmingCharacters(in: .whitespaces)
      if !command.isEmpty { out += reply(to: command) }
    }
    if input.count > 256 { input.removeAll() }
    return Array(out.utf8)
  }

  public mutating func tick(at time: Double) -> [UInt8] {
    defer { lastTime = time }
    guard let lastTime, time > lastTime else { return [] }
    if !geigerMode {
      let counts = source.counts(over: time - lastTime)
      for _ in 0..<counts { pending.append(channel()) }
    }
    let now = Int(time.rounded(.down))
    guard now != second else { return [] }
    second = now
    // dataOutput(): nothing printed without events; the buffer is cleared either way.
    defer { pending.removeAll() }
    guard outputEvents, !pending.isEmpty else { return [] }
    return Array((pending.map { "\($0);" }.joined() + "\r\n").utf8)
  }

  private mutating func channel() -> UInt32 {
    let maxChannel = Double(OpenGammaCodec.channelCount - 1)
    if rng.nextUnit() < spectrum.peakFraction {
      // Box–Muller.
      let u = Swift.max(rng.nextUnit(), 1e-300)
      let z = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * rng.nextUnit())
      return UInt32(
        Swift.min(Swift.max(spectrum.peakChannel + z * spectrum.peakSigma, 0), maxChannel))
    }
    let width = Double(spectrum.continuum.count)
    return spectrum.continuum.lowerBound + UInt32(Swift.min(rng.nextUnit() * width, width - 1))
  }

  private static func message(_ text: String) -> String { "[#] \(text)\r\n" }

  private mutating func reply(to command: String) -> String {
    switch command {
    case "read info":
      return [
        "=========================", "-- Open Gamma Detector --",
        "By NuclearPhoenix, Open Gamma Project", "2024. https://github.com/OpenGammaProject",
        "Firmware Version: \(firmware)", "=========================", "Runtime: \t\t12.34 s",
      ].map(Self.message).joined() + "[#] Average Dead Time: \t10 µs\r\n"
        + "[#] Power-on hours: \tn/a\r\n"
    case "read settings":
      return """
        {\r
          "ser_output": \(outputEvents),\r
          "geiger_mode": \(geigerMode),\r
          "print_spectrum": false,\r
          "meas_avg": 2,\r
          "enable_display": false,\r
          "enable_trng": \(trngEnabled),\r
          "subtract_baseline": true,\r
          "enable_ticker": false,\r
          "tick_rate": 20\r
        }\r
        \r

        """ + Self.message("Read settings file successfully.")
    case "set out events":
      outputEvents = true
      return Self.message("Set serial output mode to events.")
    case "set out off":
      outputEvents = false
      return Self.message("Disabled serial outputs.")
    case "set mode geiger", "set mode energy":
      geigerMode = command.hasSuffix("geiger")
      return Self.message(geigerMode ? "Enabled geiger mode." : "Enabled energy measuring mode.")
    default:
      return "[!] Command not found: \(command)\r\n"
    }
  }
}
