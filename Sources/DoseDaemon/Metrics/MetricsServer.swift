import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The optional Prometheus endpoint: `GET /metrics` on `[metrics] listen`, everything else 404.
/// Read-only, built from the engine's latest snapshot at each scrape.
struct MetricsServer: Sendable {
  let host: String
  let port: Int
  let engine: Engine
  let logger: Logger

  /// Prometheus text exposition format 0.0.4.
  static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  func run() async throws {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .bind(host: host, port: port) { child in
        child.eventLoop.makeCompletedFuture {
          try child.pipeline.syncOperations.configureHTTPServerPipeline()
          return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
            wrappingChannelSynchronously: child)
        }
      }
    logger.info("metrics", metadata: ["listen": "\(host):\(port)"])
    try await withThrowingDiscardingTaskGroup { group in
      try await server.executeThenClose { connections in
        for try await connection in connections {
          group.addTask { await serve(connection) }
        }
      }
    }
  }

  private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    async
  {
    try? await connection.executeThenClose { inbound, outbound in
      var request: HTTPRequestHead?
      for try await part in inbound {
        switch part {
        case .head(let head): request = head
        case .body: break
        case .end:
          guard let head = request else { continue }
          let found = head.method == .GET && head.uri.split(separator: "?").first == "/metrics"
          let body =
            found
            ? MetricsExposition.render(await engine.published())
            : "not found: dosed serves GET /metrics\n"
          var headers = HTTPHeaders()
          headers.add(name: "Content-Type", value: found ? Self.contentType : "text/plain")
          headers.add(name: "Content-Length", value: String(body.utf8.count))
          try await outbound.write(
            .head(
              HTTPResponseHead(
                version: head.version, status: found ? .ok : .notFound, headers: headers)))
          try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
          try await outbound.write(.end(nil))
          request = nil
        }
      }
    }
  }

  /// `host:port`, `[v6]:port`; nil when it is not one.
  static func parse(_ listen: String) -> (host: String, port: Int)? {
    guard let colon = listen.lastIndex(of: ":") else { return nil }
    var host = String(listen[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = Int(listen[listen.index(after: colon)...]),
      (1...65535).contains(port)
    else { return nil }
    return (host, port)
  }
}
