import DoseCore
import DoseProtocol
import Foundation

/// The explicit actions that follow a rename in the configuration: a room's record or a
/// package moves to a configured location, recorded with who did it. Nothing moves by itself.
extension Engine {
  /// Moves an orphaned room's record (occupancy, since, admission) onto `target`, a configured
  /// room that is clear.
  public func moveRoom(_ id: String, to target: String, actor: ActorIdentity?)
    async throws(ControlFailure) -> RoomDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard let orphan = ward.rooms.orphans[id] else {
      throw ControlFailure(
        ward.roomIndex(id) == nil ? .notFound : .refused,
        ward.roomIndex(id) == nil
          ? "room \(id) holds nothing in the records (orphans: "
            + "\(ward.rooms.orphans.keys.sorted().joined(separator: ", ").nonEmpty ?? "none"))"
          : "room \(id) is configured: only a room the configuration no longer has is moved")
    }
    guard let index = ward.roomIndex(target) else {
      throw ControlFailure(.notFound, "no isolation room '\(target)' in the configuration")
    }
    guard ward.locations[index].room?.occupancy == .clear, ward.recordFaults[target] == nil else {
      throw ControlFailure(
        .refused, "room \(target) is not clear: it cannot take another room's patient")
    }
    try requireRecords()
    let time = clock.now().wallTime
    var admission = orphan.admission
    admission?.room = target
    let who = admission.map { " (patient \($0.patient))" } ?? ""
    let event = StoredEvent(
      WardRecord(
        time: time, kind: .roomMove, location: target,
        message: "record of room \(id) moved here: \(orphan.occupancy.rawValue)\(who)",
        actor: actor))
    let state = RoomStateRecord(
      room: target, occupancy: orphan.occupancy.rawValue, since: orphan.since ?? time,
      admissionID: admission?.id)
    if let moved = try await write(
      "the move",
      { [admission] in
        try $0.moveRoom(from: id, to: state, admission: admission, event: event)
      })
    {
      admission = moved
    }
    ward.rooms.orphans[id] = nil
    ward.rooms.records[id] = nil
    ward.locations[index].setOccupancy(orphan.occupancy)
    ward.rooms.records[target] = RoomRecord(since: orphan.since ?? time, admission: admission)
    if orphan.occupancy == .occupied { ward.rooms.trackers[target] = RoomReleaseTracker() }
    return try room(target)
  }

  /// Moves a package into `target`, a configured store whose rule accepts it.
  public func moveWaste(_ id: String, to target: String, actor: ActorIdentity?)
    async throws(ControlFailure) -> WastePackageDetail
  {
    await enterAction()
    defer { leaveAction() }
    guard var record = ward.waste.package(id) else {
      throw ControlFailure(.notFound, "no waste package '\(id)'")
    }
    guard record.releasedAt == nil else {
      throw ControlFailure(.refused, "package \(id) was already released")
    }
    guard let store = ward.location(target),
      store.config.kind == .wasteStore
    else {
      throw ControlFailure(.notFound, "no waste store '\(target)' in the configuration")
    }
    guard let batch = record.batch else {
      throw ControlFailure(.refused, "package \(id) has no valid inventory to move")
    }
    let acceptance = store.config.store.wasteRule.acceptance(of: batch)
    guard acceptance.isAccepted else {
      throw ControlFailure(
        .refused,
        "store \(target) (\(store.config.store.wasteRule.rawValue)) cannot accept package \(id): "
          + acceptance.reasons.joined(separator: "; "))
    }
    let from = record.store
    record.store = target
    record.rule = store.config.store.wasteRule.rawValue
    try await persistPackage(
      record,
      event: WardRecord(
        time: clock.now().wallTime, kind: .wasteMove, location: target,
        message: "package \(id) moved here from store \(from)", actor: actor))
    ward.waste.put(record)
    return try wasteDetail(id)
  }
}

extension String {
  fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
