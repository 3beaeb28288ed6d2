import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon: locks its state directory, opens the records, then runs a `ServiceGroup` of
/// services that each own one thing (records, the ward loop, drivers, hotplug, reload, pruning,
/// the watchdog, metrics, the socket), declared in start order and stopped in reverse.
public struct DosedService: Service {
  public let config: DaemonConfig
  public let clock: DoseClock
  public let engine: Engine
  let logger: Logger
  let onReady: @Sendable () async -> Void
  /// Lists the devices present; udev in production, a fake in tests.
  let deviceScanner: DeviceWatcher.Scanner
  /// Replaces the configured hotplug source (tests inject events).
  let hotplugEvents: (any HotplugEvents)?

  /// `NOTIFY_SOCKET`, `WATCHDOG_USEC`: how systemd wants to hear from us.
  let environment: [String: String]
  /// Reads the configuration again for a reload (the file plus the command-line overrides).
  let loadConfig: @Sendable () throws -> DaemonConfig
  /// Reload on SIGHUP. Only the real daemon traps it; tests in one process must not.
  let reloadOnSIGHUP: Bool
  /// Driver events on their way to the engine (a test on manual time waits for them).
  public let driverEvents = DriverEventBacklog()

  public init(
    config: DaemonConfig, timeScale: Double = 1, logger: Logger,
    onReady: @escaping @Sendable () async -> Void = {},
    deviceScanner: @escaping DeviceWatcher.Scanner = DeviceWatcher.udevScanner,
    hotplugEvents: (any HotplugEvents)? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    loadConfig: (@Sendable () throws -> DaemonConfig)? = nil,
    reloadOnSIGHUP: Bool = false, clock: DoseClock? = nil
  ) {
    self.environment = environment
    let path = config.sourcePath
    self.loadConfig = loadConfig ?? { try ConfigLoader.load(path: path) }
    self.reloadOnSIGHUP = reloadOnSIGHUP
    self.deviceScanner = deviceScanner
    self.hotplugEvents = hotplugEvents
    self.config = config
    // Tests inject a manual clock; `timeScale` is then the clock's own.
    self.clock = clock ?? DoseClock(scale: timeScale, start: config.simulation.startAt)
    self.engine = Engine(config: config, clock: self.clock)
    self.logger = logger
    self.onReady = onReady
  }

  /// Device news for the admin: attach and loss at info/warning, wire trouble (junk lines,
  /// dropped bytes, resyncs, checksum failures) at debug.
  static func log(_ event: DriverEvent, to logger: Logger, limiter: inout DeviceLogLimiter) {
    func allowed(_ id: String) -> Bool {
      let now = ProcessInfo.processInfo.systemUptime
      switch limiter.check(id, now: now) {
      case .suppress: return false
      case .log(let suppressed):
        if suppressed > 0 {
          logger.warning(
            "device messages suppressed",
            metadata: [
              "id": "\(id)", "suppressed": "\(suppressed)",
              "window_s": "\(Int(limiter.window))",
            ])
        }
        return true
      }
    }
    switch event {
    case .connected(let id, let identity):
      guard allowed(id) else { return }
      logger.info("detector connected", metadata: ["id": "\(id)", "device": "\(identity.summary)"])
    case .disconnected(let id, let reason):
      guard allowed(id) else { return }
      logger.warning("detector disconnected", metadata: ["id": "\(id)", "reason": "\(reason)"])
    case .counters(let id, let counters):
      logger.debug(
        "link trouble",
        metadata: [
          "id": "\(id)", "bytes_dropped": "\(counters.bytesDropped)",
          "resyncs": "\(counters.resyncs)", "checksum_failures": "\(counters.checksumFailures)",
          "junk_lines": "\(counters.junkLines)", "device_errors": "\(counters.deviceErrors)",
        ])
    case .reading:
      break
    }
  }

  /// Detectors found by USB identity rather than a fixed path. USB drivers (RadiaCode) find
  /// their devices through libusb, never as tty nodes.
  static func deviceMatches(_ config: DaemonConfig) -> [(String, DeviceMatch)] {
    config.detectors.filter { $0.driver.facts.attachment == .serialPort }.compactMap { detector in
      detector.link.match.map { (detector.id, $0) }
    }
  }

  static func makeMonitor(_ source: HotplugSource, logger: Logger) -> (
    (any HotplugEvents)?, String
  ) {
    let kind: UdevMonitor.Source
    switch source {
    case .off: return (nil, "off")
    case .udev: kind = .udev
    case .kernel: kind = .kernel
    }
    do {
      return (try UdevMonitor(source: kind), kind.rawValue)
    } catch {
      logger.warning(
        "no hotplug events; devices are scanned at start only", metadata: ["error": "\(error)"])
      return (nil, "off")
    }
  }

  static func view(
    of directory: DeviceDirectory, result: Result<DeviceMatcher.Result, any Error>,
    hotplug: String
  ) -> DeviceView {
    let snapshot = directory.snapshot
    switch result {
    case .success(let match):
      return DeviceView(
        devices: snapshot.devices, result: match, hotplug: hotplug, problems: match.problems)
    case .failure(let error):
      return DeviceView(
        devices: snapshot.devices, result: snapshot.result, hotplug: hotplug,
        problems: ["device scan failed: \(error)"])
    }
  }

  /// Locks the state directory (`StateDirectoryLock`), then opens the records in it. Another
  /// daemon holding the lock ends this one (thrown) before it writes a record or binds its
  /// socket. A directory that cannot be locked at all is treated like a database that cannot be
  /// opened: monitoring goes on, unrecorded, with a `storage` alarm.
  func lockStateAndOpenRecords() async throws(StateDirectoryLock.Failure) -> StateDirectoryLock? {
    let lock: StateDirectoryLock
    do {
      lock = try StateDirectoryLock.acquire(directory: config.daemon.stateDirectory)
    } catch {
      if case .inUse = error { throw error }
      logger.error("no records", metadata: ["error": "\(error)"])
      await engine.storageUnavailable("\(error)")
      return nil
    }
    await openRecords()
    return lock
  }

  /// Opens the database in the state directory. Without it the daemon still monitors and
  /// alarms, and shows a `storage` alarm.
  func openRecords() async {
    do {
      let store = try RecordStore(directory: config.daemon.stateDirectory)
      try await engine.attach(store: store)
      logger.info("records", metadata: ["database": "\(store.path)"])
    } catch {
      logger.error("no records", metadata: ["error": "\(error)"])
      await engine.storageUnavailable("\(error)")
    }
  }

  public func run() async throws {
    let (events, sink) = AsyncStream<DriverEvent>.makeStream()
    let directory = DeviceDirectory()
    let drivers = config.detectors.map { DetectorFactory.driver(for: $0, directory: directory) }
    let watcher = DeviceWatcher(
      directory: directory, matches: Self.deviceMatches(config), scanner: deviceScanner)
    let backlog = driverEvents
    let supervisor = DriverSupervisor(clock: clock) {
      backlog.sent()
      sink.yield($0)
    }
    let notifier = SystemdNotifier(environment: environment)
    let reloader = ConfigReloader(
      current: config, load: loadConfig, engine: engine, supervisor: supervisor,
      watcher: watcher, notifier: notifier, logger: logger)
    // The monitor exists before the first scan, so no hotplug event falls between the two.
    let (monitor, hotplug): ((any HotplugEvents)?, String) =
      hotplugEvents.map { ($0, "injected") }
      ?? Self.makeMonitor(config.daemon.hotplug, logger: logger)
    // READY=1 waits for the first device enumeration (and the socket).
    let firstScan = Gate()
    let liveness = EvaluationClock()
    let server = SocketServer(
      path: config.daemon.socketPath, engine: engine, logger: logger,
      adminGroup: config.daemon.adminGroup, limits: config.daemon.clients.admissionLimits,
      idleTimeout: config.daemon.clients.idleTimeoutSeconds,
      loginGrace: config.daemon.clients.loginGraceSeconds,
      reload: { actor, id in await reloader.reload(actor: actor, trigger: "dosectl", id: id) })
    await engine.setLogger(logger)
    let lock = try await lockStateAndOpenRecords()
    await engine.evaluate()
    // Declared in start order; a stop shuts them down in the reverse order: the socket first,
    // the records last.
    let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
      .init(service: RecordService(engine: engine)),
      .init(
        service: WardLoopService(
          engine: engine, clock: clock, events: events, backlog: backlog, liveness: liveness,
          notifier: notifier, logger: logger)),
      .init(service: DriverService(supervisor: supervisor, drivers: drivers, events: sink)),
      .init(
        service: HotplugService(
          engine: engine, watcher: watcher, directory: directory, monitor: monitor,
          hotplug: hotplug, firstScan: firstScan, logger: logger)),
      .init(
        service: ReloadService(reloader: reloader, trapSIGHUP: reloadOnSIGHUP),
        successTerminationBehavior: .ignore),
      .init(
        service: PruneService(
          engine: engine, clock: clock, retentionDays: config.daemon.retentionDays)),
      .init(
        service: WatchdogService(
          engine: engine, liveness: liveness, notifier: notifier,
          pingEvery: Watchdog(environment: environment).pingEvery),
        successTerminationBehavior: .ignore),
      .init(
        service: MetricsService(
          engine: engine, endpoint: config.daemon.metricsListen, logger: logger),
        successTerminationBehavior: .ignore),
      .init(
        service: SocketService(server: server) {
          await firstScan.wait()
          logger.info(
            "dosed ready",
            metadata: [
              "detectors": "\(drivers.count)", "locations": "\(config.locations.count)",
              "time_scale": "\(clock.scale)",
            ])
          notifier.notify(
            "READY=1\nSTATUS=monitoring \(drivers.count) detectors, "
              + "\(config.locations.count) locations")
          await onReady()
        }),
    ]
    var configuration = ServiceGroupConfiguration(services: services, logger: logger)
    configuration.maximumGracefulShutdownDuration = .seconds(Self.maximumStopSeconds)
    let group = ServiceGroup(configuration: configuration)
    // A failure (the socket path taken) still stops the drivers and closes the records (the
    // group cancels every service) before the lock is released and the error thrown.
    var failure: (any Error)?
    do {
      try await withGracefulShutdownHandler {
        try await group.run()
      } onGracefulShutdown: {
        // Tell systemd at once that the stop has begun, not when it has finished.
        notifier.notify("STOPPING=1")
        Task { await group.triggerGracefulShutdown() }
      }
    } catch is CancellationError {
      // Shutdown (SIGTERM/SIGINT or the caller cancelling us) is the normal way to stop.
    } catch {
      failure = error
    }
    // Also when stopped by cancellation rather than a signal (tests, embedding).
    notifier.notify("STOPPING=1")
    // Only now may another daemon have the state directory (a restart on the same one).
    lock?.release()
    if let failure { throw failure }
    logger.info("dosed stopped")
  }

  /// Seconds a graceful stop may take before what is left is cancelled: well inside systemd's
  /// TimeoutStopSec (90 s by default), and enough for drivers to close their ports and the
  /// record writer to write what is queued.
  static let maximumStopSeconds = 20
}
