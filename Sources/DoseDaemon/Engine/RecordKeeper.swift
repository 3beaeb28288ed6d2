import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation

/// The engine's side of the records: writes events, minutes and alarm rows, and copes when the
/// database will not take them (a `storage` problem and a backlog in memory, never a lost
/// measurement or a stalled evaluation).
struct RecordKeeper: Sendable {
  /// The records; nil when running without (no database, or it could not be opened).
  private(set) var store: RecordStore?
  /// Why records cannot be written right now.
  var problem: String?
  /// Records waiting for the database to take writes again.
  private var backlog = StorageBacklog()
  private var lastRetry = -Double.infinity

  mutating func attach(_ store: RecordStore) {
    self.store = store
  }

  var condition: StorageCondition {
    StorageCondition(problem: problem, waiting: backlog.count)
  }

  /// Whether actions can be recorded: records were asked for (or not) and are open. Without
  /// records at all (in-process tests) actions live in memory.
  var unavailable: String? {
    store == nil ? problem : nil
  }

  /// Appends an event; returns it as saved (with its sequence number), nil when it waits in the
  /// backlog or there are no records. A recovery of the records is returned too, to journal.
  mutating func append(_ event: StoredEvent) -> (saved: StoredEvent?, recovered: StoredEvent?) {
    guard let store else { return (nil, nil) }
    let (flushed, recovered) = flushBacklog(to: store, at: event.time)
    guard flushed else {
      backlog.add(event)
      return (nil, recovered)
    }
    do {
      let saved = try store.append(event)
      problem = nil
      return (saved, recovered)
    } catch {
      problem = "\(error)"
      backlog.add(event)
      return (nil, recovered)
    }
  }

  mutating func save(_ minutes: [MinuteAggregate], at time: Date) -> StoredEvent? {
    guard let store, !minutes.isEmpty else { return nil }
    let (flushed, recovered) = flushBacklog(to: store, at: time)
    guard flushed else {
      backlog.add(minutes)
      return recovered
    }
    do {
      try store.save(minutes)
    } catch {
      problem = "\(error)"
      backlog.add(minutes)
    }
    return recovered
  }

  /// Keeps the alarm occurrence's row current (raised, message changed, acknowledged).
  mutating func save(alarm: WardAlarm) {
    guard let store else { return }
    do {
      try store.save(alarm: AlarmStateRecord(alarm))
    } catch {
      problem = "\(error)"
    }
  }

  mutating func delete(alarm key: AlarmKey) {
    guard let store else { return }
    do {
      try store.deleteAlarm(id: key.id)
    } catch {
      problem = "\(error)"
    }
  }

  /// Runs a write that an action needs to succeed; its failure becomes the storage problem and
  /// is rethrown for the action to refuse.
  mutating func write<T>(_ body: (RecordStore) throws -> T) throws -> T? {
    guard let store else { return nil }
    do {
      let result = try body(store)
      // Records that wait in the backlog keep the problem shown until they are written.
      if backlog.isEmpty { problem = nil }
      return result
    } catch {
      problem = "\(error)"
      throw error
    }
  }

  /// Retries the backlog at most once a clock second while the records are failing; returns
  /// the recovery event when it worked.
  mutating func retry(at now: DoseClock.Now) -> StoredEvent? {
    guard let store, !backlog.isEmpty, now.monotonicSeconds - lastRetry >= 1 else { return nil }
    lastRetry = now.monotonicSeconds
    return flushBacklog(to: store, at: now.wallTime).recovered
  }

  /// Writes what waited for the database; `flushed` when nothing waits any more. On recovery a
  /// `storage_recovered` event (written, and returned for the journal) says how many records
  /// were written late, and lost if the outage outlasted the backlog.
  private mutating func flushBacklog(to store: RecordStore, at time: Date) -> (
    flushed: Bool, recovered: StoredEvent?
  ) {
    guard !backlog.isEmpty else { return (true, nil) }
    do {
      let (written, lost) = try backlog.flush(to: store)
      let previous = problem
      problem = nil
      let event = StoredEvent(
        WardRecord(
          time: time, kind: .storageRecovered,
          message: "records can be written again (after: \(previous ?? "a write error")); "
            + "\(written) records written late" + (lost > 0 ? ", \(lost) lost" : "")))
      _ = try? store.append(event)
      return (true, event)
    } catch {
      problem = "\(error)"
      return (false, nil)
    }
  }
}

extension StoredEvent {
  /// The records' row for a ward model's record.
  init(_ record: WardRecord) {
    let data: String? =
      switch record.data {
      case .measurement(let assessment): MeasurementRecord(assessment).json
      case .evidence(let evidence): StatusMapping.json(StatusMapping.evidence(evidence))
      case nil: nil
      }
    self.init(
      time: record.time, kind: record.kind.rawValue, location: record.location,
      detector: record.detector, level: record.level?.rawValue, message: record.message,
      actor: record.actor, data: data)
  }

  /// The event's kind, when it is one this version of dosed writes.
  var eventKind: EventKind? { EventKind(rawValue: kind) }
}

extension AlarmStateRecord {
  init(_ alarm: WardAlarm) {
    self.init(
      id: alarm.key.id, since: alarm.since, kind: alarm.key.kind.rawValue,
      level: alarm.level.rawValue, location: alarm.location, detector: alarm.detector,
      message: alarm.message, ackUser: alarm.acknowledgement?.user,
      ackUID: alarm.acknowledgement?.uid, ackAt: alarm.acknowledgement?.at,
      ackNote: alarm.acknowledgement?.note)
  }

  /// The occurrence as the ward model keeps it; nil for a row no version of dosed wrote.
  var wardAlarm: WardAlarm? {
    guard let key = AlarmKey(id: id), let level = AlarmLevel(rawValue: level) else { return nil }
    var alarm = WardAlarm(
      key: key, level: level, message: message, since: since, detector: detector)
    if let ackUser, let ackAt {
      alarm.acknowledgement = AlarmAcknowledgement(
        user: ackUser, uid: ackUID, at: ackAt, note: ackNote)
    }
    return alarm
  }
}
