import DoseCore
import DoseProtocol
import Foundation

/// What the engine writes to the records, and how it copes when it cannot.
extension Engine {
  /// Attaches the database and restores what it holds: each room's occupancy and current
  /// admission. Call once, before the first evaluation.
  public func attach(store: RecordStore) throws {
    self.store = store
    // Every table is read back first: a row that cannot be read flags what it belongs to
    // instead of making it vanish.
    noteUnreadable(try store.selfCheck())
    try loadWaste(from: store)
    // Alarm occurrences active at the last stop continue (same `since`, same acknowledgement)
    // if they are still active; the next evaluations record them as cleared otherwise.
    for record in try store.activeAlarms() {
      restoredAlarms[record.id] = record
      activeAlarms[record.id] = record.alarm
    }
    for state in try store.roomStates() {
      let admission: AdmissionRecord?
      do {
        admission = try state.admissionID.flatMap { try store.admission(id: $0) }
      } catch {
        recordFaults[state.room] = RecordFault(
          kind: .room,
          reason: "its current admission (admission row \(state.admissionID ?? 0)) cannot be "
            + "read: \(error)")
        continue
      }
      guard let occupancy = RoomOccupancy(rawValue: state.occupancy) else {
        recordFaults[state.room] = RecordFault(
          kind: .room, reason: "its recorded state '\(state.occupancy)' is not a room state")
        continue
      }
      guard let index = roomIndex(state.room) else {
        // Kept, so that a room configured again by a reload finds its patient.
        roomRecords[state.room] = (state.since, admission)
        if occupancy != .clear {
          orphanRooms[state.room] = OrphanRoom(
            occupancy: occupancy, since: state.since, admission: admission)
        }
        continue
      }
      locations[index].setOccupancy(occupancy)
      roomRecords[state.room] = (state.since, admission)
      if occupancy == .occupied, let admission {
        // The clearance series only helps the prediction: a minute that cannot be read (the
        // self-check reports it) costs the series, never the room's records.
        do {
          releaseTrackers[state.room] = try restoredRelease(
            room: index, admission: admission, store: store)
        } catch {
          logger?.error(
            "clearance series not restored",
            metadata: ["room": "\(state.room)", "error": "\(error)"])
          releaseTrackers[state.room] = RoomReleaseTracker()
        }
      }
    }
    applyRoomRecordFaults()
    record(
      StoredEvent(
        time: clock.now().wallTime, kind: "start",
        message: "dosed \(ProtocolInfo.softwareVersion) started"
          + (unreadableRecords.isEmpty
            ? "" : "; \(unreadableRecords.count) record(s) cannot be read")))
  }

  /// Rebuilds an occupied room's clearance series from the minute records since admission:
  /// each minute the highest of its detectors' mean dose rates (energy-corrected as the room
  /// serves them), weighted by that detector's counts.
  private func restoredRelease(room index: Int, admission: AdmissionRecord, store: RecordStore)
    throws -> RoomReleaseTracker
  {
    let config = locations[index].config
    let corrections = locations[index].room?.corrections ?? [:]
    var best: [Date: (dose: Double, counts: UInt64)] = [:]
    for detector in config.detectors {
      for minute in try store.aggregates(detector: detector, since: admission.admittedAt) {
        guard let mean = minute.doseMeanUSvH else { continue }
        let dose = corrections[detector]?.corrected(mean) ?? mean
        if dose > (best[minute.minute]?.dose ?? -.infinity) {
          best[minute.minute] = (dose, minute.counts)
        }
      }
    }
    var tracker = RoomReleaseTracker()
    for (minute, value) in best.sorted(by: { $0.key < $1.key }) where value.dose > 0 {
      let t = minute.addingTimeInterval(30).timeIntervalSince(admission.admittedAt)
      guard t >= 0 else { continue }
      tracker.samples.append(
        value.counts > 0
          ? ClearanceSample(timeSeconds: t, doseRateUSvH: value.dose, counts: Double(value.counts))
          : ClearanceSample(timeSeconds: t, doseRateUSvH: value.dose))
    }
    return tracker
  }

  /// Runs without records (the database could not be opened): a `storage` alarm says so.
  public func storageUnavailable(_ reason: String) {
    storageProblem = reason
    flagAllRoomsUnknown(reason)
  }

  /// Writes the open minutes and a stop event (graceful shutdown).
  public func closeRecords() {
    save(aggregator.flush())
    record(StoredEvent(time: clock.now().wallTime, kind: "stop", message: "dosed stopping"))
  }

  /// Deletes records older than the retention period.
  public func pruneRecords(olderThan seconds: Double) {
    guard let store else { return }
    do {
      try store.prune(before: clock.now().wallTime.addingTimeInterval(-seconds))
    } catch {
      storageProblem = "\(error)"
    }
  }

  /// Appends an event. A failure becomes a `storage` alarm; monitoring goes on.
  @discardableResult
  func record(_ event: StoredEvent) -> StoredEvent? {
    journal(event)
    guard let store else { return nil }
    guard flushBacklog(to: store) else {
      backlog.add(event)
      return nil
    }
    do {
      let saved = try store.append(event)
      storageProblem = nil
      return saved
    } catch {
      storageProblem = "\(error)"
      backlog.add(event)
      return nil
    }
  }

  func save(_ aggregates: [MinuteAggregate]) {
    guard let store, !aggregates.isEmpty else { return }
    guard flushBacklog(to: store) else {
      backlog.add(aggregates)
      return
    }
    do {
      try store.save(aggregates)
    } catch {
      storageProblem = "\(error)"
      backlog.add(aggregates)
    }
  }

  /// Writes what waited for the database; true when nothing waits any more. On recovery the
  /// storage alarm clears and a `storage_recovered` event says how many records were written
  /// late (and lost, if the outage outlasted the backlog).
  @discardableResult
  func flushBacklog(to store: RecordStore) -> Bool {
    guard !backlog.isEmpty else { return true }
    do {
      let (written, lost) = try backlog.flush(to: store)
      let problem = storageProblem
      storageProblem = nil
      let event = StoredEvent(
        time: clock.now().wallTime, kind: "storage_recovered",
        message: "records can be written again (after: \(problem ?? "a write error")); "
          + "\(written) records written late" + (lost > 0 ? ", \(lost) lost" : ""))
      journal(event)
      _ = try? store.append(event)
      return true
    } catch {
      storageProblem = "\(error)"
      return false
    }
  }

  /// Retries the backlog at most once a second while the records are failing.
  func retryStorage(now: Double) {
    guard let store, !backlog.isEmpty, now - lastStorageRetry >= 1 else { return }
    lastStorageRetry = now
    flushBacklog(to: store)
  }

  /// Records each alarm when it appears and when it goes.
  func recordAlarmChanges(_ alarms: [AlarmStatus], at time: Date) {
    var current: [String: AlarmStatus] = [:]
    for alarm in alarms {
      current[alarm.alarmID ?? Self.alarmID(alarm)] = alarm
    }
    // Written when an occurrence starts or is acknowledged (not for every message update: the
    // "no counts for N s" text changes at every evaluation).
    for (key, alarm) in current
    where activeAlarms[key]?.since != alarm.since
      || activeAlarms[key]?.acknowledged != alarm.acknowledged
    {
      persistAlarm(alarm, id: key)
    }
    for (key, alarm) in current where activeAlarms[key] == nil {
      record(
        StoredEvent(
          time: time, kind: "alarm", location: alarm.location, detector: alarm.detector,
          level: alarm.level, message: "\(alarm.kind): \(alarm.message)",
          data: alarm.evidence.flatMap { StatusMapping.json($0) }))
    }
    let graceOver = clock.now().monotonicSeconds > Self.restoredAlarmGraceSeconds
    if graceOver { restoredAlarms.removeAll() }
    for (key, alarm) in activeAlarms where current[key] == nil {
      // A restored occurrence gets the grace period to come back before it counts as cleared.
      if restoredAlarms[key] != nil { continue }
      if let store { try? store.deleteAlarm(id: key) }
      record(
        StoredEvent(
          time: time, kind: "alarm_cleared", location: alarm.location, detector: alarm.detector,
          level: alarm.level, message: "\(alarm.kind) alarm cleared: \(alarm.message)"))
    }
    activeAlarms = current
  }

  /// Keeps the alarm's row current (raised, message changed, acknowledged).
  func persistAlarm(_ alarm: AlarmStatus, id: String) {
    guard let store else { return }
    do {
      try store.save(alarm: AlarmStateRecord(alarm, id: id))
    } catch {
      storageProblem = "\(error)"
    }
  }

  func roomIndex(_ id: String) -> Int? {
    locations.firstIndex { $0.config.id == id && $0.config.kind == .isolationRoom }
  }
}

/// The measurement behind a location event, as stored in its `data`.
struct MeasurementRecord: Encodable {
  var doseRateUSvH: Double?
  var ci95USvH: [Double]?
  var detector: String?

  enum CodingKeys: String, CodingKey {
    case detector
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
  }

  init(_ assessment: LocationAssessment) {
    doseRateUSvH = assessment.doseRateUSvH.flatMap(StatusMapping.finite)
    ci95USvH = StatusMapping.interval(assessment.doseRateInterval)
    detector = assessment.doseRateDetector
  }

  var json: String? { StatusMapping.json(self) }
}

extension StatusMapping {
  /// One-line JSON for a record's `data` column.
  static func json(_ value: some Encodable) -> String? {
    (try? WireCoding.encoder().encode(value)).flatMap { String(data: $0, encoding: .utf8) }
  }
}
