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
    let oldConfigs = detectorConfigs
    actionTimeWindow = ActionTimeWindow(config.daemon)
    let oldOrder = detectorOrder
    var detectorChanges = ReloadChanges()
    var monitors: [String: DetectorMonitor] = [:]
    for detector in config.detectors {
      switch oldConfigs[detector.id] {
      case .some(let previous) where previous == detector:
        monitors[detector.id] = detectors[detector.id] ?? Self.monitor(for: detector, clock: clock)
        detectorChanges.unchanged.append(detector.id)
      case .some:
        monitors[detector.id] = Self.monitor(for: detector, clock: clock)
        detectorChanges.changed.append(detector.id)
      case .none:
        monitors[detector.id] = Self.monitor(for: detector, clock: clock)
        detectorChanges.added.append(detector.id)
      }
    }
    let newIDs = Set(config.detectors.map(\.id))
    detectorChanges.removed = oldOrder.filter { !newIDs.contains($0) }
    for id in detectorChanges.removed + detectorChanges.changed {
      // A removed detector's identity and link counters go; a changed one's come back with its
      // driver. Its recorded state is kept so the next change is recorded against it.
      identities[id] = nil
      linkCounters[id] = nil
    }
    for id in detectorChanges.removed {
      detectorStates[id] = nil
    }
    let reloadTime = clock.now().monotonicSeconds
    for id in detectorChanges.changed + detectorChanges.added {
      restartedAt[id] = reloadTime
    }
    for id in detectorChanges.removed {
      restartedAt[id] = nil
    }
    Self.installTests(in: &monitors, config: config)
    detectors = monitors
    detectorOrder = config.detectors.map(\.id)
    detectorConfigs = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })

    let rebuiltDetectors = Set(detectorChanges.changed + detectorChanges.added)
    let calibrations = Self.calibrations(config)
    var locationChanges = ReloadChanges()
    var newLocations: [LocationMonitor] = []
    for location in config.locations {
      guard let previous = locations.first(where: { $0.config.id == location.id }) else {
        orphanRooms[location.id] = nil
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
    locationChanges.removed = locations.map(\.config.id).filter { !locationIDs.contains($0) }
    for id in locationChanges.removed {
      // A room that holds a patient or awaits clearance is kept as an orphan (with an alarm)
      // until it is configured again or its record is moved: a rename must not clear it.
      if let room = locations.first(where: { $0.config.id == id })?.room,
        room.occupancy != .clear
      {
        orphanRooms[id] = OrphanRoom(
          occupancy: room.occupancy, since: roomRecords[id]?.since,
          admission: roomRecords[id]?.admission)
      }
      lastAssessments[id] = nil
      releaseTrackers[id] = nil
      releaseStatuses[id] = nil
      locationStates[id] = nil
    }
    locations = newLocations
    addConfiguredPackages()

    let now = clock.now()
    let summary =
      "detectors: \(detectorChanges.summary); locations: \(locationChanges.summary)"
    record(
      StoredEvent(
        time: now.wallTime, kind: "config_reload",
        message: "configuration reloaded from \(config.sourcePath) (\(trigger)): \(summary)",
        actor: actor))
    var watch = WatchEvent(event: "config_reload", time: now.wallTime)
    watch.reason = summary
    hub.publish(watch)
    evaluate()
    return (detectorChanges, locationChanges)
  }

  /// Records a rejected reload: the file's errors, or the restart-only settings it changed.
  public func recordRejectedReload(_ reason: String, actor: ActorIdentity?, trigger: String) {
    record(
      StoredEvent(
        time: clock.now().wallTime, kind: "config_reload_failed", level: AlarmLevel.warn.rawValue,
        message: "configuration not reloaded (\(trigger)): \(reason)", actor: actor))
  }

  /// A room that is new to this run but known to the records (it was configured before):
  /// its recorded occupancy.
  private func restoredOccupancy(of location: LocationConfig) -> RoomOccupancy? {
    guard location.kind == .isolationRoom, let store,
      let state = try? store.roomStates().first(where: { $0.room == location.id })
    else { return nil }
    return RoomOccupancy(rawValue: state.occupancy)
  }

  /// Packages of newly configured stores (or new `[[location.package]]` entries) that the
  /// engine does not hold yet; recorded when there are records.
  private func addConfiguredPackages() {
    let time = clock.now().wallTime
    for configured in Self.configuredPackages(locations, at: time)
    where !wastePackages.contains(where: { $0.id == configured.id }) {
      if let store {
        do {
          try store.record(
            package: configured,
            event: StoredEvent(
              time: time, kind: "waste_add", location: configured.store,
              message: "package \(configured.id) from the configuration"))
        } catch {
          storageProblem = "\(error)"
        }
      }
      wastePackages.append(configured)
    }
    packageCache = [:]
  }
}
