import DoseCore
import DoseProtocol
import Foundation

/// Opening the records at start, and closing them at stop.
extension Engine {
  /// Attaches the database and restores what it holds: each room's occupancy and current
  /// admission. Call once, before the first evaluation.
  public func attach(store: RecordStore) throws {
    writer.attach(store)
    // Every table is read back first: a row that cannot be read flags what it belongs to
    // instead of making it vanish.
    let unreadable = try store.selfCheck()
    for record in unreadable {
      logger?.error("record unreadable", metadata: ["record": "\(record)"])
    }
    ward.recordFaults.note(unreadable)
    try loadWaste(from: store)
    // Alarm occurrences active at the last stop continue (same `since`, same acknowledgement)
    // if they are still active; the next evaluations record them as cleared otherwise.
    var restored: [WardAlarm] = []
    for record in try store.activeAlarms() {
      guard let alarm = record.wardAlarm else {
        logger?.error("alarm record not understood", metadata: ["id": "\(record.id)"])
        continue
      }
      restored.append(alarm)
    }
    ward.alarms.restore(restored)
    for state in try store.roomStates() {
      let admission: AdmissionRecord?
      do {
        admission = try state.admissionID.flatMap { try store.admission(id: $0) }
      } catch {
        ward.recordFaults[state.room] = RecordFault(
          kind: .room,
          reason: "its current admission (admission row \(state.admissionID ?? 0)) cannot be "
            + "read: \(error)")
        continue
      }
      guard let occupancy = RoomOccupancy(rawValue: state.occupancy) else {
        ward.recordFaults[state.room] = RecordFault(
          kind: .room, reason: "its recorded state '\(state.occupancy)' is not a room state")
        continue
      }
      guard let index = ward.roomIndex(state.room) else {
        // Kept, so that a room configured again by a reload finds its patient.
        ward.rooms.records[state.room] = RoomRecord(since: state.since, admission: admission)
        if occupancy != .clear {
          ward.rooms.orphans[state.room] = OrphanRoom(
            occupancy: occupancy, since: state.since, admission: admission)
        }
        continue
      }
      ward.locations[index].setOccupancy(occupancy)
      ward.rooms.records[state.room] = RoomRecord(since: state.since, admission: admission)
      if occupancy == .occupied, let admission {
        // The clearance series only helps the prediction: a minute that cannot be read (the
        // self-check reports it) costs the series, never the room's records.
        do {
          ward.rooms.trackers[state.room] = try restoredRelease(
            room: index, admission: admission, store: store)
        } catch {
          logger?.error(
            "clearance series not restored",
            metadata: ["room": "\(state.room)", "error": "\(error)"])
          ward.rooms.trackers[state.room] = RoomReleaseTracker()
        }
      }
    }
    applyRoomRecordFaults()
    let unreadableCount = ward.recordFaults.unreadable.count
    record(
      WardRecord(
        time: clock.now().wallTime, kind: .start,
        message: "dosed \(ProtocolInfo.softwareVersion) started"
          + (unreadableCount == 0 ? "" : "; \(unreadableCount) record(s) cannot be read")))
  }

  /// Rebuilds an occupied room's clearance series from the minute records since admission:
  /// each minute the highest of its detectors' mean dose rates (energy-corrected as the room
  /// serves them), weighted by that detector's counts.
  private func restoredRelease(room index: Int, admission: AdmissionRecord, store: RecordStore)
    throws -> RoomReleaseTracker
  {
    let config = ward.locations[index].config
    let corrections = ward.locations[index].room?.corrections ?? [:]
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
    writer.unavailable(reason)
    flagAllRoomsUnknown(reason)
  }

  /// Writes the open minutes and a stop event (graceful shutdown).
  public func closeRecords() async {
    perform([
      .minutes(ward.flushMinutes()),
      .record(WardRecord(time: clock.now().wallTime, kind: .stop, message: "dosed stopping")),
    ])
    await writer.flush()
  }

  /// Deletes records older than the retention period.
  public func pruneRecords(olderThan seconds: Double) {
    writer.enqueue([.prune(before: clock.now().wallTime.addingTimeInterval(-seconds))])
  }

  /// Every room to awaiting clearance: the records could not be opened, so nobody knows
  /// which rooms hold a patient.
  func flagAllRoomsUnknown(_ reason: String) {
    for index in ward.locations.indices where ward.locations[index].config.kind == .isolationRoom {
      ward.locations[index].setOccupancy(.awaitingClearance)
      ward.recordFaults[ward.locations[index].config.id] = RecordFault(
        kind: .recordsUnavailable, reason: "the records are unavailable (\(reason))")
    }
  }

  /// Puts a flagged room in awaiting clearance: its patient may still be inside.
  func applyRoomRecordFaults() {
    for room in ward.recordFaults.faults.keys {
      guard let index = ward.roomIndex(room) else { continue }
      ward.locations[index].setOccupancy(.awaitingClearance)
      ward.rooms.records[room] = RoomRecord()
    }
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
