import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A one-request-per-connection HTTP/1.1 client over SwiftNIO, enough for Alertmanager's API on
/// a trusted network (plain http; no redirects, no TLS). Each request opens a connection, sends
/// `Connection: close`, and reads the status and up to 64 KiB of body; the whole exchange is
/// abandoned (the channel closed) after `timeout`.
public struct HTTPClient: Sendable {
  public struct Response: Sendable {
    public var status: Int
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
  }

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public let host: String
  public let port: Int
  /// The base URL's path without a trailing slash ("" for the root).
  public let basePath: String

  static let bodyLimit = 65536

  public init(baseURL: URL) {
    host = baseURL.host ?? "127.0.0.1"
    port = baseURL.port ?? 80
    var path = baseURL.path
    while path.hasSuffix("/") { path.removeLast() }
    basePath = path
  }

  public func request(
    _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, timeout: Double
  ) async throws -> Response {
    let timeAmount = TimeAmount.milliseconds(Int64(max(1, timeout * 1000)))
    let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    do {
      channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(timeAmount)
        .connect(host: host, port: port) { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
              wrappingChannelSynchronously: channel)
          }
        }
    } catch {
      throw Failure(description: "cannot connect to \(host):\(port): \(error)")
    }
    // The deadline closes the channel, which ends the read below with an error.
    let expired = ReceivedResponse()
    let deadline = channel.channel.eventLoop.scheduleTask(in: timeAmount) {
      expired.timedOut = true
      channel.channel.close(promise: nil)
    }
    defer { deadline.cancel() }
    var head = HTTPRequestHead(version: .http1_1, method: method, uri: basePath + path)
    head.headers.add(name: "Host", value: "\(host):\(port)")
    head.headers.add(name: "Connection", value: "close")
    head.headers.add(name: "User-Agent", value: "dosed-notify")
    if let body {
      head.headers.add(name: "Content-Type", value: "application/json")
      head.headers.add(name: "Content-Length", value: String(body.count))
    }
    let (host, port) = (host, port)
    // A reply read in full counts even when closing afterwards fails: the server closes first
    // (`Connection: close`), and finishing our side of a closed channel may then throw.
    let received = ReceivedResponse()
    do {
      return try await channel.executeThenClose { inbound, outbound in
        // One write: a server may answer as soon as the head is in (a GET) and close
        // (`Connection: close`); a separate `.end` written after that close would throw before
        // the reply, already received, was read. A failed write still reads what came.
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if let body { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        parts.append(.end(nil))
        var writeError: (any Error)?
        do {
          try await outbound.write(contentsOf: parts)
        } catch {
          writeError = error
        }
        var status: Int?
        var collected: [UInt8] = []
        for try await part in inbound {
          switch part {
          case .head(let responseHead):
            status = Int(responseHead.status.code)
          case .body(var buffer):
            let room = Self.bodyLimit - collected.count
            if room > 0, let bytes = buffer.readBytes(length: min(room, buffer.readableBytes)) {
              collected += bytes
            }
          case .end:
            guard let status else { break }
            let response = Response(status: status, body: collected)
            received.response = response
            return response
          }
        }
        if let writeError { throw writeError }
        throw Failure(description: "\(host):\(port) closed the connection before a full reply")
      }
    } catch let failure as Failure {
      throw failure
    } catch {
      if let response = received.response { return response }
      // A closed channel is what the deadline leaves; say so rather than "I/O on closed channel".
      if expired.timedOut {
        throw Failure(
          description: "\(method) \(path) to \(host):\(port): no reply within \(timeout) s")
      }
      throw Failure(description: "\(method) \(path) to \(host):\(port): \(error)")
    }
  }
}

/// The reply once it is complete, and whether the deadline closed the channel, kept outside
/// the channel's closure.
private final class ReceivedResponse: Sendable {
  private let state = Mutex<(response: HTTPClient.Response?, timedOut: Bool)>((nil, false))

  var response: HTTPClient.Response? {
    get { state.withLock { $0.response } }
    set { state.withLock { $0.response = newValue } }
  }

  var timedOut: Bool {
    get { state.withLock { $0.timedOut } }
    set { state.withLock { $0.timedOut = newValue } }
  }
}
