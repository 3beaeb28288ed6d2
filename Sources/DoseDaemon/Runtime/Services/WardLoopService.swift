import DetectorDrivers
import Logging
import ServiceLifecycle

/// The ward loop: hands every driver event to the engine, and evaluates the ward on its period
/// (staleness, locations, alarms, the published snapshot), keeping systemd's `STATUS=` current.
struct WardLoopService: Service {
  let engine: Engine
  let clock: DoseClock
  let events: AsyncStream<DriverEvent>
  /// Counts the events handled (a test on manual time waits for them).
  let backlog: DriverEventBacklog
  let liveness: EvaluationClock
  let notifier: SystemdNotifier
  let logger: Logger

  /// Real seconds between evaluations; on the clock, `evaluationPeriod × clock.scale`.
  static let evaluationPeriod = 0.25

  func run() async throws {
    await cancelWhenGracefulShutdown {
      await withDiscardingTaskGroup { group in
        group.addTask { await ingest() }
        group.addTask { await evaluate() }
      }
    }
  }

  /// Until the drivers' stream ends (the drivers have stopped).
  private func ingest() async {
    var limiter = DeviceLogLimiter()
    for await event in events {
      DosedService.log(event, to: logger, limiter: &limiter)
      await engine.handle(event)
      backlog.handled()
    }
  }

  private func evaluate() async {
    var lastStatus = ""
    while !Task.isCancelled {
      await engine.evaluate()
      await liveness.tick()
      // STATUS= kept current: the one line `systemctl status` shows.
      let summary = await engine.summaryLine()
      if summary != lastStatus, notifier.socketPath != nil {
        notifier.notify("STATUS=\(summary)")
        lastStatus = summary
      }
      try? await clock.sleep(seconds: Self.evaluationPeriod * clock.scale)
    }
  }
}
