import DoseProtocol
import Foundation

/// Fans watch events out to subscribers without ever waiting for one.
///
/// Each subscriber has a bounded buffer. A subscriber that falls behind by more than that is
/// cut off (its stream ends and it is marked as dropped), so a stuck client can never slow the
/// engine or the other clients.
struct EventHub {
  static let bufferLimit = 1024

  private var subscribers: [UUID: AsyncStream<WatchEvent>.Continuation] = [:]
  private(set) var dropped: Set<UUID> = []

  mutating func subscribe() -> (UUID, AsyncStream<WatchEvent>) {
    let id = UUID()
    let (stream, continuation) = AsyncStream<WatchEvent>.makeStream(
      bufferingPolicy: .bufferingOldest(Self.bufferLimit))
    subscribers[id] = continuation
    return (id, stream)
  }

  mutating func unsubscribe(_ id: UUID) {
    subscribers.removeValue(forKey: id)?.finish()
    dropped.remove(id)
  }

  mutating func publish(_ event: WatchEvent) {
    for (id, continuation) in subscribers {
      if case .dropped = continuation.yield(event) {
        continuation.finish()
        subscribers.removeValue(forKey: id)
        dropped.insert(id)
      }
    }
  }

  var count: Int { subscribers.count }
}
