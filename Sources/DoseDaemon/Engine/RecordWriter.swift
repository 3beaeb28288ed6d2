import Foundation
import Synchronization

/// Owns the record writes. The ward loop hands it events, minutes and alarm rows without
/// waiting; they are written in order on the writer's own thread, never on the loop's executor.
/// When the database will not take them they wait in a bounded queue (the oldest are kept:
/// they hold the start of whatever went wrong) and the trouble is reported as a storage problem
/// for the next evaluation to alarm on: storage trouble is a fault, never a stall.
///
/// Control actions write through `perform`, on the same thread after everything queued before
/// them, and wait for the result: an action counts only once it is recorded.
final class RecordWriter: Sendable {
  /// One write, in the order the ward produced them.
  enum Write: Sendable {
    case event(StoredEvent)
    case minutes([MinuteAggregate])
    case saveAlarm(AlarmStateRecord)
    case deleteAlarm(id: String)
    case prune(before: Date)
    /// A package and the event that adds or changes it, in one transaction.
    case package(WastePackageRecord, StoredEvent)
  }

  /// 10 000 events and alarm rows (hours of state changes on a busy ward) and 50 000
  /// detector-minutes (about two days of 16 detectors): project choice, a few MB at most.
  static let maxEvents = 10_000
  static let maxMinutes = 50_000
  /// Seconds between attempts while the database refuses writes.
  static let retrySeconds = 1.0

  private struct State {
    var store: RecordStore?
    var pending: [Write] = []
    var pendingEvents = 0
    var pendingMinutes = 0
    /// Writes that did not fit in the queue and are lost.
    var lost = 0
    /// Writes that waited for the database during an outage, for the recovery record.
    var late = 0
    var problem: String?
    var draining = false
    var retryScheduled = false
    /// Recovery records for the journal, taken by the ward loop.
    var news: [StoredEvent] = []
  }

  private let state = Mutex(State())
  private let queue = DispatchQueue(label: "dosed.record-writer")
  /// The daemon's wall time, for the recovery record.
  private let wallTime: @Sendable () -> Date

  init(wallTime: @escaping @Sendable () -> Date) {
    self.wallTime = wallTime
  }

  /// Starts writing to `store` (after the start-up reads).
  func attach(_ store: RecordStore) {
    state.withLock { $0.store = store }
  }

  var store: RecordStore? { state.withLock { $0.store } }

  /// The records cannot be used at all (no database); the reason.
  func unavailable(_ reason: String) {
    state.withLock { $0.problem = reason }
  }

  /// How the records are doing, for the next evaluation.
  var condition: StorageCondition {
    state.withLock { state in
      StorageCondition(
        problem: state.problem,
        waiting: state.problem == nil ? 0 : state.pendingEvents + state.pendingMinutes)
    }
  }

  /// Why an action cannot be recorded: records were asked for but could not be opened. Without
  /// records at all (in-process tests) actions live in memory.
  var unavailableReason: String? {
    state.withLock { $0.store == nil ? $0.problem : nil }
  }

  /// Recovery records written since the last call, for the journal.
  func takeNews() -> [StoredEvent] {
    state.withLock { state in
      defer { state.news = [] }
      return state.news
    }
  }

  /// Queues writes; never waits for the database.
  func enqueue(_ writes: [Write]) {
    guard !writes.isEmpty else { return }
    let start = state.withLock { state -> Bool in
      guard state.store != nil else { return false }
      for write in writes { Self.add(write, to: &state) }
      guard !state.draining else { return false }
      state.draining = true
      return true
    }
    if start { queue.async { self.drain() } }
  }

  /// Runs an action's write after everything queued before it; its failure becomes the
  /// storage problem and is rethrown. Nil without records.
  func perform<T: Sendable>(_ body: @escaping @Sendable (RecordStore) throws -> T) async throws
    -> T?
  {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        self.drain()
        guard let store = self.store else {
          continuation.resume(returning: nil)
          return
        }
        do {
          let result = try body(store)
          self.state.withLock { if $0.pending.isEmpty { $0.problem = nil } }
          continuation.resume(returning: result)
        } catch {
          self.state.withLock { $0.problem = "\(error)" }
          continuation.resume(throwing: error)
        }
      }
    }
  }

  /// Waits until everything queued so far has been tried (a stop).
  func flush() async {
    await withCheckedContinuation { continuation in
      queue.async {
        self.drain()
        continuation.resume()
      }
    }
  }

  // MARK: The writer's thread

  private static func add(_ write: Write, to state: inout State) {
    switch write {
    case .minutes(let minutes):
      let room = max(0, maxMinutes - state.pendingMinutes)
      if room < minutes.count { state.lost += minutes.count - room }
      guard room > 0 else { return }
      state.pending.append(.minutes(Array(minutes.prefix(room))))
      state.pendingMinutes += min(room, minutes.count)
    case .event, .saveAlarm, .deleteAlarm, .prune, .package:
      guard state.pendingEvents < maxEvents else {
        state.lost += 1
        return
      }
      state.pending.append(write)
      state.pendingEvents += 1
    }
  }

  /// Writes what is queued, in order. A failure keeps the rest queued, reports the problem and
  /// tries again a second later.
  private func drain() {
    while true {
      let (store, batch, failing) = state.withLock { state -> (RecordStore?, [Write], Bool) in
        let batch = state.pending
        state.pending = []
        state.pendingEvents = 0
        state.pendingMinutes = 0
        if batch.isEmpty { state.draining = false }
        return (state.store, batch, state.problem != nil)
      }
      guard let store, !batch.isEmpty else { return }
      var written = 0
      do {
        for write in batch {
          try Self.perform(write, on: store)
          written += 1
        }
      } catch {
        let rest = batch[written...]
        let retry = state.withLock { state -> Bool in
          let newer = state.pending
          state.pending = []
          state.pendingEvents = 0
          state.pendingMinutes = 0
          for write in rest + newer { Self.add(write, to: &state) }
          if failing { state.late += written }
          state.problem = "\(error)"
          defer { state.retryScheduled = true }
          return !state.retryScheduled
        }
        if retry {
          queue.asyncAfter(deadline: .now() + Self.retrySeconds) {
            self.state.withLock { $0.retryScheduled = false }
            self.drain()
          }
        }
        return
      }
      if failing { state.withLock { $0.late += written } }
      recovered(on: store)
    }
  }

  /// After a successful batch: if the records had been failing and nothing waits any more, a
  /// `storage_recovered` record says how many records were written late (and lost).
  private func recovered(on store: RecordStore) {
    let summary = state.withLock { state -> (problem: String, late: Int, lost: Int)? in
      guard state.pending.isEmpty, let problem = state.problem else { return nil }
      return (problem, state.late, state.lost)
    }
    guard let summary else { return }
    let event = StoredEvent(
      WardRecord(
        time: wallTime(), kind: .storageRecovered,
        message: "records can be written again (after: \(summary.problem)); "
          + "\(summary.late) records written late"
          + (summary.lost > 0 ? ", \(summary.lost) lost" : "")))
    _ = try? store.append(event)
    state.withLock { state in
      state.problem = nil
      state.late = 0
      state.lost = 0
      state.news.append(event)
    }
  }

  private static func perform(_ write: Write, on store: RecordStore) throws {
    switch write {
    case .event(let event): try store.append(event)
    case .minutes(let minutes): try store.save(minutes)
    case .saveAlarm(let row): try store.save(alarm: row)
    case .deleteAlarm(let id): try store.deleteAlarm(id: id)
    case .prune(let before): try store.prune(before: before)
    case .package(let record, let event): try store.record(package: record, event: event)
    }
  }
}
