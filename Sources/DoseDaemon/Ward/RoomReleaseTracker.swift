import DoseCore
import Foundation

/// One occupied room's release question: the patient's dose rate at the limit's distance
/// against the limit, and a clearance curve fitted to the room's dose-rate series to predict
/// when it will be reached.
///
/// Samples are the room's dose rate (as served: highest detector, energy-corrected where
/// configured) once per clock minute, weighted by the counts of the window behind them. Windows
/// of neighbouring samples can overlap, so the weights are somewhat optimistic; the fit widens
/// its covariance by χ²/ν when the scatter says so.
struct RoomReleaseTracker: Sendable {
  static let sampleEvery = 60.0
  /// Refit at most this often (clock seconds): fitting thousands of points 4× a second is waste.
  static let refitEvery = 60.0

  var samples: [ClearanceSample] = []
  private var lastSampleAt: Date?
  private var fit: ClearanceFit?
  private var fitError: String?
  private var lastFitAt: Date?

  /// Adds the room's current dose rate as a sample (at most once per `sampleEvery`).
  /// - Parameter measuredAt: when the value was measured (the middle of its averaging window;
  ///   for a decaying source the window mean is its value there), default `time`.
  mutating func sample(
    _ assessment: LocationAssessment, admittedAt: Date, at time: Date, counts: UInt64?,
    measuredAt: Date? = nil
  ) {
    guard assessment.state != .fault, let dose = assessment.doseRateUSvH, dose > 0,
      dose.isFinite
    else { return }
    if let last = lastSampleAt, time.timeIntervalSince(last) < Self.sampleEvery { return }
    lastSampleAt = time
    let t = (measuredAt ?? time).timeIntervalSince(admittedAt)
    if let last = samples.last, t <= last.timeSeconds { return }
    guard t >= 0 else { return }
    if let counts, counts > 0 {
      samples.append(ClearanceSample(timeSeconds: t, doseRateUSvH: dose, counts: Double(counts)))
    } else {
      samples.append(ClearanceSample(timeSeconds: t, doseRateUSvH: dose))
    }
  }

  /// Fits when stale; returns the fit, nil when there is none (`fitError` says why).
  mutating func currentFit(at time: Date) -> ClearanceFit? {
    if let last = lastFitAt, time.timeIntervalSince(last) < Self.refitEvery { return fit }
    lastFitAt = time
    // Clearance starts at the peak: before it the patient may still be settling in (or, in a
    // simulation, not there yet), which no decay curve describes.
    let peak = samples.indices.max { samples[$0].doseRateUSvH < samples[$1].doseRateUSvH }
    let falling = peak.map { Array(samples[$0...]) } ?? []
    // Counts-weighted and unweighted samples cannot be mixed: keep the weighted ones if any.
    let weighted = falling.filter { $0.standardUncertaintyUSvH != nil }
    let input = weighted.count >= 3 ? weighted : falling
    switch ClearanceFitter.fit(input) {
    case .success(let result):
      fit = result
      fitError = nil
    case .failure(let error):
      fit = nil
      fitError = error.description
    }
    return fit
  }

  /// The release question of an occupied room.
  mutating func status(
    admission: AdmissionRecord, rule: ReleaseRule?, configGeometry: Double?,
    assessment: LocationAssessment?, at time: Date
  ) -> RoomRelease {
    guard let rule else {
      return RoomRelease(
        reason: "no release limit configured for this room (release_preset or a site limit)")
    }
    let limit: ReleaseLimit
    switch rule.limit(for: admission.nuclide) {
    case .success(let resolved): limit = resolved
    case .failure(let error): return RoomRelease(reason: error.description)
    }
    var release = RoomRelease(reason: "")
    release.limit = limit
    // The geometry factor: a handheld calibration at admission, else the room's commissioning
    // value. Both are at 1 m.
    guard let factor = admission.geometryFactor ?? configGeometry else {
      release.reason =
        "no geometry factor: calibrate the room with a handheld reading at 1 m "
        + "(dosectl room calibrate ROOM --at-1m …)"
      return release
    }
    release.outlook = outlook(limit: limit, factor: factor, admission: admission, at: time)
    guard let assessment, assessment.state != .fault else {
      release.reason = "the room is in fault: no release decision on untrustworthy data"
      return release
    }
    guard let dose = assessment.doseRateUSvH, let interval = assessment.doseRateInterval,
      let geometry = try? RoomGeometry(factor: factor, distanceM: 1, basis: "room geometry")
    else {
      release.reason = "no dose rate from the room's detectors"
      return release
    }
    let patient = geometry.patientDoseRate(
      detectorUSvH: dose, detectorLower95USvH: interval.lowerBound,
      detectorUpper95USvH: interval.upperBound)
    release.patient = patient
    let verdict = ReleaseEligibility.assess(patient, limit: limit)
    release.eligible = verdict.eligible
    release.reason = verdict.reason
    return release
  }

  /// When the clearance curve reaches the limit, from the fit; nil without one.
  private mutating func outlook(
    limit: ReleaseLimit, factor: Double, admission: AdmissionRecord, at time: Date
  ) -> ReleaseOutlook? {
    // The samples are room (detector-scale) dose rates: the limit in the same scale. A 2 m
    // limit is never compared with 1 m geometry (ReleaseEligibility says so); no prediction.
    guard limit.distanceM == 1, let fit = currentFit(at: time) else { return nil }
    let admittedAt = admission.admittedAt
    let prediction = fit.predictTime(toReach: limit.limitUSvH / factor)
    return ReleaseOutlook(
      samples: fit.sampleCount, model: fit.model,
      halfLifeSeconds: fit.terminalHalfLifeSeconds,
      halfLifeUncertaintySeconds: fit.terminalHalfLifeStandardUncertaintySeconds,
      at: prediction.timeSeconds.map { admittedAt.addingTimeInterval($0) },
      earliest: prediction.earliestSeconds.map { admittedAt.addingTimeInterval($0) },
      latest: prediction.latestSeconds.map { admittedAt.addingTimeInterval($0) },
      slow: Self.slowClearanceCriterion(for: admission.nuclide)?.assess(fit))
  }

  /// Only Lu-177 has a sourced expectation (Kurth et al. 2018, `SlowClearanceCriterion`).
  static func slowClearanceCriterion(for nuclide: String) -> SlowClearanceCriterion? {
    NuclideTable.lookup(nuclide)?.symbol == "Lu-177" ? .lutetium177PSMA : nil
  }
}
