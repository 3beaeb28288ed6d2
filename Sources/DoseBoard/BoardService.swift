import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// dosed-board's process: the follower of dosed and the HTTP server, in one service group that
/// stops on SIGTERM or SIGINT. The follower stops first and ends the open event streams, so the
/// server's own graceful stop is not held by pages that never finish loading.
public struct BoardRunner: Sendable {
  public let board: Board
  public let follower: BoardFollower
  public let logger: Logger

  public init(config: BoardConfig, logger: Logger) {
    board = Board(config: config, startedAt: Date())
    self.logger = logger
    follower = BoardFollower(board: board, logger: logger)
  }

  /// The HTTP application; `onListening` gets the bound port (the configured one, or the one
  /// the system chose for port 0).
  public func application(onListening: @escaping @Sendable (Int) -> Void = { _ in })
    -> some ApplicationProtocol
  {
    let config = board.config
    return Application(
      router: BoardServer.router(board: board, reads: follower.reads),
      configuration: .init(
        address: .hostname(config.listenHost, port: config.listenPort),
        serverName: nil,
        availableConnectionsDelegate: MaximumAvailableConnections(BoardServer.maxConnections)),
      onServerRunning: { channel in
        onListening(channel.localAddress?.port ?? config.listenPort)
      },
      logger: logger)
  }

  /// Runs until SIGTERM or SIGINT (`signals`), or until the task is cancelled.
  public func run(
    signals: [UnixSignal] = [.sigterm, .sigint],
    onListening: @escaping @Sendable (Int) -> Void = { _ in }
  ) async throws {
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [
          .init(service: application(onListening: onListening)), .init(service: follower),
        ],
        gracefulShutdownSignals: signals, logger: logger))
    try await group.run()
  }
}
