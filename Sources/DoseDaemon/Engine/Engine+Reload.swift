import DoseCore
import DoseProtocol
import Foundation

/// Reload: the engine takes a new configuration without forgetting what it knows.
extension Engine {
  /// Installs `config` (already validated, restart-only settings unchanged).
  ///
  /// A detector whose settings are equal keeps its monitor: its window, estimate, fault state
  /// and sequential tests go on as if nothing happened (a test whose design changed, because a
  /// location's threshold did, starts afresh). A changed detector gets a fresh monitor, as at
  /// start-up. A location is kept when neither its settings nor any of its detectors changed;
  /// otherwise it is rebuilt and keeps its room occupancy, admission, release series and
  /// alarm history (its alarm level is re-derived from its detectors at the next evaluation).
  /// The reload is recorded with who asked for it.
  public func reconfigure(
    to config: DaemonConfig, actor: ActorIdentity?, trigger: String
  ) -> (detectors: ReloadChanges, locations: ReloadChanges) {
    actionTimeWindow = ActionTimeWindow(config.daemon)
    let reconfigured = ward.detectors.reconfigure(to: config, at: clock.now().monotonicSeconds)
    let detectorChanges = ReloadChanges(
      unchanged: reconfigured.unchanged, changed: reconfigured.changed,
      added: reconfigured.added, removed: reconfigured.removed)

    let rebuiltDetectors = Set(detectorChanges.changed + detectorChanges.added)
    let calibrations = WardModel.calibrations(config)
    var locationChanges = ReloadChanges()
    var newLocations: [LocationMonitor] = []
    for location in config.locations {
      guard let previous = ward.location(location.id) else {
        ward.rooms.orphans[location.id] = nil
        var monitor = LocationMonitor(config: location, calibrations: calibrations)
        if let occupancy = restoredOccupancy(of: location) { monitor.setOccupancy(occupancy) }
        newLocations.append(monitor)
        locationChanges.added.append(location.id)
        continue
      }
      if previous.config == location, rebuiltDetectors.isDisjoint(with: location.detectors) {
        newLocations.append(previous)
        locationChanges.unchanged.append(location.id)
        continue
      }
      var monitor = LocationMonitor(config: location, calibrations: calibrations)
      if previous.config.kind == location.kind, let occupancy = previous.room?.occupancy {
        monitor.setOccupancy(occupancy)
      }
      newLocations.append(monitor)
      locationChanges.changed.append(location.id)
    }
    let locationIDs = Set(config.locations.map(\.id))
    locationChanges.removed = ward.locations.map(\.config.id).filter {
      !locationIDs.contains($0)
    }
    for id in locationChanges.removed {
      // A room that holds a patient or awaits clearance is kept as an orphan (with an alarm)
      // until it is configured again or its record is moved: a rename must not clear it.
      if let room = ward.location(id)?.room, room.occupancy != .clear {
        ward.rooms.orphans[id] = OrphanRoom(
          occupancy: room.occupancy, since: ward.rooms.records[id]?.since,
          admission: ward.rooms.records[id]?.admission)
      }
      ward.forgetLocation(id)
    }
    ward.locations = newLocations
    addConfiguredPackages()

    let now = clock.now()
    let summary =
      "detectors: \(detectorChanges.summary); locations: \(locationChanges.summary)"
    perform([
      .record(
        WardRecord(
          time: now.wallTime, kind: .configReload,
          message: "configuration reloaded from \(config.sourcePath) (\(trigger)): \(summary)",
          actor: actor)),
      .publish(.configReload(summary: summary, at: now.wallTime)),
    ])
    evaluate()
    return (detectorChanges, locationChanges)
  }

  /// Records a rejected reload: the file's errors, or the restart-only settings it changed.
  public func recordRejectedReload(_ reason: String, actor: ActorIdentity?, trigger: String) {
    perform([
      .record(
        WardRecord(
          time: clock.now().wallTime, kind: .configReloadFailed, level: .warn,
          message: "configuration not reloaded (\(trigger)): \(reason)", actor: actor))
    ])
  }

  /// A room that is new to this run but known to the records (it was configured before):
  /// its recorded occupancy.
  private func restoredOccupancy(of location: LocationConfig) -> RoomOccupancy? {
    guard location.kind == .isolationRoom, let store = writer.store,
      let state = try? store.roomStates().first(where: { $0.room == location.id })
    else { return nil }
    return RoomOccupancy(rawValue: state.occupancy)
  }

  /// Packages of newly configured stores (or new `[[location.package]]` entries) that the
  /// engine does not hold yet; recorded when there are records.
  private func addConfiguredPackages() {
    let time = clock.now().wallTime
    for configured in ward.waste.missing(from: ward.locations, at: time) {
      let event = StoredEvent(
        WardRecord(
          time: time, kind: .wasteAdd, location: configured.store,
          message: "package \(configured.id) from the configuration"))
      writer.enqueue([.package(configured, event)])
      ward.waste.put(configured)
    }
  }
}
