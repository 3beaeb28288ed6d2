import ServiceLifecycle

/// The control socket. Declared last, so that a stop closes it first: no client is answered by
/// a ward that is shutting down. `onListening` runs once the socket listens.
struct SocketService: Service {
  let server: SocketServer
  let onListening: @Sendable () async -> Void

  func run() async throws {
    try await cancelWhenGracefulShutdown {
      try await server.run(onListening: onListening)
    }
  }
}
