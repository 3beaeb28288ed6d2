import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle

/// Entry point used by the `dosed` executable: logging, service group, signals.
public enum DaemonRunner {
  /// Runs until SIGTERM or SIGINT, then shuts down gracefully; SIGHUP reloads `options`.
  public static func run(config: DaemonConfig, options: DaemonOptions) async throws {
    // A write past a file-size limit (`ulimit -f`, systemd's LimitFSIZE=) would otherwise kill
    // the daemon with SIGXFSZ (signal(7)); ignored, the write fails with EFBIG and becomes a
    // `storage` alarm while monitoring goes on, like a full disk (DiskFullTests). A closed
    // client socket already reports EPIPE: NIO ignores SIGPIPE.
    signal(SIGXFSZ, SIG_IGN)
    let level = Logger.Level(rawValue: config.daemon.logLevel.rawValue) ?? .info
    let journal = LineLogHandler.stderrIsJournal(ProcessInfo.processInfo.environment)
    LoggingSystem.bootstrap { _ in LineLogHandler(level: level, journal: journal) }
    let logger = Logger(label: "dosed")
    logger.info(
      "starting dosed",
      metadata: [
        "version": "\(ProtocolInfo.softwareVersion)", "config": "\(config.sourcePath)",
        "socket": "\(config.daemon.socketPath)", "state_dir": "\(config.daemon.stateDirectory)",
      ])
    for warning in config.alarmBudgetWarnings {
      logger.warning("alarm level below the verified range", metadata: ["detail": "\(warning)"])
    }
    let service = DosedService(
      config: config, timeScale: options.timeScale ?? 1, logger: logger,
      loadConfig: { try options.resolve(vettingWith: .dosed()) }, reloadOnSIGHUP: true)
    let group = ServiceGroup(
      configuration: .init(
        services: [.init(service: service)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    do {
      try await group.run()
    } catch {
      // At err priority, so `journalctl -p err` shows why dosed did not start (a state
      // directory in use, the socket path taken); the caller also prints it to stderr.
      logger.error("dosed cannot run", metadata: ["error": "\(error)"])
      throw error
    }
  }
}
