import Foundation

public enum LocationKind: String, Sendable, Hashable, Codable, CaseIterable {
  case isolationRoom = "isolation_room"
  case wasteStore = "waste_store"
}

/// The state a location shows. Isolation rooms use occupied / awaiting_clearance / clear; waste
/// stores holding / release_due. Both use `fault` when a detector they depend on is not `ok`.
public enum LocationState: String, Sendable, Hashable, Codable, CaseIterable {
  case occupied
  case awaitingClearance = "awaiting_clearance"
  case clear
  case holding
  case releaseDue = "release_due"
  case fault
}

/// One location as the core judges it at one moment.
public struct LocationAssessment: Sendable, Hashable {
  public let id: String
  public let kind: LocationKind
  public let state: LocationState
  /// Why the location is in its state when that is not self-evident (faults, reversions).
  public let reasons: [String]
  /// Highest dose rate among the location's working detectors; nil when none works.
  public let doseRateUSvH: Double?
  public let doseRateInterval: ClosedRange<Double>?
  /// The detector the dose rate comes from.
  public let doseRateDetector: String?
  /// Alarm shown to operators: the dose level, raised to `alarm` while the location is in fault
  /// (no trustworthy data is an alarm condition, DOMAIN.md safety principle 1).
  public let alarm: AlarmLevel
  /// The dose-rate level alone, with hysteresis.
  public let doseAlarm: AlarmLevel
  public let packages: [PackageAssessment]
  /// Detectors of this location that are beyond their measuring range (the dose alarm then
  /// stands for "at least their maximum", not for `doseRateUSvH`).
  public var overRangeDetectors: [String] = []
  /// The energy correction behind `doseRateUSvH`, nil when the value is as the detector read it.
  public var energyCorrection: EnergyCorrection?
  /// What raised each active dose-alarm level.
  public var alarmEvidence: [AlarmLevel: AlarmEvidence] = [:]
  /// For isolation rooms: is the ambient dose rate below the clearance level?
  public var clearance: ClearanceAssessment?
}

/// The clearance decision of a room, with what it rests on.
public struct ClearanceAssessment: Sendable, Hashable {
  public enum Decision: String, Sendable, Hashable, Codable {
    /// Sequential test and 95 % upper bound both below the limit.
    case below
    /// 95 % lower bound above the limit: distinguishably above.
    case above
    /// Neither yet: keep counting.
    case undecided
  }

  public let limitUSvH: Double
  public let decision: Decision
  /// Highest 95 % upper bound among the room's detectors, µSv/h (energy-corrected where the
  /// dose rate is).
  public let upper95USvH: Double?
  /// Expected seconds more counting to decide `below`; nil when decided, or when counting at the
  /// present rate cannot show it (too close to or above the limit).
  public let needsCountingSeconds: Double?
  /// Smallest sequential statistic among the detectors and the value it must reach.
  public let statistic: Double?
  public let decisionValue: Double?
  public let reasons: [String]
}

/// What a location's detectors say together: who is unfit, and the highest trustworthy rate.
///
/// Only the location's own detectors (`expected`) count. One of them without an assessment is
/// unfit (`stale`, no data): missing data must never let a location look clear (DOMAIN.md safety
/// principle 1).
struct DetectorSummary {
  var unfit: [DetectorAssessment] = []
  var fit: [DetectorAssessment] = []
  var highest: RateEstimate?
  var highestID: String?
  /// The location's dose rate and interval from the highest detector (energy-corrected where
  /// that detector has a correction for the location's nuclide).
  var doseRate: Double?
  var doseInterval: ClosedRange<Double>?
  var correction: EnergyCorrection?
  /// Detectors beyond their range: the dose rate is at least their maximum, so alarm.
  var overRangeDetectors: [String] = []
  var overRange: Bool { !overRangeDetectors.isEmpty }

  /// Energy corrections by detector, as given.
  let corrections: [String: EnergyCorrection]

  init(
    _ assessments: [DetectorAssessment], expected: [String],
    corrections: [String: EnergyCorrection] = [:]
  ) {
    self.corrections = corrections
    var detectors: [DetectorAssessment] = []
    for id in expected {
      if let assessment = assessments.first(where: { $0.id == id }) {
        detectors.append(assessment)
      } else {
        detectors.append(
          DetectorAssessment(
            id: id, state: .stale, reason: "no assessment for this detector", estimate: nil,
            ageSeconds: nil, lastReading: nil))
      }
    }
    for detector in detectors {
      if detector.overRange { overRangeDetectors.append(detector.id) }
      if detector.state != .ok {
        unfit.append(detector)
        continue
      }
      fit.append(detector)
      guard let estimate = detector.estimate, let raw = estimate.doseRateUSvH,
        let rawInterval = estimate.doseRateInterval
      else { continue }
      let correction = corrections[detector.id]
      let dose = correction?.corrected(raw) ?? raw
      if dose > (doseRate ?? -.infinity) {
        highest = estimate
        highestID = detector.id
        doseRate = dose
        doseInterval = correction?.corrected(rawInterval) ?? rawInterval
        self.correction = correction
      }
    }
  }

  /// The highest strict lower bound among the fit detectors (energy-corrected like the
  /// location's value), for the alarm's lower-bound path; each detector's α follows its reading
  /// interval (`DoseAlarmTracker.lowerBoundAlpha`). Only detectors whose point estimate reaches
  /// `floorUSvH` are bounded (the lower bound is below the point estimate, so no other can
  /// reach it): this keeps the quantile out of the quiet path.
  func strictLowerBound(falseAlarmsPerYear: Double, floorUSvH: Double) -> StrictLowerBound? {
    var best: StrictLowerBound?
    for detector in fit {
      guard let estimate = detector.estimate, let raw = estimate.doseRateUSvH else { continue }
      let correction = corrections[detector.id]
      guard (correction?.corrected(raw) ?? raw) >= floorUSvH else { continue }
      let alpha = DoseAlarmTracker.lowerBoundAlpha(
        falseAlarmsPerYear: falseAlarmsPerYear,
        readingIntervalSeconds: detector.lastReading?.intervalSeconds ?? 1)
      guard
        let bound = DoseAlarmTracker.strictLowerBound(
          estimate, alpha: alpha, correct: { correction?.corrected($0) ?? $0 }),
        bound > (best?.doseRateUSvH ?? -.infinity)
      else { continue }
      best = StrictLowerBound(
        doseRateUSvH: bound, alpha: alpha, counts: Double(estimate.counts),
        seconds: estimate.liveSeconds, detector: detector.id)
    }
    return best
  }

  /// Evidence of the fired alarm tests of `location`, per level (first detector that fired).
  func firedTests(location: String) -> [AlarmLevel: AlarmEvidence] {
    var fired: [AlarmLevel: AlarmEvidence] = [:]
    for level in [AlarmLevel.warn, .alarm] {
      for detector in fit {
        guard var evidence = detector.thresholdTests[ThresholdTest.key(location, level)]?.evidence
        else { continue }
        evidence.detector = detector.id
        fired[level] = evidence
        break
      }
    }
    return fired
  }

  var faultReasons: [String] {
    unfit.map { "detector \($0.id) is \($0.state.rawValue)" + ($0.reason.map { ": \($0)" } ?? "") }
  }
}

extension DoseAlarmTracker {
  /// Updates the level from a location's detectors, as the engine does.
  @discardableResult
  mutating func update(summary: DetectorSummary, location: String) -> AlarmLevel {
    update(
      interval: summary.doseInterval,
      lowerBound: summary.strictLowerBound(
        falseAlarmsPerYear: falseAlarmsPerYear, floorUSvH: Swift.min(warnUSvH, alarmUSvH)),
      fired: summary.firedTests(location: location))
  }
}
