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
}

/// What a location's detectors say together: who is unfit, and the highest trustworthy rate.
///
/// Only the location's own detectors (`expected`) count. One of them without an assessment is
/// unfit (`stale`, no data): missing data must never let a location look clear (DOMAIN.md safety
/// principle 1).
struct DetectorSummary {
  var unfit: [DetectorAssessment] = []
  var highest: RateEstimate?
  var highestID: String?
  /// Detectors beyond their range: the dose rate is at least their maximum, so alarm.
  var overRangeDetectors: [String] = []
  var overRange: Bool { !overRangeDetectors.isEmpty }

  init(_ assessments: [DetectorAssessment], expected: [String]) {
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
      guard let estimate = detector.estimate, let dose = estimate.doseRateUSvH else { continue }
      if dose > (highest?.doseRateUSvH ?? -1) {
        highest = estimate
        highestID = detector.id
      }
    }
  }

  var faultReasons: [String] {
    unfit.map { "detector \($0.id) is \($0.state.rawValue)" + ($0.reason.map { ": \($0)" } ?? "") }
  }
}
