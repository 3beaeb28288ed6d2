import DoseCore
import DoseProtocol
import Foundation

/// A release survey in progress at a store's survey detector.
struct SurveySession {
  let package: String
  let surveyor: String
  let actor: ActorIdentity?
  /// Only readings that start after this (monotonic clock seconds) count.
  let startMonotonic: Double
  let targetSeconds: Double
  let deadlineMonotonic: Double
  var counts: UInt64 = 0
  var seconds = 0.0
  let continuation: CheckedContinuation<Result<SurveyResult, ControlFailure>, Never>
}

/// Waste stores: packages (records), their rule, release surveys and releases.
extension Engine {
  static var configOrigin: String { WasteBook.configOrigin }
  /// The state of a package whose store is not configured.
  static let orphanState = "orphan"

  /// Loads the packages: the records', plus configured ones not yet recorded (which are then
  /// recorded, so that a survey or release of them is kept).
  func loadWaste(from store: RecordStore) throws {
    let recorded = try store.wastePackages()
    let time = clock.now().wallTime
    var book = WasteBook(packages: recorded)
    for configured in book.missing(from: ward.locations, at: time) {
      try store.record(
        package: configured,
        event: StoredEvent(
          WardRecord(
            time: time, kind: .wasteAdd, location: configured.store,
            message: "package \(configured.id) from the configuration")))
      book.put(configured)
    }
    ward.waste = book
  }

  // MARK: Commands

  public func addWaste(_ request: WasteAddRequest, actor: ActorIdentity?)
    async throws(ControlFailure) -> WastePackageDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard let store = ward.location(request.store), store.config.kind == .wasteStore else {
      let stores = ward.locations.filter { $0.config.kind == .wasteStore }.map(\.config.id)
      throw ControlFailure(
        .notFound, "no waste store '\(request.store)' (stores: \(stores.joined(separator: ", ")))")
    }
    let id = request.package.trimmingCharacters(in: .whitespaces)
    guard !id.isEmpty, id.count <= 64 else {
      throw ControlFailure(.badRequest, "package must be an id of 1 to 64 characters")
    }
    guard ward.waste.package(id) == nil else {
      throw ControlFailure(.refused, "package \(id) is already recorded")
    }
    var activities: [String: Double] = [:]
    for (symbol, bq) in request.activitiesBq {
      guard let nuclide = NuclideTable.lookup(symbol) else {
        throw ControlFailure(.badRequest, "unknown nuclide '\(symbol)'")
      }
      guard bq > 0, bq.isFinite else {
        throw ControlFailure(.badRequest, "activity of \(nuclide.symbol) must be > 0 Bq")
      }
      activities[nuclide.symbol] = bq
    }
    guard !activities.isEmpty else {
      throw ControlFailure(.badRequest, "a package needs at least one nuclide with its activity")
    }
    if let mass = request.massG, !(mass > 0 && mass.isFinite) {
      throw ControlFailure(.badRequest, "mass must be > 0 g")
    }
    if let surface = request.surfaceUSvH, !(surface >= 0 && surface.isFinite) {
      throw ControlFailure(.badRequest, "surface dose rate must be ≥ 0 µSv/h")
    }
    var route: Lu177Route?
    if let name = request.route {
      guard let known = Lu177Route(rawValue: name.lowercased()) else {
        throw ControlFailure(
          .badRequest,
          "route must be ca (carrier-added Lu-177) or nca (no-carrier-added), got '\(name)'")
      }
      route = known
    }
    let time = clock.now().wallTime
    let sealedAt = try actionTime(request.at, what: "sealing time")
    let record = WastePackageRecord(
      id: id, store: store.config.id, rule: store.config.store.wasteRule.rawValue,
      sealedAt: sealedAt, activitiesBq: activities, massGrams: request.massG,
      surfaceUSvH: request.surfaceUSvH, surfaceShares: nil, addedAt: time, origin: "dosectl",
      route: route)
    guard let batch = record.batch else {
      throw ControlFailure(.badRequest, "the inventory is not valid")
    }
    let acceptance = store.config.store.wasteRule.acceptance(of: batch)
    guard acceptance.isAccepted else {
      throw ControlFailure(
        .refused,
        "store \(store.config.id) (\(store.config.store.wasteRule.rawValue)) cannot accept package "
          + "\(id): " + acceptance.reasons.joined(separator: "; "))
    }
    let summary =
      activities.sorted { $0.key < $1.key }.map {
        "\($0.key) " + String(format: "%.3g Bq", $0.value)
      }.joined(separator: ", ") + (route.map { " (Lu-177 route \($0.rawValue))" } ?? "")
    try await persistPackage(
      record,
      event: WardRecord(
        time: time, kind: .wasteAdd, location: store.config.id,
        message: "package \(id) sealed \(Self.iso(record.sealedAt)): \(summary)", actor: actor))
    ward.waste.put(record)
    return try wasteDetail(id)
  }

  public func wasteList(store: String?) throws(ControlFailure) -> [WastePackageDetail] {
    var result: [WastePackageDetail] = []
    for record in ward.waste.packages where store == nil || record.store == store {
      result.append(try wasteDetail(record.id, withSurveys: false))
    }
    return result
  }

  public func wasteDetail(_ id: String, withSurveys: Bool = true) throws(ControlFailure)
    -> WastePackageDetail
  {
    guard let record = ward.waste.package(id) else {
      throw ControlFailure(.notFound, "no waste package '\(id)'")
    }
    let time = clock.now().wallTime
    // A package whose store left the configuration is still listed (an orphan, with an alarm),
    // never hidden; it is assessed again once it is moved to a configured store.
    let config = ward.location(record.store)?.config
    let assessment = config.flatMap { config in
      ward.waste.states(of: config, at: time).first { $0.id == id }
    }
    var detail = WastePackageDetail(
      id: id, store: record.store, state: assessment?.state.rawValue ?? "holding",
      rule: record.rule, sealedAt: record.sealedAt)
    detail.predictedReleaseAt = assessment?.state == .released ? nil : assessment?.releaseDueAt
    detail.surfaceUSvHNow = assessment?.surfaceUSvHNow.flatMap(StatusMapping.finite)
    detail.massG = record.massGrams
    detail.surfaceUSvHAtSeal = record.surfaceUSvH
    detail.route = record.route
    detail.releasedAt = record.releasedAt
    detail.reasons = assessment.flatMap { $0.reasons.isEmpty ? nil : $0.reasons }
    if config == nil, record.releasedAt == nil {
      detail.state = Self.orphanState
      detail.reasons = [
        "store \(record.store) is not in the configuration: restore it, or move the package "
          + "with `dosectl waste move \(id) STORE`"
      ]
    }
    if record.origin != Self.configOrigin, let batch = record.batch {
      let now = batch.inventory.activities(at: time)
      let sealed = batch.inventory.activitiesBq
      detail.constituents = Set(now.keys).union(sealed.keys).sorted().map {
        ConstituentStatus(
          nuclide: $0, activityBqAtSeal: sealed[$0] ?? 0, activityBqNow: now[$0] ?? 0)
      }
    }
    if withSurveys, let store = writer.store {
      // Unreadable survey records read as none: no release on surveys that cannot be shown.
      let surveys = (try? store.surveys(package: id)) ?? []
      detail.surveys = surveys.map(Self.surveyStatus)
      if let config {
        detail.releaseDecision = Self.releaseDecision(
          surveys, maxDetectionLimitUSvH: config.store.effectiveSurveyMaxDetectionLimitUSvH)
      }
    }
    return detail
  }

  public func releaseWaste(_ id: String, actor: ActorIdentity?)
    async throws(ControlFailure) -> WastePackageDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard var record = ward.waste.package(id) else {
      throw ControlFailure(.notFound, "no waste package '\(id)'")
    }
    let detail = try wasteDetail(id)
    switch detail.state {
    case Self.orphanState:
      throw ControlFailure(.refused, (detail.reasons ?? []).joined(separator: "; "))
    case PackageState.released.rawValue:
      throw ControlFailure(.refused, "package \(id) was already released")
    case PackageState.notEligible.rawValue:
      throw ControlFailure(
        .refused,
        "package \(id) is not eligible under \(detail.rule): "
          + (detail.reasons ?? []).joined(separator: "; "))
    default:
      break
    }
    guard let survey = detail.surveys?.last, let decision = detail.releaseDecision else {
      throw ControlFailure(.refused, "package \(id) has no release survey: survey it first")
    }
    // Every survey of the package counts, not the last passing one: surveyed until one passed,
    // a package above background would eventually be released (docs/measurement.md §8).
    guard decision.passed else {
      throw ControlFailure(
        .refused,
        "the surveys of package \(id) did not pass, taken together: \(decision.reason ?? "")")
    }
    let time = clock.now().wallTime
    // Clearance rules also need the activity concentration under the limits by now.
    if detail.rule != WasteRule.usDecayInStorage.rawValue {
      guard let due = detail.predictedReleaseAt, due <= time else {
        throw ControlFailure(
          .refused,
          "package \(id) is not yet below the \(detail.rule) clearance levels"
            + (detail.predictedReleaseAt.map { " (predicted \(Self.iso($0)))" } ?? ""))
      }
    }
    record.releasedAt = time
    try await persistPackage(
      record,
      event: WardRecord(
        time: time, kind: .wasteRelease, location: record.store,
        message: "package \(id) released after the survey of \(Self.iso(survey.time)) by "
          + "\(survey.surveyor): "
          + String(
            format: "surface %.3g µSv/h, background %.3g µSv/h; ", survey.surfaceUSvH,
            survey.backgroundUSvH) + Self.describe(decision), actor: actor))
    ward.waste.put(record)
    return try wasteDetail(id)
  }

  // MARK: Survey

  /// Counts the package at its store's survey detector for the store's survey time, then
  /// records the result (pass or fail).
  public func surveyWaste(package id: String, surveyor: String, actor: ActorIdentity?)
    async
    throws(ControlFailure) -> WastePackageDetail
  {
    guard let record = ward.waste.package(id) else {
      throw ControlFailure(.notFound, "no waste package '\(id)'")
    }
    guard record.releasedAt == nil else {
      throw ControlFailure(.refused, "package \(id) was already released")
    }
    let name = surveyor.trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty else {
      throw ControlFailure(.badRequest, "name the surveyor (10 CFR 35.2092 records it)")
    }
    // Before counting for minutes: a survey that could not be recorded would be wasted.
    try requireRecords()
    guard let config = ward.location(record.store)?.config,
      let detectorID = config.store.surveyDetector,
      let detectorConfig = ward.detectors.configs[detectorID]
    else {
      throw ControlFailure(
        .refused, "store \(record.store) has no survey_detector configured")
    }
    guard surveys[detectorID] == nil else {
      throw ControlFailure(.refused, "detector \(detectorID) is busy with another survey")
    }
    let now = clock.now().monotonicSeconds
    guard let monitor = ward.detectors.monitors[detectorID], monitor.assess(now: now).state == .ok
    else {
      throw ControlFailure(
        .refused, "survey detector \(detectorID) is not ok: no survey on untrustworthy data")
    }
    let target = config.store.surveySeconds
    let deadline = now + target + 3 * monitor.settings.staleAfterSeconds
    let outcome = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<SurveyResult, ControlFailure>, Never>) in
      surveys[detectorID] = SurveySession(
        package: id, surveyor: name, actor: actor, startMonotonic: now, targetSeconds: target,
        deadlineMonotonic: deadline, continuation: continuation)
    }
    let result: SurveyResult
    switch outcome {
    case .success(let value): result = value
    case .failure(let failure): throw failure
    }
    let time = clock.now().wallTime
    let instrument = [detectorConfig.tube, ward.detectors.identities[detectorID]?.summary]
      .compactMap { $0 }
      .joined(separator: ", ")
    let survey = SurveyRecord(
      package: id, time: time, detector: detectorID,
      instrument: instrument.isEmpty ? detectorConfig.driver.rawValue : instrument,
      surveyor: name, result: result)
    var earlier = ((try? writer.store?.surveys(package: id)) ?? []).map(\.counts)
    earlier.append(SurveyCounts(result, detector: detectorID))
    let decision = WasteReleaseTest(
      surveys: earlier, maxDetectionLimitUSvH: config.store.effectiveSurveyMaxDetectionLimitUSvH)
    let message =
      "survey of package \(id) by \(name): "
      + String(
        format: "surface %.3g µSv/h, background %.3g µSv/h, decision threshold %.3g, "
          + "detection limit %.3g µSv/h: ", survey.surfaceUSvH, survey.backgroundUSvH,
        survey.decisionThresholdUSvH, survey.detectionLimitUSvH)
      + (result.passed ? "passed" : "FAILED (\(result.failure ?? ""))") + "; "
      + Self.describe(Self.releaseDecision(decision))
    let event = StoredEvent(
      WardRecord(
        time: time, kind: .wasteSurvey, location: record.store, detector: detectorID,
        message: message, actor: actor))
    // Only the write is one action among the others: the counting before it is not.
    await enterAction()
    defer { leaveAction() }
    _ = try await write("the survey") { try $0.record(survey: survey, event: event) }
    return try wasteDetail(id)
  }

  /// Feeds a survey in progress; called for every reading of a survey detector.
  func feedSurvey(_ reading: Reading, monitor: DetectorMonitor) {
    guard var session = surveys[reading.detectorID] else { return }
    if monitor.isFaultLatched {
      finishSurvey(
        reading.detectorID,
        .failure(
          ControlFailure(
            .refused,
            "the survey detector faulted during the survey: \(monitor.assess(now: reading.monotonicSeconds).reason ?? "")"
          )))
      return
    }
    guard reading.monotonicSeconds - reading.intervalSeconds >= session.startMonotonic - 1e-9
    else { return }
    let (sum, overflow) = session.counts.addingReportingOverflow(reading.counts)
    session.counts = overflow ? .max : sum
    session.seconds += reading.intervalSeconds
    guard session.seconds >= session.targetSeconds else {
      surveys[reading.detectorID] = session
      return
    }
    guard let config = ward.detectors.configs[reading.detectorID],
      let store = ward.locations.first(where: {
        $0.config.store.surveyDetector == reading.detectorID
      }),
      let result = SurveyResult(
        grossCounts: session.counts, grossSeconds: session.seconds,
        calibration: config.calibration,
        maxDetectionLimitUSvH: store.config.store.effectiveSurveyMaxDetectionLimitUSvH)
    else {
      finishSurvey(
        reading.detectorID,
        .failure(ControlFailure(.refused, "the survey detector has no background measurement")))
      return
    }
    finishSurvey(reading.detectorID, .success(result))
  }

  /// Fails surveys whose detector stopped delivering (checked at every evaluation).
  func checkSurveys(now: Double) {
    for (detector, session) in surveys {
      let state = ward.detectors.monitors[detector]?.assess(now: now).state
      if state != .ok || now > session.deadlineMonotonic {
        finishSurvey(
          detector,
          .failure(
            ControlFailure(
              .refused,
              "survey detector \(detector) is \(state?.rawValue ?? "gone"): survey abandoned, "
                + "nothing recorded")))
      }
    }
  }

  private func finishSurvey(_ detector: String, _ result: Result<SurveyResult, ControlFailure>) {
    guard let session = surveys.removeValue(forKey: detector) else { return }
    session.continuation.resume(returning: result)
  }

  // MARK: Helpers

  func persistPackage(_ record: WastePackageRecord, event: WardRecord) async throws(ControlFailure)
  {
    try requireRecords()
    let row = StoredEvent(event)
    if try await write("the action", { try $0.record(package: record, event: row) }) != nil {
      ward.recordFaults.packageRewritten(record)
    }
  }

  /// The release decision over every survey recorded for the package.
  static func releaseDecision(_ surveys: [SurveyRecord], maxDetectionLimitUSvH: Double)
    -> ReleaseDecisionStatus
  {
    releaseDecision(
      WasteReleaseTest(
        surveys: surveys.map(\.counts), maxDetectionLimitUSvH: maxDetectionLimitUSvH))
  }

  static func releaseDecision(_ test: WasteReleaseTest) -> ReleaseDecisionStatus {
    ReleaseDecisionStatus(
      passed: test.passed, method: "sequential_likelihood_ratio", errorRate: test.alpha,
      levelUSvH: test.levelUSvH, surveys: test.surveys, adequateSurveys: test.adequateSurveys,
      evidence: Swift.min(exp(test.logEvidence), Double.greatestFiniteMagnitude),
      evidenceNeeded: exp(test.decisionValue), surveysNeededIfClean: test.surveysNeededIfClean,
      reason: test.failure)
  }

  /// One line for the records: the decision over all surveys.
  static func describe(_ decision: ReleaseDecisionStatus) -> String {
    let head = String(
      format: "release decision over %d surveys: evidence %.3g of %.3g", decision.surveys,
      decision.evidence, decision.evidenceNeeded)
    let level = decision.levelUSvH.map { String(format: " against %.3g µSv/h", $0) } ?? ""
    return head + level
      + String(format: " (error rate %.3g %%): ", decision.errorRate * 100)
      + (decision.passed ? "passed" : "not passed")
  }

  static func surveyStatus(_ record: SurveyRecord) -> SurveyStatus {
    SurveyStatus(
      time: record.time, detector: record.detector, instrument: record.instrument,
      surveyor: record.surveyor, backgroundUSvH: record.backgroundUSvH,
      surfaceUSvH: record.surfaceUSvH, netUSvH: record.netUSvH,
      decisionThresholdUSvH: record.decisionThresholdUSvH,
      detectionLimitUSvH: record.detectionLimitUSvH, grossCounts: record.grossCounts,
      grossSeconds: record.grossSeconds, passed: record.passed, reason: record.reason)
  }

}
