import DoseCore
import Foundation

/// A configured location with the policy of its kind.
enum LocationMonitor: Sendable {
  case room(IsolationRoomMonitor, LocationConfig)
  case store(WasteStoreMonitor, LocationConfig)

  init(config: LocationConfig) {
    let alarms = DoseAlarmTracker(
      warnUSvH: config.warnUSvH, alarmUSvH: config.alarmUSvH, hysteresis: config.hysteresis)
    switch config.kind {
    case .isolationRoom:
      self = .room(
        IsolationRoomMonitor(
          id: config.id, detectorIDs: config.detectors, occupancy: config.initialOccupancy,
          clearUSvH: config.clearUSvH, alarms: alarms), config)
    case .wasteStore:
      self = .store(
        WasteStoreMonitor(
          id: config.id, detectorIDs: config.detectors, packages: config.packages,
          releaseSurfaceUSvH: config.releaseSurfaceUSvH, alarms: alarms), config)
    }
  }

  var config: LocationConfig {
    switch self {
    case .room(_, let config), .store(_, let config): config
    }
  }

  mutating func assess(detectors: [DetectorAssessment], at date: Date) -> LocationAssessment {
    switch self {
    case .room(var monitor, let config):
      let result = monitor.assess(detectors: detectors)
      self = .room(monitor, config)
      return result
    case .store(var monitor, let config):
      let result = monitor.assess(detectors: detectors, at: date)
      self = .store(monitor, config)
      return result
    }
  }
}
