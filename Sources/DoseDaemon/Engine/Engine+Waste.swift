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
  /// Packages of the configuration that the records do not hold yet (dose-rate shares only:
  /// their activities are nominal, Γ-weighted so the rule's dose model reproduces the shares).
  static func configuredPackages(_ locations: [LocationMonitor], at time: Date)
    -> [WastePackageRecord]
  {
    locations.filter { $0.config.kind == .wasteStore }.flatMap { location in
      location.config.packages.map { package in
        var activities: [String: Double] = [:]
        var shares: [String: Double] = [:]
        for component in package.components {
          let gamma = DoseRateConstants.value(for: component.nuclide.symbol) ?? 1
          activities[component.nuclide.symbol] = component.fraction / gamma
          shares[component.nuclide.symbol] = component.fraction
        }
        return WastePackageRecord(
          id: package.id, store: location.config.id, rule: location.config.wasteRule.rawValue,
          sealedAt: package.sealedAt, activitiesBq: activities, massGrams: nil,
          surfaceUSvH: package.surfaceUSvHAtSeal, surfaceShares: shares, addedAt: time,
          origin: Self.configOrigin, route: package.lu177Route)
      }
    }
  }

  static let configOrigin = "config (dose-rate shares only)"
  /// The state of a package whose store is not configured.
  static let orphanState = "orphan"

  /// Loads the packages: the records', plus configured ones not yet recorded (which are then
  /// recorded, so that a survey or release of them is kept).
  func loadWaste(from store: RecordStore?) throws {
    var packages = try store?.wastePackages() ?? []
    let time = clock.now().wallTime
    for configured in Self.configuredPackages(locations, at: time)
    where !packages.contains(where: { $0.id == configured.id }) {
      if let store {
        try store.record(
          package: configured,
          event: StoredEvent(
            time: time, kind: "waste_add", location: configured.store,
            message: "package \(configured.id) from the configuration"))
      }
      packages.append(configured)
    }
    wastePackages = packages
    packageCache = [:]
  }

  /// Package assessments of a store, each recomputed at most once a clock minute (the release
  /// search is not free) or when the package changed.
  func packageStates(of config: LocationConfig, at time: Date) -> [PackageAssessment] {
    wastePackages.filter { $0.store == config.id }.map { record in
      if let cached = packageCache[record.id], cached.record == record,
        time.timeIntervalSince(cached.at) < 60, time >= cached.at
      {
        return cached.assessment
      }
      let assessment = assess(record, config: config, at: time)
      packageCache[record.id] = (time, record, assessment)
      return assessment
    }
  }

  private func assess(_ record: WastePackageRecord, config: LocationConfig, at time: Date)
    -> PackageAssessment
  {
    let rule = WasteRule(rawValue: record.rule) ?? config.wasteRule
    guard let batch = record.batch else {
      return PackageAssessment(
        id: record.id, state: .notEligible, nuclides: record.activitiesBq.keys.sorted(),
        surfaceUSvHNow: nil, releaseDueAt: nil, reasons: ["the recorded inventory is not valid"])
    }
    if let released = record.releasedAt {
      return PackageAssessment(
        id: record.id, state: .released, nuclides: batch.inventory.activitiesBq.keys.sorted(),
        surfaceUSvHNow: nil, releaseDueAt: released)
    }
    return WasteAssessment.assess(
      batch, rule: rule, releaseSurfaceUSvH: config.releaseSurfaceUSvH, at: time)
  }

  // MARK: Commands

  public func addWaste(_ request: WasteAddRequest, actor: ActorIdentity?) throws(ControlFailure)
    -> WastePackageDetail
  {
    guard let store = locations.first(where: { $0.config.id == request.store }),
      store.config.kind == .wasteStore
    else {
      let stores = locations.filter { $0.config.kind == .wasteStore }.map(\.config.id)
      throw ControlFailure(
        .notFound, "no waste store '\(request.store)' (stores: \(stores.joined(separator: ", ")))")
    }
    let id = request.package.trimmingCharacters(in: .whitespaces)
    guard !id.isEmpty, id.count <= 64 else {
      throw ControlFailure(.badRequest, "package must be an id of 1 to 64 characters")
    }
    guard !wastePackages.contains(where: { $0.id == id }) else {
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
      id: id, store: store.config.id, rule: store.config.wasteRule.rawValue,
      sealedAt: sealedAt, activitiesBq: activities, massGrams: request.massG,
      surfaceUSvH: request.surfaceUSvH, surfaceShares: nil, addedAt: time, origin: "dosectl",
      route: route)
    guard let batch = record.batch else {
      throw ControlFailure(.badRequest, "the inventory is not valid")
    }
    let acceptance = store.config.wasteRule.acceptance(of: batch)
    guard acceptance.isAccepted else {
      throw ControlFailure(
        .refused,
        "store \(store.config.id) (\(store.config.wasteRule.rawValue)) cannot accept package "
          + "\(id): " + acceptance.reasons.joined(separator: "; "))
    }
    let summary =
      activities.sorted { $0.key < $1.key }.map {
        "\($0.key) " + String(format: "%.3g Bq", $0.value)
      }.joined(separator: ", ") + (route.map { " (Lu-177 route \($0.rawValue))" } ?? "")
    try persistPackage(
      record,
      event: StoredEvent(
        time: time, kind: "waste_add", location: store.config.id,
        message: "package \(id) sealed \(Self.iso(record.sealedAt)): \(summary)", actor: actor))
    wastePackages.append(record)
    return try wasteDetail(id)
  }

  public func wasteList(store: String?) throws(ControlFailure) -> [WastePackageDetail] {
    var result: [WastePackageDetail] = []
    for record in wastePackages where store == nil || record.store == store {
      result.append(try wasteDetail(record.id, withSurveys: false))
    }
    return result
  }

  public func wasteDetail(_ id: String, withSurveys: Bool = true) throws(ControlFailure)
    -> WastePackageDetail
  {
    guard let record = wastePackages.first(where: { $0.id == id }) else {
      throw ControlFailure(.notFound, "no waste package '\(id)'")
    }
    let time = clock.now().wallTime
    // A package whose store left the configuration is still listed (an orphan, with an alarm),
    // never hidden; it is assessed again once it is moved to a configured store.
    let config = locations.first(where: { $0.config.id == record.store })?.config
    let assessment = config.flatMap { config in
      packageStates(of: config, at: time).first { $0.id == id }
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
    if withSurveys, let store {
      // Unreadable survey records read as none: no release on surveys that cannot be shown.
      let surveys = (try? store.surveys(package: id)) ?? []
      detail.surveys = surveys.map(Self.surveyStatus)
      if let config {
        detail.releaseDecision = Self.releaseDecision(
          surveys, maxDetectionLimitUSvH: config.effectiveSurveyMaxDetectionLimitUSvH)
      }
    }
    return detail
  }

  public func releaseWaste(_ id: String, actor: ActorIdentity?) throws(ControlFailure)
    -> WastePackageDetail
  {
    guard let index = wastePackages.firstIndex(where: { $0.id == id }) else {
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
    var record = wastePackages[index]
    record.releasedAt = time
    try persistPackage(
      record,
      event: StoredEvent(
        time: time, kind: "waste_release", location: record.store,
        message: "package \(id) released after the survey of \(Self.iso(survey.time)) by "
          + "\(survey.surveyor): "
          + String(
            format: "surface %.3g µSv/h, background %.3g µSv/h; ", survey.surfaceUSvH,
            survey.backgroundUSvH) + Self.describe(decision), actor: actor))
    wastePackages[index] = record
    packageCache[id] = nil
    return try wasteDetail(id)
  }

  // MARK: Survey

  /// Counts the package at its store's survey detector for the store's survey time, then
  /// records the result (pass or fail).
  public func surveyWaste(package id: String, surveyor: String, actor: ActorIdentity?)
    async
    throws(ControlFailure) -> WastePackageDetail
  {
    guard let record = wastePackages.first(where: { $0.id == id }) else {
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
    guard let config = locations.first(where: { $0.config.id == record.store })?.config,
      let detectorID = config.surveyDetector, let detectorConfig = detectorConfigs[detectorID]
    else {
      throw ControlFailure(
        .refused, "store \(record.store) has no survey_detector configured")
    }
    guard surveySessions[detectorID] == nil else {
      throw ControlFailure(.refused, "detector \(detectorID) is busy with another survey")
    }
    let now = clock.now().monotonicSeconds
    guard let monitor = detectors[detectorID], monitor.assess(now: now).state == .ok else {
      throw ControlFailure(
        .refused, "survey detector \(detectorID) is not ok: no survey on untrustworthy data")
    }
    let target = config.surveySeconds
    let deadline = now + target + 3 * monitor.settings.staleAfterSeconds
    let outcome = await withCheckedContinuation {
      (continuation: CheckedContinuation<Result<SurveyResult, ControlFailure>, Never>) in
      surveySessions[detectorID] = SurveySession(
        package: id, surveyor: name, actor: actor, startMonotonic: now, targetSeconds: target,
        deadlineMonotonic: deadline, continuation: continuation)
    }
    let result: SurveyResult
    switch outcome {
    case .success(let value): result = value
    case .failure(let failure): throw failure
    }
    let time = clock.now().wallTime
    let instrument = [detectorConfig.tube, identities[detectorID]?.summary].compactMap { $0 }
      .joined(separator: ", ")
    let survey = SurveyRecord(
      package: id, time: time, detector: detectorID,
      instrument: instrument.isEmpty ? detectorConfig.driver.rawValue : instrument,
      surveyor: name, result: result)
    var surveys = ((try? store?.surveys(package: id)) ?? []).map(\.counts)
    surveys.append(SurveyCounts(result, detector: detectorID))
    let decision = WasteReleaseTest(
      surveys: surveys, maxDetectionLimitUSvH: config.effectiveSurveyMaxDetectionLimitUSvH)
    let message =
      "survey of package \(id) by \(name): "
      + String(
        format: "surface %.3g µSv/h, background %.3g µSv/h, decision threshold %.3g, "
          + "detection limit %.3g µSv/h: ", survey.surfaceUSvH, survey.backgroundUSvH,
        survey.decisionThresholdUSvH, survey.detectionLimitUSvH)
      + (result.passed ? "passed" : "FAILED (\(result.failure ?? ""))") + "; "
      + Self.describe(Self.releaseDecision(decision))
    if let store {
      do {
        try store.record(
          survey: survey,
          event: StoredEvent(
            time: time, kind: "waste_survey", location: record.store, detector: detectorID,
            message: message, actor: actor))
      } catch {
        storageProblem = "\(error)"
        throw ControlFailure(.unavailable, "the survey could not be recorded: \(error)")
      }
    }
    return try wasteDetail(id)
  }

  /// Feeds a survey in progress; called for every reading of a survey detector.
  func feedSurvey(_ reading: Reading, monitor: DetectorMonitor) {
    guard var session = surveySessions[reading.detectorID] else { return }
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
      surveySessions[reading.detectorID] = session
      return
    }
    guard let config = detectorConfigs[reading.detectorID],
      let store = locations.first(where: { $0.config.surveyDetector == reading.detectorID }),
      let result = SurveyResult(
        grossCounts: session.counts, grossSeconds: session.seconds,
        calibration: config.calibration,
        maxDetectionLimitUSvH: store.config.effectiveSurveyMaxDetectionLimitUSvH)
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
    for (detector, session) in surveySessions {
      let state = detectors[detector]?.assess(now: now).state
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
    guard let session = surveySessions.removeValue(forKey: detector) else { return }
    session.continuation.resume(returning: result)
  }

  // MARK: Helpers

  func persistPackage(_ record: WastePackageRecord, event: StoredEvent) throws(ControlFailure) {
    try requireRecords()
    guard let store else { return }
    do {
      try store.record(package: record, event: event)
      packageRewritten(record)
    } catch {
      storageProblem = "\(error)"
      throw ControlFailure(.unavailable, "the action could not be recorded: \(error)")
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

  /// `2026-11-27T10:00:00Z`. FoundationEssentials' style: `ISO8601DateFormatter` would build an
  /// ICU formatter on every call.
  static func iso(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle())
  }
}
