import DetectorDrivers
import DoseCore

/// Builds the driver for each configured detector.
enum DetectorFactory {
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
