import DoseCore
import Foundation

/// A room's record: since when it is in its state, and its current admission.
struct RoomRecord: Sendable {
  var since: Date?
  var admission: AdmissionRecord?
}

/// The isolation rooms' records and release questions, and the rooms the records hold that the
/// configuration no longer has.
struct RoomBook: Sendable {
  var records: [String: RoomRecord] = [:]
  /// Occupied rooms' clearance series and fits.
  var trackers: [String: RoomReleaseTracker] = [:]
  /// Rooms in the records (not clear) that the configuration no longer has.
  var orphans: [String: OrphanRoom] = [:]

  /// The release status of an occupied room with a recorded patient, updating its clearance
  /// series; nil (and the series dropped) for anything else.
  mutating func release(
    of config: LocationConfig, occupied: Bool, assessment: LocationAssessment, counts: UInt64?,
    at time: Date, measuredAt: Date? = nil
  ) -> RoomRelease? {
    guard config.kind == .isolationRoom, occupied,
      let admission = records[config.id]?.admission
    else {
      trackers[config.id] = nil
      return nil
    }
    var tracker = trackers[config.id] ?? RoomReleaseTracker()
    tracker.sample(
      assessment, admittedAt: admission.admittedAt, at: time, counts: counts,
      measuredAt: measuredAt)
    let status = tracker.status(
      admission: admission, rule: config.room.release, configGeometry: config.room.geometryFactor,
      assessment: assessment, at: time)
    trackers[config.id] = tracker
    return status
  }

  /// Forgets a room the configuration dropped (its record is kept as an orphan elsewhere).
  mutating func forgetSeries(_ id: String) {
    trackers[id] = nil
  }
}
