import DetectorDrivers
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Deletes records older than the retention period, once an hour (of real time at the clock's
/// scale).
struct PruneService: Service {
  let engine: Engine
  let clock: DoseClock
  let retentionDays: Int

  func run() async throws {
    try await cancelWhenGracefulShutdown {
      let retention = Double(retentionDays) * 86_400
      while !Task.isCancelled {
        await engine.pruneRecords(olderThan: retention)
        try await clock.sleep(seconds: 3600 * clock.scale)
      }
    }
  }
}

/// Pings systemd's watchdog while the ward loop advances and the engine answers; either stalled,
/// no ping, and systemd restarts dosed. Returns at once when systemd wants no pings.
struct WatchdogService: Service {
  let engine: Engine
  let liveness: EvaluationClock
  let notifier: SystemdNotifier
  let pingEvery: Double?

  func run() async throws {
    guard let every = pingEvery else { return }
    try await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        _ = await engine.summaryLine()
        let alive = Watchdog.engineAlive(
          secondsSinceEvaluation: await liveness.age(), period: WardLoopService.evaluationPeriod,
          pingEvery: every)
        if alive { notifier.notify("WATCHDOG=1") }
        try await Task.sleep(for: .seconds(every))
      }
    }
  }
}

/// Reloads the configuration on SIGHUP (only the real daemon traps it; tests in one process
/// must not). Returns at once otherwise.
struct ReloadService: Service {
  let reloader: ConfigReloader
  let trapSIGHUP: Bool

  func run() async throws {
    guard trapSIGHUP else { return }
    await cancelWhenGracefulShutdown {
      for await _ in await UnixSignalsSequence(trapping: .sighup) {
        _ = await reloader.reload(actor: nil, trigger: "SIGHUP")
      }
    }
  }
}

/// The Prometheus endpoint, when configured. Monitoring goes on without it: a failure is
/// logged and the service ends.
struct MetricsService: Service {
  let engine: Engine
  let endpoint: (host: String, port: Int)?
  let logger: Logger

  func run() async throws {
    guard let endpoint else { return }
    do {
      try await cancelWhenGracefulShutdown {
        try await MetricsServer(
          host: endpoint.host, port: endpoint.port, engine: engine, logger: logger
        ).run()
      }
    } catch is CancellationError {
    } catch {
      logger.error(
        "metrics endpoint failed",
        metadata: ["listen": "\(endpoint.host):\(endpoint.port)", "error": "\(error)"])
    }
  }
}
