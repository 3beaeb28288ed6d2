import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle

/// The daemon as one service: detector tasks → event stream → engine, a periodic evaluation,
/// and the socket server, all children of one task group so that shutdown cancels them together.
public struct DosedService: Service {
  public let config: DaemonConfig
  public let clock: DoseClock
  public let engine: Engine
  let logger: Logger
  let onReady: @Sendable () async -> Void

  /// Real seconds between evaluations (staleness, locations, alarms, snapshot).
  static let evaluationPeriod = 0.25

  public init(
    config: DaemonConfig, timeScale: Double = 1, logger: Logger,
    onReady: @escaping @Sendable () async -> Void = {}
  ) {
    self.config = config
    self.clock = DoseClock(scale: timeScale, start: config.simulation.startAt)
    self.engine = Engine(config: config, clock: clock)
    self.logger = logger
    self.onReady = onReady
  }

  /// Device news for the admin: attach and loss at info/warning, wire trouble (junk lines,
  /// dropped bytes, resyncs, checksum failures) at debug.
  static func log(_ event: DriverEvent, to logger: Logger) {
    switch event {
    case .connected(let id, let identity):
      logger.info("detector connected", metadata: ["id": "\(id)", "device": "\(identity.summary)"])
    case .disconnected(let id, let reason):
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

  public func run() async throws {
    try FileManager.default.createDirectory(
      atPath: config.daemon.stateDirectory, withIntermediateDirectories: true)
    let (events, sink) = AsyncStream<DriverEvent>.makeStream()
    let engine = engine
    let clock = clock
    let logger = logger
    let detectors = config.detectors.map(DetectorFactory.driver(for:))
    let server = SocketServer(path: config.daemon.socketPath, engine: engine, logger: logger)
    await engine.evaluate()
    do {
      try await withGracefulShutdownHandler {
        try await cancelWhenGracefulShutdown {
          try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
              for await event in events {
                Self.log(event, to: logger)
                await engine.handle(event)
              }
            }
            for detector in detectors {
              group.addTask {
                await detector.run(clock: clock) { sink.yield($0) }
              }
            }
            group.addTask {
              while !Task.isCancelled {
                await engine.evaluate()
                try? await Task.sleep(for: .seconds(Self.evaluationPeriod))
              }
            }
            group.addTask {
              try await server.run {
                logger.info(
                  "dosed ready",
                  metadata: [
                    "detectors": "\(detectors.count)", "locations": "\(config.locations.count)",
                    "time_scale": "\(clock.scale)",
                  ])
                SystemdNotifier().notify(
                  "READY=1\nSTATUS=monitoring \(detectors.count) detectors, "
                    + "\(config.locations.count) locations")
                await onReady()
              }
            }
          }
        }
      } onGracefulShutdown: {
        // Tell systemd at once that the stop has begun, not when it has finished.
        SystemdNotifier().notify("STOPPING=1")
      }
    } catch is CancellationError {
      // Shutdown (SIGTERM/SIGINT or the caller cancelling us) is the normal way to stop.
    }
    sink.finish()
    logger.info("dosed stopped")
  }
}
