import DoseCore
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

/// Records the daemon could not read: each is shown as an alarm and makes the room or store it
/// concerns fail safe, never silently vanish.
struct RecordFaultBook: Sendable {
  /// Rooms and stores whose records could not be read, and why: held fail-safe until a
  /// recorded action replaces the record.
  private(set) var faults: [String: RecordFault] = [:]
  /// Rows the start-up self-check could not read.
  private(set) var unreadable: [UnreadableRecord] = []

  subscript(location: String) -> RecordFault? {
    get { faults[location] }
    set { faults[location] = newValue }
  }

  /// Takes the start-up self-check's findings: each room or store they concern is flagged (a
  /// room then comes up awaiting clearance, whatever the configuration's initial state). An
  /// admission row flags its room only when it is the room's current admission (the edge that
  /// reads the records knows); a room's state row always does.
  mutating func note(_ found: [UnreadableRecord]) {
    unreadable = found
    for record in found {
      switch record.role {
      case .roomState(let room):
        faults[room] = RecordFault(kind: .room, reason: "its state record (\(record))")
      case .package(let store, _):
        faults[store] = RecordFault(kind: .package, reason: "a package record (\(record))")
      case .other:
        break
      }
    }
  }

  /// A recorded change of `location` replaced what could not be read.
  mutating func rewritten(_ location: String) {
    guard faults.removeValue(forKey: location) != nil else { return }
    unreadable.removeAll { $0.role == .roomState(room: location) }
  }

  /// A package record was written: an unreadable row with its id is replaced.
  mutating func packageRewritten(_ record: WastePackageRecord) {
    unreadable.removeAll {
      if case .package(_, record.id) = $0.role { return true }
      return false
    }
    let storeStillUnreadable = unreadable.contains {
      if case .package(record.store, _) = $0.role { return true }
      return false
    }
    if !storeStillUnreadable, faults[record.store]?.kind == .package {
      faults[record.store] = nil
    }
  }

  /// Unreadable rows that no room or store stands for: one `storage` alarm names them.
  var unplaced: [UnreadableRecord] {
    unreadable.filter { $0.role == .other }
  }
}
