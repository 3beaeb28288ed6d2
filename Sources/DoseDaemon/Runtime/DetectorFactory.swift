import DetectorDrivers
import DoseCore

/// Builds the driver for each configured detector.
enum DetectorFactory {
  static func driver(for config: DetectorConfig, directory: DeviceDirectory) -> any DetectorDriver {
    let id = config.id
    // The loader requires a port or a match for every serial driver.
    let path: SerialDetector.Port =
      config.match.map { .matched(directory, description: $0.summary) }
      ?? .fixed(config.port ?? "/dev/null")
    let bauds = config.baud.candidates
    let parser: any LineParser
    switch config.driver {
    case .simulated:
      return simulated(config)
    case .modbus:
      // The loader requires [detector.modbus] for this driver; the fallback is never used.
      let options = config.modbus ?? ModbusOptions(slave: 1, register: 0, quantity: .counts)
      return SerialDetector(id: id, port: path, bauds: bauds) {
        ModbusSession(detectorID: id, options: options)
      }
    case .mightyohm:
      parser = MightyOhmParser()
    case .gc10:
      parser = GC10Parser()
    case .bgeigie:
      parser = BGeigieParser()
    case .line:
      let options = config.line ?? LineOptions(pattern: "(?<counts>\\d+)")
      // The loader already compiled this pattern; a failure here is a programming error.
      parser =
        (try? RegexLineParser(pattern: options.pattern, intervalSeconds: options.intervalSeconds))
        ?? GC10Parser()
    case .gmc:
      return SerialDetector(id: id, port: path, bauds: bauds) { GMCSession(detectorID: id) }
    case .radpro:
      return SerialDetector(id: id, port: path, bauds: bauds) { RadProSession(detectorID: id) }
    case .opengamma:
      return SerialDetector(id: id, port: path, bauds: bauds) {
        OpenGammaSession(detectorID: id)
      }
    case .radiacode:
      // The loader checked the match; libusb finds the device itself (no tty, no directory).
      let selector = config.match.flatMap { try? RadiaCodeDetector.selector(for: $0) }
      return RadiaCodeDetector(
        id: id, selector: selector ?? .init(), spectrumInterval: config.spectrumIntervalSeconds)
    }
    return SerialDetector(id: id, port: path, bauds: bauds) {
      LineSession(detectorID: id, parser: parser)
    }
  }

  static func simulated(_ config: DetectorConfig) -> SimulatedDetector {
    let options = config.simulated ?? SimulatedDetectorOptions()
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
