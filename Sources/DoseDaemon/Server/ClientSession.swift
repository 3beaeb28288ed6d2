import DoseProtocol
import Foundation
import Logging
import NIOCore

/// One connected client: greet, answer each request line, or stream events after `watch`.
struct ClientSession: Sendable {
  let engine: Engine
  let logger: Logger
  /// The client process, from `SO_PEERCRED`; recorded with every control action.
  var peer: PeerCred? = nil
  /// Who may run control commands.
  var access = AccessPolicy(adminGroup: "dosed-admin")
  /// Re-reads the configuration for `reload`, on behalf of the requester.
  var reload: SocketServer.Reload? = nil
  /// Moves this connection to a watch place for `watch`; the refusal when none is free.
  var startWatching: @Sendable () async -> AdmissionRefusal? = { nil }

  func serve(_ client: NIOAsyncChannel<LineFrame, ByteBuffer>) async {
    do {
      try await client.executeThenClose { inbound, outbound in
        try await outbound.write(Self.buffer(Hello()))
        var brake = BadRequestBrake()
        for try await frame in inbound {
          switch frame {
          case .tooLong:
            try await outbound.write(
              Self.buffer(
                ErrorReply(
                  id: nil, code: .lineTooLong,
                  message: "request line longer than \(ProtocolInfo.maxLineBytes) bytes; "
                    + "closing the connection")))
            return
          case .line(let line):
            let outcome = try await answer(
              Array(line.readableBytesView), outbound: outbound, channel: client.channel)
            if outcome == .end { return }
            if let pause = brake.note(malformed: outcome == .malformed) {
              try await Task.sleep(for: pause)
            } else {
              // A client sending lines back to back must not keep a thread of the cooperative
              // pool (two on a 2-core box) from the other clients' sessions.
              await Task.yield()
            }
          }
        }
      }
    } catch {
      // A client that vanished mid-reply is normal; nothing to do but note it.
      logger.debug("client session ended", metadata: ["error": "\(error)"])
    }
  }

  /// What became of one line.
  enum LineOutcome {
    case answered, malformed, end
  }

  /// Answers one line.
  private func answer(
    _ bytes: [UInt8], outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: Channel
  ) async throws -> LineOutcome {
    switch RequestParser.parse(bytes) {
    case .empty:
      return .answered
    case .error(let reply):
      logger.debug("bad request", metadata: ["code": "\(reply.code.rawValue)"])
      try await outbound.write(Self.buffer(reply))
      return .malformed
    case .command(let command, let id):
      switch command {
      case .status:
        // From the published snapshot: no wait for the engine actor (as the slices below).
        var line = engine.snapshot.line(id: id)
        if line == nil { line = await engine.statusLine(id: id) }
        try await outbound.write(ByteBuffer(bytes: line ?? Data()))
      case .detectors:
        let status = await engine.published()
        try await outbound.write(
          Self.buffer(DetectorsReply(id: id, time: status.time, detectors: status.detectors)))
      case .locations:
        let status = await engine.published()
        try await outbound.write(
          Self.buffer(LocationsReply(id: id, time: status.time, locations: status.locations)))
      case .version:
        try await outbound.write(
          Self.buffer(
            VersionReply(
              id: id, version: ProtocolInfo.softwareVersion, protocol: ProtocolInfo.version)))
      case .devices:
        try await outbound.write(Self.buffer(await engine.devices(id: id)))
      case .metrics:
        let text = MetricsExposition.render(await engine.published())
        try await outbound.write(Self.buffer(MetricsReply(id: id, text: text)))
      case .watch:
        if let refusal = await startWatching() {
          try await outbound.write(
            Self.buffer(ErrorReply(id: id, code: .tooManyClients, message: refusal.message)))
          return .end
        }
        // A watcher only listens: it must not be closed as idle.
        try? await channel.pipeline.removeHandler(name: IdleCloser.timerName).get()
        try await stream(id: id, outbound: outbound)
        return .end
      default:
        // Every request with arguments: decoded and handled in one place (`control`).
        let reply = await control(command, id: id, bytes: bytes)
        try await outbound.write(Self.buffer(reply))
        // Any refused request counts: a flood of control commands without the right is as
        // much garbage as bad JSON.
        if reply is ErrorReply { return .malformed }
      }
      return .answered
    }
  }

  /// Streams events until the client goes away or falls too far behind.
  private func stream(id: RequestID?, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>)
    async throws
  {
    let (subscription, events) = await engine.subscribe()
    do {
      try await outbound.write(Self.buffer(WatchReply(id: id)))
      for await event in events {
        try await outbound.write(Self.buffer(event))
      }
      if await engine.unsubscribe(subscription) {
        try await outbound.write(
          Self.buffer(
            ErrorReply(
              id: id, code: .tooSlow,
              message: "client fell more than \(EventHub.bufferLimit) events behind; dropped")))
      }
    } catch {
      await engine.unsubscribe(subscription)
      throw error
    }
  }

  static func buffer(_ value: some Encodable) -> ByteBuffer {
    do {
      return ByteBuffer(bytes: try WireCoding.line(value))
    } catch {
      // Encoding our own types cannot fail unless a non-finite number slipped through; say so
      // rather than sending a broken line.
      let fallback = ErrorReply(
        id: nil, code: .internalError, message: "could not encode reply: \(error)")
      return ByteBuffer(bytes: (try? WireCoding.line(fallback)) ?? Data("{}\n".utf8))
    }
  }
}
