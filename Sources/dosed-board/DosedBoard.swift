import ArgumentParser
import DoseBoard
import DoseProtocol
import Foundation
import Logging

/// `dosed-board`: flags only; everything else lives in DoseBoard.
@main
struct DosedBoard: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dosed-board",
    abstract: "Serve the ward's live pages (nurses' station, door tablets) from dosed's socket.",
    discussion: """
      Follows dosed's socket (one watch connection and a status poll every second, however many
      browsers are open) and serves server-rendered pages over HTTP: / (the ward), /room/ID (a
      door panel), /history/ID (a chart), updated live by server-sent events. If dosed cannot be
      reached or its snapshot stops advancing, every page says the ward is unmonitored. Listens
      on loopback; screens elsewhere reach it through a reverse proxy with TLS. See
      docs/operations.md, "Ward board".
      """,
    version: ProtocolInfo.softwareVersion)

  @Option(name: .long, help: "Configuration file (TOML); without it, the defaults.")
  var config: String?

  @Option(name: .long, help: "dosed's socket (overrides the file's socket).")
  var socket: String?

  @Option(
    name: .long,
    help: "HOST:PORT to listen on (overrides the file's listen; default 127.0.0.1:9854).")
  var listen: String?

  @Flag(name: .customLong("check-config"), help: "Validate the configuration and exit.")
  var checkConfig = false

  @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
  var logLevel = "info"

  func run() async throws {
    var loaded = BoardConfig()
    do {
      if let config {
        loaded = try BoardConfigLoader.load(path: config, socket: socket, listen: listen)
      } else {
        try BoardConfigLoader.apply(socket: socket, listen: listen, to: &loaded)
      }
    } catch {
      FileHandle.standardError.write(Data("dosed-board: invalid configuration:\n\(error)\n".utf8))
      throw ExitCode(2)
    }
    if checkConfig {
      print(
        "\(config ?? "(defaults)"): OK (ward \(loaded.ward), listen \(loaded.listen), socket "
          + "\(loaded.socket), \(loaded.visitors.count) visitor rules, patient references "
          + "\(loaded.showPatientRef ? "shown" : "hidden"))")
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
    let logger = Logger(label: "dosed-board")
    let runner = BoardRunner(config: loaded, logger: logger)
    try await runner.run { [loaded] port in
      logger.notice(
        "dosed-board \(ProtocolInfo.softwareVersion) for ward \(loaded.ward): following \(loaded.socket), pages at http://\(loaded.listenHost):\(port)/"
      )
    }
  }
}
