import DoseProtocol
import Foundation
import Synchronization

/// The board's requests to dosed besides the follower's status and watch: `room_show` and
/// `history`, one at a time on one connection and one thread of its own (the client blocks).
/// However many pages are open, dosed sees this one connection; requests beyond `maxWaiting`
/// are refused at once (the page says the board is busy) instead of queueing behind a slow
/// query.
final class DosedReads: @unchecked Sendable {
  struct Busy: Error, CustomStringConvertible {
    var description: String { "the board is busy reading dosed's records; try again" }
  }

  static let maxWaiting = 6
  static let timeout = 10.0

  let socket: String
  private let queue = DispatchQueue(label: "dosed-board.reads")
  /// Touched only on `queue`.
  private var client: DoseClient?
  private let waiting = Mutex(0)

  init(socket: String) {
    self.socket = socket
  }

  /// Sends `request` and returns dosed's reply line (an `error` reply included).
  func request<Body: Encodable & Sendable>(_ request: Body) async throws -> Data {
    let admitted = waiting.withLock { count in
      guard count < Self.maxWaiting else { return false }
      count += 1
      return true
    }
    guard admitted else { throw Busy() }
    defer { waiting.withLock { $0 -= 1 } }
    return try await withCheckedThrowingContinuation { continuation in
      queue.async {
        continuation.resume(with: Result { try self.send(request) })
      }
    }
  }

  /// On `queue`. A kept connection that dosed closed meanwhile (a restart, its idle limit) is
  /// replaced once.
  private func send<Body: Encodable>(_ request: Body) throws -> Data {
    for attempt in 0..<2 {
      let reused = client != nil
      do {
        let connected = try client ?? DoseClient(path: socket, timeout: Self.timeout)
        client = connected
        return try connected.request(request)
      } catch {
        client = nil
        if !reused || attempt == 1 { throw error }
      }
    }
    throw DoseClient.Failure.closed
  }

  /// `room_show` of `room`, nil on any failure (the tile then shows no occupancy record).
  func room(_ room: String) async -> RoomDetail? {
    guard
      let line = try? await request(
        RoomRequest(id: .string("dosed-board-room"), command: .roomShow, room: room)),
      WireCoding.messageClass(of: line) == "room"
    else { return nil }
    return try? WireCoding.decoder().decode(RoomReply.self, from: line).room
  }

  /// `history` of a location or detector over the last `seconds`.
  func history(of id: String, seconds: Double) async throws -> HistoryReply {
    var request = HistoryRequest(id: .string("dosed-board-history"), of: id, since: nil)
    request.lastSeconds = seconds
    let line = try await self.request(request)
    if WireCoding.messageClass(of: line) == "error",
      let error = try? WireCoding.decoder().decode(ErrorReply.self, from: line)
    {
      throw error
    }
    return try WireCoding.decoder().decode(HistoryReply.self, from: line)
  }
}
