import DetectorDrivers
import DoseProtocol
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

/// Re-reads the configuration (SIGHUP, `dosectl reload`) and applies it: detectors and
/// locations change, the running ward keeps going.
///
/// All or nothing: an invalid file, or one that changes a setting only a restart can apply,
/// leaves the running configuration exactly as it was, and says why. systemd hears
/// `RELOADING=1` + `MONOTONIC_USEC=` before and `READY=1` after, whatever the outcome
/// (sd_notify(3)).
actor ConfigReloader {
  private(set) var current: DaemonConfig
  private let load: @Sendable () throws -> DaemonConfig
  private let engine: Engine
  private let supervisor: DriverSupervisor
  private let watcher: DeviceWatcher
  private let notifier: SystemdNotifier
  private let logger: Logger

  init(
    current: DaemonConfig, load: @escaping @Sendable () throws -> DaemonConfig, engine: Engine,
    supervisor: DriverSupervisor, watcher: DeviceWatcher, notifier: SystemdNotifier,
    logger: Logger
  ) {
    self.current = current
    self.load = load
    self.engine = engine
    self.supervisor = supervisor
    self.watcher = watcher
    self.notifier = notifier
    self.logger = logger
  }

  /// Reloads; `actor` is who asked (nil for a signal), `trigger` how ("SIGHUP", "dosectl").
  func reload(actor: ActorIdentity?, trigger: String, id: RequestID? = nil) async -> Result<
    ReloadReply, ErrorReply
  > {
    notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())")
    defer { notifier.notify("READY=1") }
    let metadata: Logger.Metadata = [
      "trigger": "\(trigger)", "uid": "\(actor?.uid.description ?? "-")",
      "user": "\(actor?.name ?? "-")", "pid": "\(actor?.pid.description ?? "-")",
    ]
    let config: DaemonConfig
    do {
      config = try load()
    } catch {
      let reason = "\(error)"
      logger.error(
        "configuration not reloaded: invalid",
        metadata: metadata.merging(["error": "\(reason)"]) { $1 })
      await engine.recordRejectedReload(reason, actor: actor, trigger: trigger)
      return .failure(
        ErrorReply(
          id: id, code: .invalidConfig,
          message: "\(reason); the running configuration stays"))
    }
    let needRestart = Self.restartOnlyChanges(from: current, to: config)
    if !needRestart.isEmpty {
      let reason =
        "\(needRestart.joined(separator: ", ")) changed: restart dosed to apply "
        + (needRestart.count == 1 ? "it" : "them")
        + " (systemctl restart dosed); nothing was reloaded"
      logger.error(
        "configuration not reloaded: needs a restart",
        metadata: metadata.merging(["keys": "\(needRestart.joined(separator: ","))"]) { $1 })
      await engine.recordRejectedReload(reason, actor: actor, trigger: trigger)
      return .failure(ErrorReply(id: id, code: .refused, message: reason))
    }
    let previous = Dictionary(uniqueKeysWithValues: current.detectors.map { ($0.id, $0) })
    let next = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    // Stop what goes or changes before the engine forgets it, so no reading of an old
    // driver lands in a new monitor, and a restarted driver can open the port again.
    for detector in current.detectors where next[detector.id] != detector {
      await supervisor.stop(detector.id)
    }
    let changes = await engine.reconfigure(to: config, actor: actor, trigger: trigger)
    watcher.setMatches(DosedService.deviceMatches(config))
    for detector in config.detectors where previous[detector.id] != detector {
      await supervisor.start(DetectorFactory.driver(for: detector, directory: watcher.directory))
    }
    current = config
    for warning in config.alarmBudgetWarnings {
      logger.warning("alarm level below the verified range", metadata: ["detail": "\(warning)"])
    }
    logger.info(
      "configuration reloaded",
      metadata: metadata.merging([
        "config": "\(config.sourcePath)", "detectors": "\(changes.detectors.summary)",
        "locations": "\(changes.locations.summary)",
      ]) { $1 })
    return .success(
      ReloadReply(
        id: id, config: config.sourcePath, detectors: changes.detectors,
        locations: changes.locations))
  }

  /// Settings that only a restart can apply, by their names in the file, when they differ.
  static func restartOnlyChanges(from old: DaemonConfig, to new: DaemonConfig) -> [String] {
    let a = old.daemon
    let b = new.daemon
    var keys: [String] = []
    if a.socketPath != b.socketPath { keys.append("[daemon] socket") }
    if a.stateDirectory != b.stateDirectory { keys.append("[daemon] state_dir") }
    if a.logLevel != b.logLevel { keys.append("[daemon] log_level") }
    if a.hotplug != b.hotplug { keys.append("[daemon] hotplug") }
    if a.retentionDays != b.retentionDays { keys.append("[daemon] retention_days") }
    if a.adminGroup != b.adminGroup { keys.append("[daemon] admin_group") }
    if a.clients.maxClients != b.clients.maxClients { keys.append("[daemon] max_clients") }
    if a.clients.idleTimeoutSeconds != b.clients.idleTimeoutSeconds {
      keys.append("[daemon] idle_timeout_s")
    }
    if a.clients.reservedClients != b.clients.reservedClients {
      keys.append("[daemon] reserved_clients")
    }
    if a.clients.maxClientsPerUser != b.clients.maxClientsPerUser {
      keys.append("[daemon] max_clients_per_user")
    }
    if a.clients.maxWatchers != b.clients.maxWatchers { keys.append("[daemon] max_watchers") }
    if a.clients.loginGraceSeconds != b.clients.loginGraceSeconds {
      keys.append("[daemon] login_grace_s")
    }
    if a.metricsListen?.host != b.metricsListen?.host
      || a.metricsListen?.port != b.metricsListen?.port
    {
      keys.append("[metrics] listen")
    }
    if old.simulation != new.simulation { keys.append("[simulation] start_at") }
    return keys
  }

  /// CLOCK_MONOTONIC in microseconds, as systemd wants it with RELOADING=1.
  static func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
  }
}
