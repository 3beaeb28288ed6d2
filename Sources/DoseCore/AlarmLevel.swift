/// Dose-rate alarm level of a location.
public enum AlarmLevel: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
  case none
  case warn
  case alarm

  private var rank: Int {
    switch self {
    case .none: 0
    case .warn: 1
    case .alarm: 2
    }
  }

  public static func < (lhs: AlarmLevel, rhs: AlarmLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Warn/alarm levels on a dose rate with hysteresis.
///
/// A level is raised as soon as the point estimate reaches its threshold (fail safe: alarm
/// early), and dropped only when the upper 95 % bound has fallen below the threshold reduced by
/// the hysteresis fraction, so a reading hovering at the threshold does not flap.
public struct DoseAlarmTracker: Sendable {
  public let warnUSvH: Double
  public let alarmUSvH: Double
  /// Fraction of a threshold the upper bound must fall below it before the level clears.
  public let hysteresis: Double
  public private(set) var level: AlarmLevel = .none

  public init(warnUSvH: Double, alarmUSvH: Double, hysteresis: Double = 0.1) {
    self.warnUSvH = warnUSvH
    self.alarmUSvH = alarmUSvH
    self.hysteresis = hysteresis
  }

  public func threshold(for level: AlarmLevel) -> Double? {
    switch level {
    case .none: nil
    case .warn: warnUSvH
    case .alarm: alarmUSvH
    }
  }

  /// Raises the level to at least `floor` whatever the measured rate (an over-range counter
  /// cannot say how high the rate is, only that it is high). It then clears like any level.
  public mutating func raise(to floor: AlarmLevel) {
    level = Swift.max(level, floor)
  }

  /// Updates the level from a dose rate and its interval; returns the new level.
  @discardableResult
  public mutating func update(doseRate: Double, interval: ClosedRange<Double>) -> AlarmLevel {
    var raised = AlarmLevel.none
    if doseRate >= alarmUSvH {
      raised = .alarm
    } else if doseRate >= warnUSvH {
      raised = .warn
    }
    var held = AlarmLevel.none
    if interval.upperBound >= alarmUSvH * (1 - hysteresis) {
      held = .alarm
    } else if interval.upperBound >= warnUSvH * (1 - hysteresis) {
      held = .warn
    }
    level = Swift.max(raised, Swift.min(level, held))
    return level
  }
}
