import DoseCore
import DoseProtocol
import Foundation

/// Why a control command was not carried out.
public struct ControlFailure: Error, Sendable, Hashable {
  public var code: ErrorCode
  public var message: String

  public init(_ code: ErrorCode, _ message: String) {
    self.code = code
    self.message = message
  }
}

/// The isolation-room workflow: admit, discharge, clear, calibrate, show. Every accepted action
/// is recorded, with who did it, before it is acknowledged.
extension Engine {
  public func room(_ id: String) throws(ControlFailure) -> RoomDetail {
    guard let index = ward.roomIndex(id) else { throw unknownRoom(id) }
    return detail(index)
  }

  public func admit(
    room id: String, patient: String, nuclide symbol: String, activityBq: Double?, at: Date?,
    actor: ActorIdentity?
  ) async throws(ControlFailure) -> RoomDetail {
    await enterAction()
    defer { leaveAction() }
    guard let index = ward.roomIndex(id) else { throw unknownRoom(id) }
    let reference = patient.trimmingCharacters(in: .whitespacesAndNewlines)
    // 128 characters: project choice, room for any site's reference scheme.
    guard !reference.isEmpty, reference.count <= 128 else {
      throw ControlFailure(.badRequest, "patient must be a reference of 1 to 128 characters")
    }
    guard let nuclide = NuclideTable.lookup(symbol) else {
      throw ControlFailure(
        .badRequest,
        "unknown nuclide '\(symbol)' (known: \(NuclideTable.symbols.joined(separator: ", ")))")
    }
    if let activityBq, !(activityBq > 0 && activityBq.isFinite) {
      throw ControlFailure(.badRequest, "activity must be a positive number of Bq")
    }
    let time = try actionTime(at, what: "admission time")
    let admission = AdmissionRecord(
      room: id, patient: reference, nuclide: nuclide.symbol, activityBq: activityBq,
      admittedAt: time)
    let activity = activityBq.map { String(format: ", %.4g GBq", $0 / 1e9) } ?? ""
    _ = try await change(
      index, action: .admit, admission: admission, at: time, actor: actor,
      message: "admitted patient \(reference) (\(nuclide.symbol)\(activity))")
    ward.rooms.trackers[id] = RoomReleaseTracker()
    return detail(index)
  }

  public func discharge(room id: String, at: Date?, actor: ActorIdentity?)
    async throws(ControlFailure) -> RoomDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard let index = ward.roomIndex(id) else { throw unknownRoom(id) }
    let time = try actionTime(at, what: "discharge time")
    var admission = ward.rooms.records[id]?.admission
    // An operator's time must not precede the admission. (Without `at`, "now" is taken as it
    // is: a clock stepped back must not keep a patient from being discharged.)
    if at != nil, let admitted = admission?.admittedAt, time < admitted {
      throw ControlFailure(
        .badRequest,
        "discharge time \(DisplayTime.text(time)) is before the admission at "
          + "\(DisplayTime.text(admitted))")
    }
    admission?.dischargedAt = time
    let who = admission.map { " patient \($0.patient)" } ?? ""
    _ = try await change(
      index, action: .discharge, admission: admission, at: time, actor: actor,
      message: "discharged\(who); room awaits clearance")
    return detail(index)
  }

  public func clear(room id: String, wipeTest: String, actor: ActorIdentity?)
    async throws(ControlFailure) -> RoomDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard let index = ward.roomIndex(id) else { throw unknownRoom(id) }
    let survey = wipeTest.trimmingCharacters(in: .whitespacesAndNewlines)
    let time = clock.now().wallTime
    var admission = ward.rooms.records[id]?.admission
    admission?.clearedAt = time
    let clearance = ward.lastAssessments[id]?.clearance
    let evidence = clearance.map {
      String(
        format: " (ambient upper 95 %% bound %.3g µSv/h < %.3g µSv/h)",
        $0.upper95USvH ?? .nan, $0.limitUSvH)
    }
    _ = try await change(
      index, action: .clear, admission: admission, at: time, actor: actor,
      message: "cleared for reuse\(evidence ?? ""); contamination survey: \(survey)",
      surveyRecorded: !survey.isEmpty)
    return detail(index)
  }

  /// Sets the room's geometry factor from a handheld reading at 1 m from the patient: the
  /// factor turns the room's detector dose rate into the dose rate at 1 m.
  public func calibrate(room id: String, at1mUSvH: Double, actor: ActorIdentity?)
    async throws(ControlFailure) -> RoomDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard let index = ward.roomIndex(id) else { throw unknownRoom(id) }
    guard at1mUSvH > 0, at1mUSvH.isFinite else {
      throw ControlFailure(.badRequest, "the handheld reading must be a positive dose rate")
    }
    guard var admission = ward.rooms.records[id]?.admission,
      ward.locations[index].room?.occupancy == .occupied
    else {
      throw ControlFailure(.refused, "room \(id) has no patient: admit one before calibrating")
    }
    guard let assessment = ward.lastAssessments[id], assessment.state != .fault,
      let detectorDose = assessment.doseRateUSvH, detectorDose > 0
    else {
      throw ControlFailure(
        .refused, "room \(id) has no trustworthy dose rate to calibrate against right now")
    }
    // A factor is only meaningful well above background (Rad Pro applies its source factors
    // from 10× background on, health-physics.md §5.4): against background it would be noise.
    let background = backgroundUSvH(of: assessment.doseRateDetector)
    guard detectorDose >= Self.calibrationBackgroundMultiple * background else {
      throw ControlFailure(
        .refused,
        "room \(id) reads "
          + String(
            format: "%.3g µSv/h, less than %.0f× its background (%.3g µSv/h): ", detectorDose,
            Self.calibrationBackgroundMultiple, background)
          + "calibrate while the patient is in the room")
    }
    try requireRecords()
    let time = clock.now().wallTime
    admission.geometryFactor = at1mUSvH / detectorDose
    admission.geometrySetAt = time
    try await persist(
      index, admission: admission, at: time, kind: .calibrate, actor: actor,
      message: String(
        format: "geometry factor %.4g: handheld %.3g µSv/h at 1 m, room detectors %.3g µSv/h",
        at1mUSvH / detectorDose, at1mUSvH, detectorDose),
      data: .measurement(assessment))
    return detail(index)
  }

  // MARK: Helpers

  /// Calibration needs a reading at least this many times background (Rad Pro's rule for its
  /// source compensation, health-physics.md §5.4).
  static let calibrationBackgroundMultiple = 10.0

  /// A detector's background dose rate: its background measurement, else its lowest plausible
  /// background (`min_background_usv_h`).
  private func backgroundUSvH(of detector: String?) -> Double {
    guard let detector, let config = ward.detectors.configs[detector] else {
      return DetectorMonitor.Settings().minBackgroundUSvH
    }
    return config.calibration.backgroundUSvH ?? config.minBackgroundUSvH
  }

  /// Checks the rules, records the change, then applies it.
  private func change(
    _ index: Int, action: RoomAction, admission: AdmissionRecord?, at time: Date,
    actor: ActorIdentity?, message: String, surveyRecorded: Bool = false
  ) async throws(ControlFailure) -> AdmissionRecord? {
    let id = ward.locations[index].config.id
    guard var room = ward.locations[index].room else { throw unknownRoom(id) }
    try requireRecords()
    // A room whose record could not be read is held awaiting clearance; its patient may still
    // be inside, so the RSO may admit them again (recorded) instead of clearing the room.
    let readmission =
      action == .admit && ward.recordFaults[id]?.kind == .room
      && room.occupancy == .awaitingClearance
    if !readmission,
      let refusal = room.refusal(
        of: action, last: ward.lastAssessments[id], surveyRecorded: surveyRecorded)
    {
      throw ControlFailure(.refused, refusal)
    }
    room.apply(action)
    let saved = try await persist(
      index, admission: admission, at: time, kind: action.eventKind, actor: actor,
      message: message, data: ward.lastAssessments[id].map(RecordData.measurement),
      occupancy: room.occupancy)
    ward.locations[index].setOccupancy(room.occupancy)
    return saved
  }

  /// Writes the room's state, admission and event in one transaction (or, without a database,
  /// keeps them in memory only); the change counts only once it is written.
  @discardableResult
  private func persist(
    _ index: Int, admission: AdmissionRecord?, at time: Date, kind: EventKind,
    actor: ActorIdentity?, message: String, data: RecordData?, occupancy: RoomOccupancy? = nil
  ) async throws(ControlFailure) -> AdmissionRecord? {
    let id = ward.locations[index].config.id
    let state = occupancy ?? ward.locations[index].room?.occupancy ?? .awaitingClearance
    let since = occupancy == nil ? ward.rooms.records[id]?.since : time
    let event = StoredEvent(
      WardRecord(
        time: time, kind: kind, location: id, message: message, actor: actor, data: data))
    var saved = admission
    let record = RoomStateRecord(
      room: id, occupancy: state.rawValue, since: since ?? time, admissionID: admission?.id)
    if let written = try await write(
      "the action",
      {
        try $0.recordRoomChange(state: record, admission: admission, event: event).0
      })
    {
      saved = written
      ward.recordFaults.rewritten(id)
    }
    // A cleared room has no current patient.
    ward.rooms.records[id] = RoomRecord(
      since: since ?? time, admission: state == .clear ? nil : saved)
    return saved
  }

  private func unknownRoom(_ id: String) -> ControlFailure {
    let rooms = ward.locations.filter { $0.config.kind == .isolationRoom }.map(\.config.id)
    return ControlFailure(
      .notFound, "no isolation room '\(id)' (rooms: \(rooms.joined(separator: ", ")))")
  }

  private func detail(_ index: Int) -> RoomDetail {
    let config = ward.locations[index].config
    let occupancy = ward.locations[index].room?.occupancy ?? config.room.initialOccupancy
    let assessment = ward.lastAssessments[config.id]
    // The last evaluation may predate a change just made: only its fault verdict is taken.
    let state = assessment?.state == .fault ? LocationState.fault.rawValue : occupancy.rawValue
    var detail = RoomDetail(id: config.id, state: state, occupancy: occupancy.rawValue)
    detail.since = ward.rooms.records[config.id]?.since
    if let admission = ward.rooms.records[config.id]?.admission {
      var patient = PatientStatus(
        reference: admission.patient, nuclide: admission.nuclide,
        admittedAt: admission.admittedAt)
      patient.activityBq = admission.activityBq
      patient.dischargedAt = admission.dischargedAt
      patient.geometryFactor = admission.geometryFactor
      patient.admission = admission.id
      detail.patient = patient
    }
    detail.doseRateUSvH = assessment?.doseRateUSvH.flatMap(StatusMapping.finite)
    detail.ci95USvH = StatusMapping.interval(assessment?.doseRateInterval)
    detail.clearance =
      occupancy == .occupied ? nil : assessment?.clearance.map(StatusMapping.clearance)
    // Fresh, so a room just admitted or calibrated answers at once.
    if occupancy == .occupied, let assessment {
      let now = clock.now()
      detail.release = ward.rooms.release(
        of: config, occupied: true, assessment: assessment,
        counts: assessment.doseRateDetector.flatMap {
          ward.detectors.monitors[$0]?.assess(now: now.monotonicSeconds).estimate?.counts
        }, at: now.wallTime
      ).map(StatusMapping.release)
    }
    detail.reasons = assessment.flatMap { $0.reasons.isEmpty ? nil : $0.reasons }
    return detail
  }
}
