import GRDB

/// The database schema, as numbered migrations. A migration, once released, never changes: a
/// new version adds one. GRDB records which have run in `grdb_migrations`.
enum StoreSchema {
  static func migrator() -> DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: events, minute aggregates, rooms, admissions") { db in
      // Everything an RSO may be asked about: state changes, alarms, operator actions.
      try db.create(table: "event") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("time", .datetime).notNull().indexed()  // UTC, "yyyy-MM-dd HH:mm:ss.SSS"
        t.column("kind", .text).notNull().indexed()
        t.column("location", .text).indexed()
        t.column("detector", .text).indexed()
        t.column("level", .text)
        t.column("message", .text).notNull()
        t.column("actor_uid", .integer)
        t.column("actor_name", .text)
        t.column("actor_pid", .integer)
        t.column("data", .text)  // JSON: the measurement the event rests on
      }
      // One row per detector and wall-clock minute.
      try db.create(table: "minute_aggregate") { t in
        t.column("detector", .text).notNull()
        t.column("minute", .datetime).notNull()  // start of the minute, UTC
        t.column("counts", .integer).notNull()
        t.column("live_s", .double).notNull()
        t.column("readings", .integer).notNull()
        t.column("dose_min_usv_h", .double)
        t.column("dose_mean_usv_h", .double)
        t.column("dose_max_usv_h", .double)
        t.primaryKey(["detector", "minute"])
      }
      // Where each room is in its cycle, and since when.
      try db.create(table: "room_state") { t in
        t.primaryKey("room", .text)
        t.column("occupancy", .text).notNull()
        t.column("since", .datetime).notNull()
        t.column("admission_id", .integer)
      }
      try db.create(table: "admission") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("room", .text).notNull().indexed()
        t.column("patient", .text).notNull()
        t.column("nuclide", .text).notNull()
        t.column("activity_bq", .double)
        t.column("admitted_at", .datetime).notNull()
        t.column("discharged_at", .datetime)
        t.column("cleared_at", .datetime)
        t.column("geometry_factor", .double)
        t.column("geometry_set_at", .datetime)
      }
    }
    migrator.registerMigration("v2: waste packages and release surveys") { db in
      try db.create(table: "waste_package") { t in
        t.primaryKey("id", .text)
        t.column("store", .text).notNull().indexed()
        t.column("rule", .text).notNull()
        t.column("sealed_at", .datetime).notNull()
        t.column("activities", .text).notNull()  // JSON {nuclide: Bq at sealing}
        t.column("mass_g", .double)
        t.column("surface_usv_h", .double)
        t.column("surface_shares", .text)  // JSON {nuclide: share of the sealing dose rate}
        t.column("added_at", .datetime).notNull()
        t.column("origin", .text).notNull()  // "config" or "dosectl"
        t.column("released_at", .datetime)
      }
      // 10 CFR 35.2092: date, instrument, background, surface reading, surveyor; plus the
      // counts and the ISO 11929 decision they rest on.
      try db.create(table: "survey") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("package", .text).notNull().indexed()
        t.column("time", .datetime).notNull()
        t.column("detector", .text).notNull()
        t.column("instrument", .text).notNull()
        t.column("surveyor", .text).notNull()
        t.column("gross_counts", .integer).notNull()
        t.column("gross_s", .double).notNull()
        t.column("background_counts", .integer).notNull()
        t.column("background_s", .double).notNull()
        t.column("background_usv_h", .double).notNull()
        t.column("surface_usv_h", .double).notNull()
        t.column("net_usv_h", .double).notNull()
        t.column("decision_threshold_usv_h", .double).notNull()
        t.column("detection_limit_usv_h", .double).notNull()
        t.column("passed", .boolean).notNull()
        t.column("reason", .text)
      }
    }
    migrator.registerMigration("v3: active alarms and their acknowledgements") { db in
      // One row per active alarm occurrence, so that a restart continues it (same `since`)
      // and keeps its acknowledgement; deleted when the alarm clears.
      try db.create(table: "alarm_state") { t in
        t.primaryKey("id", .text)
        t.column("since", .datetime).notNull()
        t.column("kind", .text).notNull()
        t.column("level", .text).notNull()
        t.column("location", .text)
        t.column("detector", .text)
        t.column("message", .text).notNull()
        t.column("ack_user", .text)
        t.column("ack_uid", .integer)
        t.column("ack_at", .datetime)
        t.column("ack_note", .text)
      }
    }
    migrator.registerMigration("v4: production route of a waste package's Lu-177") { db in
      // "ca" or "nca": NULL for packages recorded before, assessed as carrier-added.
      try db.alter(table: "waste_package") { t in
        t.add(column: "route", .text)
      }
    }
    return migrator
  }
}
