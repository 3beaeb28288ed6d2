import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation

/// Maps the core's assessments onto wire types. Non-finite numbers are omitted: JSON has no
/// infinity, and an unknown value must never be sent as 0.
enum StatusMapping {
  static func detector(
    _ assessment: DetectorAssessment, config: DetectorConfig, identity: DeviceIdentity? = nil,
    counters: LinkCounters? = nil
  ) -> DetectorStatus {
    var status = DetectorStatus(
      id: assessment.id, driver: config.driver.rawValue, state: assessment.state.rawValue)
    status.reason = assessment.reason
    status.ageSeconds = assessment.ageSeconds.flatMap(finite)
    status.lastReadingAt = assessment.lastReading?.wallTime
    if let identity {
      status.device = DeviceStatus(
        model: identity.model, firmware: identity.firmware, serial: identity.serial,
        port: identity.port, baud: identity.baud)
    }
    if let counters {
      status.link = LinkStatus(
        bytesDropped: counters.bytesDropped, resyncs: counters.resyncs,
        checksumFailures: counters.checksumFailures, junkLines: counters.junkLines,
        deviceErrors: counters.deviceErrors)
    }
    if let estimate = assessment.estimate {
      status.cps = estimate.cps.flatMap(finite)
      status.doseRateUSvH = estimate.doseRateUSvH.flatMap(finite)
      status.ci95USvH = interval(estimate.doseRateInterval)
      status.provenance = provenance(estimate)
    }
    return status
  }

  static func provenance(_ estimate: RateEstimate) -> Provenance {
    var provenance = Provenance(
      counts: estimate.counts, windowSeconds: estimate.windowEnd - estimate.windowStart,
      liveSeconds: estimate.liveSeconds, observedCPS: estimate.observedCPS,
      deadTimeFactor: estimate.deadTimeFactor.flatMap(finite),
      deadTimeSeconds: estimate.calibration.deadTimeSeconds,
      sensitivityCpmPerUSvH: estimate.calibration.sensitivityCpmPerUSvH,
      calibrationNuclide: estimate.calibration.nuclide,
      calibrationSource: estimate.calibration.source, energyCorrected: false)
    if let model = estimate.spectrumModel {
      provenance.doseModel = estimate.doseModel
      provenance.gFunctionSource = model.source
      provenance.effectiveCounts = estimate.effectiveCounts.flatMap(finite)
      provenance.outsideGRangeCounts = estimate.spectrumWeights?.outsideRange
    }
    return provenance
  }

  static func location(_ assessment: LocationAssessment, config: LocationConfig)
    -> LocationStatus
  {
    var status = LocationStatus(
      id: assessment.id, kind: assessment.kind.rawValue, state: assessment.state.rawValue,
      alarm: assessment.alarm.rawValue, doseAlarm: assessment.doseAlarm.rawValue,
      detectors: config.detectors, warnUSvH: config.warnUSvH, alarmUSvH: config.alarmUSvH)
    status.reasons = assessment.reasons.isEmpty ? nil : assessment.reasons
    status.doseRateUSvH = assessment.doseRateUSvH.flatMap(finite)
    status.ci95USvH = interval(assessment.doseRateInterval)
    status.doseRateDetector = assessment.doseRateDetector
    switch config.kind {
    case .isolationRoom:
      status.clearUSvH = config.clearUSvH
      status.nuclide = config.nuclide
    case .wasteStore:
      status.releaseSurfaceUSvH = config.releaseSurfaceUSvH
      status.packages = assessment.packages.map {
        PackageStatus(
          id: $0.id, state: $0.state.rawValue, nuclides: $0.nuclides,
          surfaceUSvHNow: $0.surfaceUSvHNow, releaseDueAt: $0.releaseDueAt)
      }
    }
    return status
  }

  static func interval(_ range: ClosedRange<Double>?) -> [Double]? {
    guard let range, range.lowerBound.isFinite, range.upperBound.isFinite else { return nil }
    return [range.lowerBound, range.upperBound]
  }

  static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
}
