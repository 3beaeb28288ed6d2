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
    let calibration = estimate.calibration
    provenance.deadTimeModel = calibration.deadTimeModel.rawValue
    provenance.calibrationDate = calibration.calibratedOn
    provenance.intrinsicBackgroundCPS =
      calibration.intrinsicBackgroundCPS > 0 ? calibration.intrinsicBackgroundCPS : nil
    provenance.windowCutByChange = estimate.windowCutByChange
    if let net = estimate.net, let background = calibration.background,
      net.netDoseRateUSvH.isFinite
    {
      provenance.net = NetStatus(
        doseRateUSvH: net.netDoseRateUSvH, ci95USvH: interval(net.netDoseRateInterval),
        decisionThresholdUSvH: net.decisionThresholdUSvH,
        detectionLimitUSvH: net.detectionLimitUSvH, distinguishable: net.distinguishable,
        backgroundCounts: background.counts, backgroundSeconds: background.seconds,
        backgroundMeasuredAt: background.measuredAt)
    }
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
      status.clearUSvH = config.room.clearUSvH
      status.nuclide = config.nuclide
      status.energyCorrected = assessment.energyCorrection != nil
      status.energyCorrection = assessment.energyCorrection.map {
        EnergyCorrectionStatus(
          nuclide: $0.nuclide, factor: $0.factor, backgroundUSvH: $0.backgroundUSvH,
          source: $0.source)
      }
      status.clearance = assessment.clearance.map(clearance)
    case .wasteStore:
      status.releaseSurfaceUSvH = config.store.releaseSurfaceUSvH
      status.packages = assessment.packages.map(package)
    }
    return status
  }

  static func package(_ assessment: PackageAssessment) -> PackageStatus {
    var status = PackageStatus(
      id: assessment.id, state: assessment.state.rawValue, nuclides: assessment.nuclides,
      surfaceUSvHNow: assessment.surfaceUSvHNow.flatMap(finite),
      releaseDueAt: assessment.releaseDueAt)
    status.reasons = assessment.reasons.isEmpty ? nil : assessment.reasons
    return status
  }

  static func clearance(_ assessment: ClearanceAssessment) -> ClearanceStatus {
    var status = ClearanceStatus(
      limitUSvH: assessment.limitUSvH, decision: assessment.decision.rawValue)
    status.upper95USvH = assessment.upper95USvH.flatMap(finite)
    status.needsCountingSeconds = assessment.needsCountingSeconds.flatMap(finite)
    status.statistic = assessment.statistic.flatMap(finite)
    status.decisionValue = assessment.decisionValue.flatMap(finite)
    status.reasons = assessment.reasons.isEmpty ? nil : assessment.reasons
    return status
  }

  static func evidence(_ evidence: AlarmEvidence) -> AlarmEvidenceStatus {
    AlarmEvidenceStatus(
      method: evidence.method.rawValue, detector: evidence.detector,
      thresholdUSvH: evidence.thresholdUSvH, statistic: evidence.statistic,
      decisionValue: evidence.decisionValue, counts: evidence.counts,
      windowSeconds: evidence.windowSeconds, designRatesCPS: evidence.designRatesCPS)
  }

  static func interval(_ range: ClosedRange<Double>?) -> [Double]? {
    guard let range, range.lowerBound.isFinite, range.upperBound.isFinite else { return nil }
    return [range.lowerBound, range.upperBound]
  }

  static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
}
