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

/// Warn/alarm levels of a location, raised by statistical evidence and cleared with hysteresis.
///
/// A level is raised when a detector's sequential test for its threshold fires
/// (`ThresholdTest`: CUSUM, at most one false alarm per detector-year at half the threshold) or
/// when the 95 % lower bound of the dose rate reaches the threshold. A bare point estimate never
/// raises a level: at low counts it swings far above the truth (issue 5: "prone to false alarms").
/// A level is dropped only when the upper 95 % bound has fallen below the threshold reduced by
/// the hysteresis fraction, so a reading hovering at the threshold does not flap.
public struct DoseAlarmTracker: Sendable {
  public let warnUSvH: Double
  public let alarmUSvH: Double
  /// Fraction of a threshold the upper bound must fall below it before the level clears.
  public let hysteresis: Double
  public private(set) var level: AlarmLevel = .none
  /// What raised each active level (kept while the level holds).
  public private(set) var evidence: [AlarmLevel: AlarmEvidence] = [:]

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
  public mutating func raise(to floor: AlarmLevel, evidence reason: AlarmEvidence? = nil) {
    if floor > .none, evidence[floor] == nil, let reason { evidence[floor] = reason }
    level = Swift.max(level, floor)
  }

  /// Updates the level; returns it.
  /// - Parameters:
  ///   - interval: the location's 95 % dose-rate interval, nil when no detector gives one (the
  ///     level then holds: missing data never clears an alarm).
  ///   - fired: evidence of the sequential tests that fired, per level.
  @discardableResult
  public mutating func update(
    interval: ClosedRange<Double>?, fired: [AlarmLevel: AlarmEvidence] = [:]
  ) -> AlarmLevel {
    var raised = AlarmLevel.none
    var raisedBy: [AlarmLevel: AlarmEvidence] = [:]
    for candidate in [AlarmLevel.warn, .alarm] {
      guard let threshold = threshold(for: candidate) else { continue }
      if let test = fired[candidate] {
        raised = candidate
        raisedBy[candidate] = test
      } else if let interval, interval.lowerBound >= threshold {
        raised = candidate
        raisedBy[candidate] = AlarmEvidence(
          method: "lower_bound", thresholdUSvH: threshold, statistic: interval.lowerBound,
          decisionValue: threshold, counts: 0, windowSeconds: 0)
      }
    }
    var held = level
    if let interval {
      if interval.upperBound >= alarmUSvH * (1 - hysteresis) {
        held = .alarm
      } else if interval.upperBound >= warnUSvH * (1 - hysteresis) {
        held = .warn
      } else {
        held = .none
      }
    }
    level = Swift.max(raised, Swift.min(level, held))
    for active in [AlarmLevel.warn, .alarm] {
      if active > level {
        evidence[active] = nil
      } else if evidence[active] == nil {
        evidence[active] = raisedBy[active] ?? raisedBy[.alarm]
      }
    }
    return level
  }
}
