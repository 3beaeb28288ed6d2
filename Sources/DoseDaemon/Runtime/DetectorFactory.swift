import DetectorDrivers
import DoseCore

/// Builds the driver for each configured detector. A serial driver that needs nothing but its
/// detector id is built from its `DriverFacts.makeSession`; only drivers with a configuration
/// table of their own, or no serial port, are named here.
enum DetectorFactory {
  static func driver(for config: DetectorConfig, directory: DeviceDirectory) -> any DetectorDriver {
    let id = config.id
    // The loader requires a port or a match for every serial driver.
    let path: SerialDetector.Port =
      config.link.match.map { .matched(directory, description: $0.summary) }
      ?? .fixed(config.link.port ?? "/dev/null")
    let bauds = config.link.baud.candidates
    switch config.driver {
    case .simulated:
      return simulated(config)
    case .radiacode:
      // The loader checked the match; libusb finds the device itself (no tty, no directory).
      let selector = config.link.match.flatMap { try? RadiaCodeDetector.selector(for: $0) }
      return RadiaCodeDetector(
        id: id, selector: selector ?? .init(),
        spectrumInterval: config.options.spectrumIntervalSeconds)
    case .modbus:
      // The loader requires [detector.modbus] for this driver; the fallback is never used.
      let options = config.options.modbus ?? ModbusOptions(slave: 1, register: 0, quantity: .counts)
      return SerialDetector(id: id, port: path, bauds: bauds) {
        ModbusSession(detectorID: id, options: options)
      }
    case .line:
      let options = config.options.line ?? LineOptions(pattern: "(?<counts>\\d+)")
      // The loader already compiled this pattern; a failure here is a programming error.
      let parser: any LineParser =
        (try? RegexLineParser(pattern: options.pattern, intervalSeconds: options.intervalSeconds))
        ?? GC10Parser()
      return SerialDetector(id: id, port: path, bauds: bauds) {
        LineSession(detectorID: id, parser: parser)
      }
    default:
      guard let makeSession = config.driver.facts.makeSession else {
        preconditionFailure("driver \(config.driver.rawValue) has no session and no case here")
      }
      return SerialDetector(id: id, port: path, bauds: bauds) { makeSession(id) }
    }
  }

  static func simulated(_ config: DetectorConfig) -> SimulatedDetector {
    let options = config.options.simulated ?? SimulatedDetectorOptions()
    let scenario = SimulatedScenario(
      backgroundUSvH: options.backgroundUSvH,
      sources: options.sources.map {
        SimulatedScenario.Source(
          doseRateUSvH: $0.doseRateUSvH, halfLifeSeconds: $0.halfLifeSeconds,
          start: $0.startHours * Time.hour, end: $0.endHours.map { $0 * Time.hour })
      },
      faults: options.faults.map {
        let start = $0.startHours * Time.hour
        return SimulatedScenario.Fault(
          kind: SimulatedScenario.FaultKind(rawValue: $0.kind.rawValue) ?? .disconnect,
          start: start, end: $0.durationHours.map { start + $0 * Time.hour })
      },
      seed: options.seed ?? SeededGenerator.seed(for: config.id))
    return SimulatedDetector(
      id: config.id, scenario: scenario, calibration: config.calibration,
      intervalSeconds: config.readingIntervalSeconds)
  }
}
