import ArgumentParser
import DoseNotify
import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle

/// `dosed-notify`: flags only; everything else lives in DoseNotify.
@main
struct DosedNotify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dosed-notify",
    abstract: "Deliver dosed's alarms to programs and Alertmanager, with escalation.",
    discussion: """
      Follows dosed's socket (watch, and status every second) and runs the actions of its
      configuration on every alarm raised, acknowledged or cleared, on every detector fault, and
      when dosed cannot be reached or stops advancing (unmonitored) and is back (monitored).
      What it has told is kept in state_file (default told.json in systemd's
      $STATE_DIRECTORY), so that after a restart it tells what cleared meanwhile.
      See docs/operations.md, "Alarm delivery".
      """,
    version: ProtocolInfo.softwareVersion)

  @Option(name: .long, help: "Configuration file (TOML).")
  var config = "/etc/dosed/notify.toml"

  @Option(name: .long, help: "dosed's socket (overrides the file's socket).")
  var socket: String?

  @Flag(name: .customLong("check-config"), help: "Validate the configuration and exit.")
  var checkConfig = false

  @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
  var logLevel = "info"

  func run() async throws {
    let loaded: NotifyConfig
    do {
      loaded = try NotifyConfigLoader.load(path: config, socket: socket)
    } catch {
      FileHandle.standardError.write(Data("dosed-notify: invalid configuration:\n\(error)\n".utf8))
      throw ExitCode(2)
    }
    let missing = loaded.missingPrograms()
    if checkConfig {
      for warning in missing {
        FileHandle.standardError.write(Data("dosed-notify: warning: \(warning)\n".utf8))
      }
      print(
        "\(config): OK (\(loaded.actions.count) actions, \(loaded.escalation.count) escalation "
          + "tiers, socket \(loaded.socket), ward \(loaded.ward))")
      return
    }
    guard let level = Logger.Level(rawValue: logLevel) else {
      throw ValidationError("unknown log level '\(logLevel)'")
    }
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let logger = Logger(label: "dosed-notify")
    for warning in missing {
      logger.error("\(warning): its runs will fail until it is installed")
    }
    let service = NotifierService(config: loaded, logger: logger)
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
  }
}
