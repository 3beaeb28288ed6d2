import DoseCore
import DoseProtocol
import Foundation

/// A room the records hold with a patient or awaiting clearance, which the configuration no
/// longer has (renamed or removed). It is kept and shown, never dropped.
struct OrphanRoom: Sendable {
  var occupancy: RoomOccupancy
  var since: Date?
  var admission: AdmissionRecord?
}

/// Why a room's or a store's records are held: what could not be read, and so what resolves it.
struct RecordFault: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    /// The room's state row, its current admission, or its recorded state.
    case room
    /// A package row of the store.
    case package
    /// The database could not be opened at all.
    case recordsUnavailable
  }

  var kind: Kind
  var reason: String

  /// What the RSO does about it (docs/operations.md, "Records that cannot be read").
  var action: String {
    switch kind {
    case .room:
      "the room is held awaiting clearance: survey and clear it, or admit the patient again"
    case .package:
      "re-enter the package with `dosectl waste add` (same id) or repair the row"
    case .recordsUnavailable:
      "no action can be recorded: fix the state directory and restart"
    }
  }
}

/// Records the daemon could not read, and records the configuration no longer places: both
/// are shown as alarms and make the rooms they concern fail safe, never silently vanish.
extension Engine {
  /// Takes the start-up self-check's findings: each room or store they concern is flagged (a
  /// room then comes up awaiting clearance, whatever the configuration's initial state), and
  /// every finding is journalled.
  func noteUnreadable(_ found: [UnreadableRecord]) {
    unreadableRecords = found
    for record in found {
      logger?.error("record unreadable", metadata: ["record": "\(record)"])
      switch record.table {
      // An admission row flags its room only when it is the room's current admission (see
      // `attach`); a room's state row always does.
      case "room_state":
        if let room = record.room {
          recordFaults[room] = RecordFault(kind: .room, reason: "its state record (\(record))")
        }
      case "waste_package":
        if let store = record.store {
          recordFaults[store] = RecordFault(
            kind: .package, reason: "a package record (\(record))")
        }
      default:
        break
      }
    }
  }

  /// Every room to awaiting clearance: the records could not be opened, so nobody knows
  /// which rooms hold a patient.
  func flagAllRoomsUnknown(_ reason: String) {
    for index in locations.indices where locations[index].config.kind == .isolationRoom {
      locations[index].setOccupancy(.awaitingClearance)
      recordFaults[locations[index].config.id] = RecordFault(
        kind: .recordsUnavailable, reason: "the records are unavailable (\(reason))")
    }
  }

  /// Puts a flagged room in awaiting clearance: its patient may still be inside.
  func applyRoomRecordFaults() {
    for (room, _) in recordFaults {
      guard let index = roomIndex(room) else { continue }
      locations[index].setOccupancy(.awaitingClearance)
      roomRecords[room] = (nil, nil)
    }
  }

  /// A recorded change of `location` replaced what could not be read.
  func recordRewritten(_ location: String) {
    guard recordFaults.removeValue(forKey: location) != nil else { return }
    unreadableRecords.removeAll { $0.room == location && $0.table == "room_state" }
  }

  /// A package record was written: an unreadable row with its id is replaced.
  func packageRewritten(_ record: WastePackageRecord) {
    unreadableRecords.removeAll { $0.table == "waste_package" && $0.package == record.id }
    if !unreadableRecords.contains(where: {
      $0.table == "waste_package" && $0.store == record.store
    }),
      recordFaults[record.store]?.kind == .package
    {
      recordFaults[record.store] = nil
    }
  }

  /// The alarms for unreadable records and orphans, and the status changes they make.
  func recordAlarms(at time: Date) -> [AlarmStatus] {
    var alarms: [AlarmStatus] = []
    for (location, fault) in recordFaults.sorted(by: { $0.key < $1.key }) {
      alarms.append(
        AlarmStatus(
          kind: "storage", level: AlarmLevel.alarm.rawValue, location: location, detector: nil,
          message: "the records of \(location) cannot be read: \(fault.reason); \(fault.action)",
          since: since("storage:\(location)", time)))
    }
    for (room, orphan) in orphanRooms.sorted(by: { $0.key < $1.key }) {
      let patient =
        orphan.admission.map {
          " with patient \($0.patient) (admitted \(Self.displayTime($0.admittedAt)))"
        } ?? ""
      alarms.append(
        AlarmStatus(
          kind: "orphan", level: AlarmLevel.alarm.rawValue, location: room, detector: nil,
          message: "room \(room) is \(orphan.occupancy.rawValue)\(patient) in the records but not "
            + "in the configuration: restore it, or move its record with "
            + "`dosectl room move \(room) NEW-ROOM`",
          since: since("orphan:\(room)", time)))
    }
    for (store, packages) in orphanStores() {
      alarms.append(
        AlarmStatus(
          kind: "orphan", level: AlarmLevel.alarm.rawValue, location: store, detector: nil,
          message: "store \(store) holds \(packages.count) package(s) in the records "
            + "(\(packages.joined(separator: ", "))) but is not in the configuration: restore "
            + "it, or move each with `dosectl waste move PACKAGE STORE`",
          since: since("orphan:\(store)", time)))
    }
    return alarms
  }

  /// Stores that hold unreleased packages in the records but are not configured, with the
  /// packages' ids.
  func orphanStores() -> [(String, [String])] {
    let configured = Set(
      locations.filter { $0.config.kind == .wasteStore }.map(\.config.id))
    var result: [String: [String]] = [:]
    for package in wastePackages
    where package.releasedAt == nil && !configured.contains(package.store) {
      result[package.store, default: []].append(package.id)
    }
    return result.sorted { $0.key < $1.key }
  }
}
