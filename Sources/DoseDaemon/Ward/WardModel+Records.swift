import DoseCore
import Foundation

/// The alarms about the records themselves, and the locations' recorded state changes.
extension WardModel {
  /// The `storage` alarm (records cannot be written, or rows no location stands for cannot be
  /// read), a `storage:LOCATION` alarm per location whose records cannot be read, and an
  /// `orphan:LOCATION` alarm per room or store the records hold but the configuration has not.
  mutating func storageAlarms(_ storage: StorageCondition, at time: Date) -> [WardAlarm] {
    var messages: [String] = []
    if let problem = storage.problem {
      let waiting =
        storage.waiting == 0
        ? "" : "; \(storage.waiting) records wait in memory and are written when it recovers"
      messages.append("records cannot be written: \(problem)\(waiting)")
    }
    let unplaced = recordFaults.unplaced
    if !unplaced.isEmpty {
      messages.append(
        "\(unplaced.count) record(s) cannot be read (first: \(unplaced[0])); "
          + "see docs/operations.md, \"Records that cannot be read\"")
    }
    var result: [WardAlarm] = []
    let whole = AlarmKey.storage(location: nil)
    if messages.isEmpty {
      alarms.end(whole)
    } else {
      result.append(
        WardAlarm(
          key: whole, level: .alarm, message: messages.joined(separator: "; "),
          since: alarms.start(whole, at: time)))
    }
    for (location, fault) in recordFaults.faults.sorted(by: { $0.key < $1.key }) {
      let key = AlarmKey.storage(location: location)
      result.append(
        WardAlarm(
          key: key, level: .alarm,
          message: "the records of \(location) cannot be read: \(fault.reason); \(fault.action)",
          since: alarms.start(key, at: time)))
    }
    for (room, orphan) in rooms.orphans.sorted(by: { $0.key < $1.key }) {
      let patient =
        orphan.admission.map {
          " with patient \($0.patient) (admitted \(DisplayTime.text($0.admittedAt)))"
        } ?? ""
      let key = AlarmKey.orphan(location: room)
      result.append(
        WardAlarm(
          key: key, level: .alarm,
          message: "room \(room) is \(orphan.occupancy.rawValue)\(patient) in the records but not "
            + "in the configuration: restore it, or move its record with "
            + "`dosectl room move \(room) NEW-ROOM`",
          since: alarms.start(key, at: time)))
    }
    let configured = Set(locations.filter { $0.config.kind == .wasteStore }.map(\.config.id))
    for (store, packages) in waste.orphanStores(configured: configured) {
      let key = AlarmKey.orphan(location: store)
      result.append(
        WardAlarm(
          key: key, level: .alarm,
          message: "store \(store) holds \(packages.count) package(s) in the records "
            + "(\(packages.joined(separator: ", "))) but is not in the configuration: restore "
            + "it, or move each with `dosectl waste move PACKAGE STORE`",
          since: alarms.start(key, at: time)))
    }
    alarms.endAll([.storage, .orphan], except: Set(result.map(\.key)))
    return result
  }

  /// Records a location's change of state or alarm level.
  mutating func noteLocationState(
    _ assessment: LocationAssessment, at time: Date, effects: inout [WardEffect]
  ) {
    let previous = recordedLocations[assessment.id]
    guard previous?.state != assessment.state || previous?.alarm != assessment.alarm else {
      return
    }
    recordedLocations[assessment.id] = (assessment.state, assessment.alarm)
    effects.append(
      .record(
        WardRecord(
          time: time, kind: .locationState, location: assessment.id,
          level: assessment.alarm == .none ? nil : assessment.alarm,
          message: "\(previous?.state.rawValue ?? "start") → \(assessment.state.rawValue), alarm "
            + assessment.alarm.rawValue
            + (assessment.reasons.isEmpty
              ? "" : ": " + assessment.reasons.joined(separator: "; ")),
          data: .measurement(assessment))))
    effects.append(
      .publish(.locationState(assessment, previous: previous?.state, at: time)))
  }

  /// Forgets what was recorded of a location the configuration dropped.
  mutating func forgetLocation(_ id: String) {
    lastAssessments[id] = nil
    recordedLocations[id] = nil
    rooms.forgetSeries(id)
  }

  /// One phrase saying why a level was raised.
  static func explain(_ evidence: AlarmEvidence) -> String {
    switch evidence.method {
    case .lowerBound:
      return String(
        format: "95 %% lower bound %.3g µSv/h reached the threshold", evidence.statistic)
    case .overRange:
      return "counter over range"
    case .cusumFast, .cusumSteady:
      let name = evidence.method == .cusumFast ? "fast CUSUM" : "steady CUSUM"
      return name
        + String(
          format: " test: statistic %.1f reached %.1f on %.0f counts in %.0f s",
          evidence.statistic, evidence.decisionValue, evidence.counts, evidence.windowSeconds)
    }
  }
}
