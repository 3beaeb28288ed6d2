import Foundation
import Synchronization

/// Server-sent events to every open page, from one source: the board renders each channel once
/// per update and hands the same text to all its subscribers. Each subscriber keeps only the
/// newest message (each replaces the whole live part of the page, so a page that falls behind
/// skips to the present and never shows an old state, such as "live" after the ward was lost);
/// one that has taken none of the last `bufferLimit` messages (a client that stopped reading)
/// is dropped (its stream ends, and its browser reconnects and starts afresh), so a slow page
/// never holds the others or the link to dosed.
public final class EventFanOut: Sendable {
  public static let defaultMaxSubscribers = 128
  public static let bufferLimit = 8

  struct Subscriber {
    var channel: String
    var continuation: AsyncStream<String>.Continuation
    /// Messages published since it last took one.
    var behind = 0
  }

  struct State {
    var next = 0
    var subscribers: [Int: Subscriber] = [:]
    var closed = false
    var dropped = 0
  }

  private let state = Mutex(State())
  public let maxSubscribers: Int

  public init(maxSubscribers: Int = EventFanOut.defaultMaxSubscribers) {
    self.maxSubscribers = maxSubscribers
  }

  /// A stream of messages for `channel`, starting with `first()` (rendered now: a cached
  /// message could be older than the page it replaces); nil when `maxSubscribers` are open
  /// (the request is refused, never queued) or the board is stopping. `first` is rendered and
  /// the subscriber registered in one step, under the lock `publish` takes: a change published
  /// in between would otherwise reach neither (a page opened as the ward was lost would go on
  /// showing it live).
  public func subscribe(_ channel: String, first: () -> String) -> AsyncStream<String>? {
    let (stream, continuation) = AsyncStream.makeStream(
      of: String.self, bufferingPolicy: .bufferingNewest(1))
    let id: Int? = state.withLock { state in
      guard !state.closed, state.subscribers.count < maxSubscribers else { return nil }
      let id = state.next
      state.next += 1
      state.subscribers[id] = Subscriber(channel: channel, continuation: continuation)
      continuation.yield(first())
      return id
    }
    guard let id else { return nil }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  /// The channels someone is subscribed to: only these are rendered.
  public var channelsInUse: Set<String> {
    state.withLock { Set($0.subscribers.values.map(\.channel)) }
  }

  public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

  /// Subscribers dropped for falling behind, since start.
  public var droppedCount: Int { state.withLock { $0.dropped } }

  /// Sends `message` to every subscriber of `channel`.
  public func publish(_ channel: String, _ message: String) {
    var slow: [AsyncStream<String>.Continuation] = []
    state.withLock { state in
      for (id, subscriber) in state.subscribers where subscriber.channel == channel {
        switch subscriber.continuation.yield(message) {
        case .dropped:
          // The message it had not taken was replaced by this one.
          state.subscribers[id]?.behind += 1
          if subscriber.behind + 1 >= Self.bufferLimit {
            slow.append(subscriber.continuation)
            state.subscribers.removeValue(forKey: id)
            state.dropped += 1
          }
        case .enqueued:
          state.subscribers[id]?.behind = 0
        case .terminated:
          state.subscribers.removeValue(forKey: id)
        @unknown default:
          break
        }
      }
    }
    for continuation in slow { continuation.finish() }
  }

  /// Ends every stream (the board is stopping: open event streams must not hold the server).
  public func closeAll() {
    let all = state.withLock { state in
      state.closed = true
      defer { state.subscribers = [:] }
      return state.subscribers.values.map(\.continuation)
    }
    for continuation in all { continuation.finish() }
  }

  /// One SSE message: an event name and its data, each line of the data on its own `data:`
  /// line (the browser joins them with newlines).
  public static func message(event: String, data: String) -> String {
    var text = "event: \(event)\n"
    for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
      text += "data: "
      text += line.last == "\r" ? line.dropLast() : line
      text += "\n"
    }
    return text + "\n"
  }
}
