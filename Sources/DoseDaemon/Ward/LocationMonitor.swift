import DoseCore
import Foundation

/// A configured location with the policy of its kind.
enum LocationMonitor: Sendable {
  case room(IsolationRoomMonitor, LocationConfig)
  case store(WasteStoreMonitor, LocationConfig)

  /// - Parameter calibrations: of every configured detector, for the energy corrections.
  init(config: LocationConfig, calibrations: [String: Calibration] = [:]) {
    let alarms = DoseAlarmTracker(
      warnUSvH: config.warnUSvH, alarmUSvH: config.alarmUSvH, hysteresis: config.hysteresis,
      falseAlarmsPerYear: config.falseAlarmsPerYear)
    switch config.kind {
    case .isolationRoom:
      self = .room(
        IsolationRoomMonitor(
          id: config.id, detectorIDs: config.detectors, occupancy: config.room.initialOccupancy,
          clearUSvH: config.room.clearUSvH, alarms: alarms,
          corrections: Self.corrections(config, calibrations)), config)
    case .wasteStore:
      self = .store(
        WasteStoreMonitor(
          id: config.id, detectorIDs: config.detectors, packages: config.store.packages,
          releaseSurfaceUSvH: config.store.releaseSurfaceUSvH, alarms: alarms), config)
    }
  }

  /// Energy corrections of the location's detectors for its declared nuclide.
  static func corrections(_ config: LocationConfig, _ calibrations: [String: Calibration])
    -> [String: EnergyCorrection]
  {
    var result: [String: EnergyCorrection] = [:]
    for id in config.detectors {
      if let calibration = calibrations[id],
        let correction = EnergyCorrection(calibration: calibration, nuclide: config.nuclide)
      {
        result[id] = correction
      }
    }
    return result
  }

  /// The sequential tests this location asks each of its detectors to run: its warn and alarm
  /// levels and, for rooms, the clearance level.
  static func tests(_ config: LocationConfig, detector id: String, calibration: Calibration)
    -> (thresholds: [(key: String, test: ThresholdTest)], limits: [(key: String, test: LimitTest)])
  {
    let correction = EnergyCorrection(calibration: calibration, nuclide: config.nuclide)
    let detectorDose: (Double) -> Double = { correction?.detectorDose($0) ?? $0 }
    var thresholds: [(key: String, test: ThresholdTest)] = []
    for (level, threshold) in [(AlarmLevel.warn, config.warnUSvH), (.alarm, config.alarmUSvH)] {
      thresholds.append(
        (
          ThresholdTest.key(config.id, level),
          ThresholdTest(
            thresholdUSvH: threshold, calibration: calibration,
            falseAlarmsPerYear: config.falseAlarmsPerYear, detectorDose: detectorDose)
        ))
    }
    var limits: [(key: String, test: LimitTest)] = []
    if config.kind == .isolationRoom {
      limits.append(
        (
          config.id,
          LimitTest(
            limitUSvH: config.room.clearUSvH, calibration: calibration, detectorDose: detectorDose)
        ))
    }
    return (thresholds, limits)
  }

  /// Sets a room's occupancy (restored records, operator actions); no effect on a store.
  mutating func setOccupancy(_ occupancy: RoomOccupancy) {
    guard case .room(var monitor, let config) = self else { return }
    monitor.setOccupancy(occupancy)
    self = .room(monitor, config)
  }

  /// The room's monitor, nil for a store.
  var room: IsolationRoomMonitor? {
    if case .room(let monitor, _) = self { return monitor }
    return nil
  }

  var config: LocationConfig {
    switch self {
    case .room(_, let config), .store(_, let config): config
    }
  }

  mutating func assess(
    detectors: [DetectorAssessment], at date: Date, packages: [PackageAssessment]? = nil
  ) -> LocationAssessment {
    switch self {
    case .room(var monitor, let config):
      let result = monitor.assess(detectors: detectors)
      self = .room(monitor, config)
      return result
    case .store(var monitor, let config):
      let result = monitor.assess(detectors: detectors, at: date, packageStates: packages)
      self = .store(monitor, config)
      return result
    }
  }
}
