import Foundation
import GRDB

/// A row of the records that could not be read back, and whose it is.
public struct UnreadableRecord: Sendable, Hashable, CustomStringConvertible {
  public var table: String
  public var rowID: Int64
  /// The room, store or package the row belongs to, where its key columns could be read.
  public var room: String?
  public var store: String?
  public var package: String?
  public var reason: String

  /// What the row decides for the daemon: a room's state, a store's package, or neither.
  public enum Role: Sendable, Hashable {
    case roomState(room: String)
    case package(store: String, id: String?)
    case other
  }

  public var role: Role {
    switch table {
    case RoomStateRecord.databaseTableName: room.map { .roomState(room: $0) } ?? .other
    case WastePackageRecord.databaseTableName:
      store.map { .package(store: $0, id: package) } ?? .other
    default: .other
    }
  }

  public var description: String {
    let owner = [
      room.map { "room \($0)" }, store.map { "store \($0)" }, package.map { "package \($0)" },
    ]
    .compactMap { $0 }.joined(separator: ", ")
    return "\(table) row \(rowID)" + (owner.isEmpty ? "" : " (\(owner))") + ": \(reason)"
  }
}

/// The start-up self-check: every table is read back, so that a row the daemon
/// cannot decode is found and reported before it can make a room or a package disappear.
extension RecordStore {
  /// The text every stored time must have (`StoredTime`): `yyyy-MM-dd HH:mm:ss.SSS`.
  static let timeGlob =
    "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]"

  /// Time columns of every table (checked by pattern, which is fast even for years of minutes).
  static let timeColumns: [(table: String, columns: [String])] = [
    ("event", ["time"]), ("minute_aggregate", ["minute"]), ("room_state", ["since"]),
    ("admission", ["admitted_at", "discharged_at", "cleared_at", "geometry_set_at"]),
    ("waste_package", ["sealed_at", "added_at", "released_at"]), ("survey", ["time"]),
    ("alarm_state", ["since", "ack_at"]),
  ]

  /// Every row that cannot be read: time columns of every table by their text, and the small
  /// tables that decide rooms, packages and alarms decoded row by row as the daemon reads them.
  public func selfCheck() throws -> [UnreadableRecord] {
    try pool.read { db in
      var found: [UnreadableRecord] = []
      for (table, columns) in Self.timeColumns {
        let bad = columns.map { "(\($0) IS NOT NULL AND \($0) NOT GLOB '\(Self.timeGlob)')" }
          .joined(separator: " OR ")
        let rows = try Row.fetchAll(
          db, sql: "SELECT rowid AS dosed_rowid, * FROM \(table) WHERE \(bad)")
        found += rows.map { row in
          Self.unreadable(
            table, row,
            reason: "a time that is not in the records' form: "
              + columns.compactMap { column in
                (row[column] as String?).map { "\(column) = '\($0)'" }
              }.joined(separator: ", "))
        }
      }
      found += try Self.undecodable(RoomStateRecord.self, db)
      found += try Self.undecodable(AdmissionRecord.self, db)
      found += try Self.undecodable(WastePackageRecord.self, db)
      found += try Self.undecodable(SurveyRecord.self, db)
      found += try Self.undecodable(AlarmStateRecord.self, db)
      // A row found by both checks is reported once.
      var seen = Set<String>()
      return found.filter { seen.insert("\($0.table):\($0.rowID)").inserted }
    }
  }

  /// Rows of `type`'s table that its decoder refuses.
  static func undecodable<T: FetchableRecord & TableRecord>(_ type: T.Type, _ db: Database) throws
    -> [UnreadableRecord]
  {
    let table = T.databaseTableName
    return try Row.fetchAll(db, sql: "SELECT rowid AS dosed_rowid, * FROM \(table)").compactMap {
      row in
      do {
        _ = try T(row: row)
        return nil
      } catch {
        return unreadable(table, row, reason: "\(error)")
      }
    }
  }

  /// The rows of `type` that decode, skipping any that do not (the self-check reports those).
  static func readable<T: FetchableRecord & TableRecord>(
    _ type: T.Type, _ db: Database, orderBy order: String? = nil
  ) throws -> [T] {
    let sql = "SELECT * FROM \(T.databaseTableName)" + (order.map { " ORDER BY \($0)" } ?? "")
    return try Row.fetchAll(db, sql: sql).compactMap { try? T(row: $0) }
  }

  private static func unreadable(_ table: String, _ row: Row, reason: String) -> UnreadableRecord {
    var record = UnreadableRecord(
      table: table, rowID: row["dosed_rowid"] ?? 0, room: nil, store: nil, package: nil,
      reason: reason)
    switch table {
    case RoomStateRecord.databaseTableName, AdmissionRecord.databaseTableName:
      record.room = row["room"] as String?
    case WastePackageRecord.databaseTableName:
      record.store = row["store"] as String?
      record.package = row["id"] as String?
    case SurveyRecord.databaseTableName: record.package = row["package"] as String?
    default: break
    }
    return record
  }
}
