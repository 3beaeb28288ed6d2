import DoseProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#endif

/// The control socket: JSON lines over a `SOCK_STREAM` Unix socket, one task per client.
///
/// Every client is served from the engine's latest snapshot; a misbehaving client gets an error
/// reply (or is disconnected for an oversized line) and never affects the daemon or others.
public struct SocketServer: Sendable {
  public enum Failure: Error, CustomStringConvertible {
    /// Something listens on the path, answering or not.
    case alreadyServed(String)
    /// Something that is not a socket is at the path; what it is.
    case inTheWay(String, String)
    case cannotBind(String, String)

    public var description: String {
      switch self {
      case .alreadyServed(let path):
        "something is listening on \(path) (another dosed?); stop it or choose another --socket"
      case .inTheWay(let path, let what):
        "\(path) \(what); not removing it: move it away or choose another --socket"
      case .cannotBind(let path, let reason): "cannot listen on \(path): \(reason)"
      }
    }
  }

  /// Re-reads the configuration for a `reload` request, on behalf of the requester.
  public typealias Reload =
    @Sendable (ActorIdentity?, RequestID?) async -> Result<
      ReloadReply, ErrorReply
    >

  let path: String
  let engine: Engine
  let logger: Logger
  let access: AccessPolicy
  let limits: AdmissionLimits
  let idleTimeout: Double
  /// Seconds a new connection has to send its first complete line (`login_grace_s`).
  let loginGrace: Double
  /// Applies `reload` requests (the daemon's reloader); nil = reload not available here.
  let reload: Reload?

  public init(
    path: String, engine: Engine, logger: Logger, adminGroup: String = "dosed-admin",
    limits: AdmissionLimits = AdmissionLimits(), idleTimeout: Double = 300,
    loginGrace: Double = 10, reload: Reload? = nil
  ) {
    self.reload = reload
    self.path = path
    self.engine = engine
    self.logger = logger
    access = AccessPolicy(adminGroup: adminGroup)
    self.limits = limits
    self.idleTimeout = idleTimeout
    self.loginGrace = loginGrace
  }

  /// Binds, calls `onListening`, and serves until cancelled. Removes the socket file on exit if
  /// it is still the one bound here.
  public func run(onListening: @Sendable () async -> Void = {}) async throws {
    try prepareSocketPath()
    let descriptor = try SocketPath.bind(path)
    // Readers need only connect permission through the group; see docs/protocol.md.
    chmod(path, 0o660)
    // After the chmod, the last change this daemon makes to the file.
    let bound = SocketPath.identity(of: path)
    defer { if let bound { SocketPath.remove(path, ifStill: bound) } }
    let server: NIOAsyncChannel<(NIOAsyncChannel<LineFrame, ByteBuffer>, PeerCred?), Never>
    do {
      server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelOption(.allowRemoteHalfClosure, value: true)
        .bind(descriptor) { child in
          PeerCredentials.read(child).flatMapThrowing { peer in
            let idle = self.idleTimeout
            try child.pipeline.syncOperations.addHandler(
              IdleStateHandler(readTimeout: .milliseconds(Int64(idle * 1000))),
              name: IdleCloser.timerName)
            try child.pipeline.syncOperations.addHandler(
              IdleCloser(seconds: idle), name: IdleCloser.handlerName)
            try child.pipeline.syncOperations.addHandler(
              ByteToMessageHandler(LineFrameDecoder()))
            try child.pipeline.syncOperations.addHandler(GraceCloser(seconds: self.loginGrace))
            return (
              try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: child),
              peer
            )
          }
        }
    } catch {
      throw Failure.cannotBind(path, "\(error)")
    }
    // NIO listens again on a socket it is handed, with a backlog of its own (128) whatever the
    // `.backlog` option says; one more listen() restores ours.
    listen(descriptor, SocketPath.backlog)
    logger.info("listening", metadata: ["socket": "\(path)"])
    await onListening()
    try await withThrowingDiscardingTaskGroup { group in
      try await server.executeThenClose { clients in
        let admission = ConnectionAdmission(limits: limits, logger: logger)
        for try await (client, peer) in clients {
          group.addTask {
            let access = access
            let isAdmin: @Sendable () -> Bool = { access.refusal(for: peer, command: "") == nil }
            let ticket: ConnectionAdmission.Ticket
            switch await admission.admit(uid: peer?.uid, isAdmin: isAdmin) {
            case .success(let admitted):
              ticket = admitted
            case .failure(let refusal):
              try? await client.executeThenClose { _, outbound in
                try await outbound.write(
                  ClientSession.buffer(
                    ErrorReply(id: nil, code: .tooManyClients, message: refusal.message)))
              }
              return
            }
            await ClientSession(
              engine: engine, logger: logger, peer: peer, access: access, reload: reload,
              startWatching: { await admission.startWatching(ticket, isAdmin: isAdmin) }
            ).serve(client)
            await admission.leave(ticket)
          }
        }
      }
    }
  }

  /// Creates the socket's directory, and makes way for the socket: only a stale socket left
  /// by a crash is removed (`SocketPath`).
  private func prepareSocketPath() throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
      try? FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    }
    try SocketPath.clear(path)
  }
}
