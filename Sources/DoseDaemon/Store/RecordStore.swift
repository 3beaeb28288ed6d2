import Foundation
import GRDB

/// The daemon's records in SQLite (WAL): events, minute aggregates, rooms and admissions.
///
/// Writes are short transactions; with WAL and `synchronous = NORMAL` a committed transaction
/// survives the daemon being killed (it is in the WAL file), though not a power cut before the
/// next checkpoint. Callers on the cooperative pool accept that each write blocks for well under
/// a millisecond.
public final class RecordStore: Sendable {
  public enum Failure: Error, CustomStringConvertible {
    case cannotOpen(String, String)

    public var description: String {
      switch self {
      case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
      }
    }
  }

  /// File name inside the state directory.
  public static let fileName = "dosed.sqlite"

  let pool: DatabasePool
  public let path: String

  /// Opens (creating if needed) the database in `directory` and runs pending migrations.
  public init(directory: String) throws {
    path = (directory as NSString).appendingPathComponent(Self.fileName)
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      var configuration = Configuration()
      configuration.prepareDatabase { db in
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
      }
      configuration.busyMode = .timeout(5)
      pool = try DatabasePool(path: path, configuration: configuration)
      try StoreSchema.migrator().migrate(pool)
    } catch {
      throw Failure.cannotOpen(path, "\(error)")
    }
  }

  /// Makes the database refuse writes (`PRAGMA query_only`, SQLITE_READONLY), as a read-only
  /// state directory would, or take them again. For fault-injection tests.
  func refuseWrites(_ refuse: Bool) throws {
    try pool.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA query_only = \(refuse ? "ON" : "OFF")")
    }
  }

  // MARK: Events

  @discardableResult
  public func append(_ event: StoredEvent) throws -> StoredEvent {
    try pool.write { db in
      var event = event
      try event.insert(db)
      return event
    }
  }

  public func events(
    since: Date? = nil, until: Date? = nil, location: String? = nil, detector: String? = nil,
    kinds: [String]? = nil, limit: Int? = nil, before: Int64? = nil
  ) throws -> [StoredEvent] {
    try pool.read { db in
      // In recording order: wall time can jump (and does under --time-scale restarts).
      var request = StoredEvent.all().order(Column("id"))
      if let since { request = request.filter(Column("time") >= StoredTime.value(since)) }
      if let until { request = request.filter(Column("time") <= StoredTime.value(until)) }
      if let location { request = request.filter(Column("location") == location) }
      if let detector { request = request.filter(Column("detector") == detector) }
      if let kinds { request = request.filter(kinds.contains(Column("kind"))) }
      if let before { request = request.filter(Column("id") < before) }
      // The newest `limit`, still returned oldest first.
      if let limit { return try request.reversed().limit(limit).fetchAll(db).reversed() }
      return try request.fetchAll(db)
    }
  }

  // MARK: Minute aggregates

  public func save(_ aggregates: [MinuteAggregate]) throws {
    guard !aggregates.isEmpty else { return }
    try pool.write { db in
      for aggregate in aggregates {
        // A minute already recorded (a restart within it, the stop's flush and the new run's
        // first minute) is merged, not overwritten.
        let existing = try MinuteAggregate.fetchOne(
          db, key: ["detector": aggregate.detector, "minute": StoredTime.value(aggregate.minute)])
        try (existing.map { $0.merged(with: aggregate) } ?? aggregate).upsert(db)
      }
    }
  }

  public func aggregates(detector: String? = nil, since: Date? = nil, until: Date? = nil) throws
    -> [MinuteAggregate]
  {
    try pool.read { db in
      var request = MinuteAggregate.all().order(Column("minute"), Column("detector"))
      if let detector { request = request.filter(Column("detector") == detector) }
      if let since { request = request.filter(Column("minute") >= StoredTime.value(since)) }
      if let until { request = request.filter(Column("minute") <= StoredTime.value(until)) }
      return try request.fetchAll(db)
    }
  }

  // MARK: Rooms

  public func roomStates() throws -> [RoomStateRecord] {
    // Rows that cannot be decoded are skipped here and reported by `selfCheck`.
    try pool.read { db in try Self.readable(RoomStateRecord.self, db) }
  }

  public func admission(id: Int64) throws -> AdmissionRecord? {
    try pool.read { db in try AdmissionRecord.fetchOne(db, key: id) }
  }

  /// Records a room's new state, the admission it refers to and the event, in one transaction:
  /// either all of it is on disk or none.
  @discardableResult
  public func recordRoomChange(
    state: RoomStateRecord, admission: AdmissionRecord?, event: StoredEvent
  ) throws -> (AdmissionRecord?, StoredEvent) {
    try pool.write { db in
      var admission = admission
      var state = state
      if var record = admission {
        try record.save(db)
        admission = record
        state.admissionID = record.id
      }
      try state.save(db)
      var event = event
      try event.insert(db)
      return (admission, event)
    }
  }

  /// Moves a room's record onto another room (`room_move`): the new room's state, the
  /// admission re-attached, the old room's state row deleted and the event, in one transaction.
  public func moveRoom(
    from old: String, to state: RoomStateRecord, admission: AdmissionRecord?, event: StoredEvent
  ) throws -> AdmissionRecord? {
    try pool.write { db in
      var admission = admission
      if var record = admission {
        try record.save(db)
        admission = record
      }
      try state.save(db)
      _ = try RoomStateRecord.deleteOne(db, key: old)
      var event = event
      try event.insert(db)
      return admission
    }
  }

  // MARK: Retention

  /// Deletes events and aggregates older than `before`; returns how many rows went.
  @discardableResult
  public func prune(before: Date) throws -> Int {
    try pool.write { db in
      let events = try StoredEvent.filter(Column("time") < StoredTime.value(before)).deleteAll(db)
      let minutes = try MinuteAggregate.filter(Column("minute") < StoredTime.value(before))
        .deleteAll(db)
      return events + minutes
    }
  }

  /// `PRAGMA integrity_check`: "ok" for a sound database.
  public func integrityCheck() throws -> String {
    try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
  }
}
