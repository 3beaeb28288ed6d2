import DoseProtocol
import Foundation
import Synchronization

/// dosed's socket, read on two threads of its own (the client is blocking; the async pool must
/// never wait on a socket): one follows `watch`, one asks `status` every second and whenever
/// the watch stream says something other than a reading. Both reconnect with backoff. What
/// they learn arrives in `inputs`, in order, with the ticks of the follower's timers.
///
/// Shared by dosed-notify and dosed-board: each decodes the `status` line into its own view
/// (`decode`; nil means "not a usable status reply", which counts as a failure and reconnects),
/// and gets every watch line as it came with its class and event read.
public final class DosedLink<Snapshot: Sendable>: Sendable {
  public enum Input: Sendable {
    case snapshot(Snapshot)
    case failed(String)
    case watch(DosedEventLine)
    case tick
  }

  public let socket: String
  public let inputs: AsyncStream<Input>
  private let continuation: AsyncStream<Input>.Continuation
  private let name: String
  private let decode: @Sendable (Data) -> Snapshot?
  private let stopped = Mutex(false)
  private let trigger = DispatchSemaphore(value: 0)
  /// `status` every second while healthy: with the watch stream's nudges this bounds how late a
  /// raised alarm is seen, and the freshness rule needs a steady look at `time`.
  public static var pollInterval: Double { 1.0 }
  /// A reply slower than this counts as no reply (dosed answers status from its snapshot).
  public static var replyTimeout: Double { 3.0 }

  /// `name` is the request id the follower's lines carry (`NAME` for status, `NAME-watch`), so
  /// dosed's logs tell the followers apart.
  public init(socket: String, name: String, decode: @escaping @Sendable (Data) -> Snapshot?) {
    self.socket = socket
    self.name = name
    self.decode = decode
    (inputs, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
  }

  public func start() {
    Thread { [self] in pollLoop() }.start()
    Thread { [self] in watchLoop() }.start()
  }

  public func stop() {
    stopped.withLock { $0 = true }
    trigger.signal()
    continuation.finish()
  }

  public func tick() {
    continuation.yield(.tick)
  }

  /// Asks for a `status` now (several nudges while waiting are one poll).
  public func nudge() {
    trigger.signal()
  }

  private var isStopped: Bool { stopped.withLock { $0 } }

  /// Backoff between reconnects: 0.25 s doubling to 2 s. A local socket is cheap to try, and
  /// dosed restarted by systemd (RestartSec=2s) should be found again within a poll or two.
  public static func backoff(failures: Int) -> Double {
    min(2, 0.25 * pow(2, Double(max(0, failures - 1))))
  }

  private func pollLoop() {
    var client: DoseClient?
    var failures = 0
    while !isStopped {
      do {
        let connected = try client ?? DoseClient(path: socket, timeout: Self.replyTimeout)
        client = connected
        let line = try connected.request("status", id: .string(name))
        guard let snapshot = decode(line) else {
          throw DoseClient.Failure.protocolViolation(
            "unexpected reply to status: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        failures = 0
        continuation.yield(.snapshot(snapshot))
      } catch {
        client = nil
        failures += 1
        continuation.yield(.failed("\(error)"))
      }
      let wait = failures == 0 ? Self.pollInterval : Self.backoff(failures: failures)
      _ = trigger.wait(timeout: .now() + wait)
      // Several nudges while waiting are one poll.
      while trigger.wait(timeout: .now()) == .success {}
    }
  }

  private func watchLoop() {
    var failures = 0
    while !isStopped {
      do {
        let client = try DoseClient(path: socket, timeout: Self.replyTimeout)
        try client.send(Request(id: .string("\(name)-watch"), cmd: "watch"))
        // Short reads, so that `stop` is noticed; a quiet ward is not a lost one.
        client.setTimeout(0.5)
        // Whatever happened while it was not watching is in the next status.
        trigger.signal()
        while !isStopped {
          let line: Data?
          do {
            line = try client.readLine()
          } catch DoseClient.Failure.timedOut {
            continue
          }
          guard let line else { throw DoseClient.Failure.closed }
          failures = 0
          guard let watch = DosedEventLine(line) else { continue }
          continuation.yield(.watch(watch))
          if watch.mayChangeState { trigger.signal() }
          if watch.class == "error" { throw DoseClient.Failure.closed }
        }
      } catch {
        failures += 1
        // The poll thread tells whether dosed is gone; this one only asks it to look now.
        trigger.signal()
        Thread.sleep(forTimeInterval: Self.backoff(failures: failures))
      }
    }
  }
}

/// A line of the `watch` stream as dosed sent it, with its `class` and `event` read: each
/// follower decodes the rest for itself.
public struct DosedEventLine: Sendable, Hashable {
  public var data: Data
  public var `class`: String
  public var event: String?

  /// Nil for a line without a `class` (not a protocol line).
  public init?(_ data: Data) {
    struct Peek: Decodable {
      var `class`: String
      var event: String?
    }
    guard let peek = try? WireCoding.decoder().decode(Peek.self, from: data) else { return nil }
    self.data = data
    self.class = peek.class
    event = peek.event
  }

  /// Whether the line may mean a state or an alarm changed (anything but a reading, including
  /// kinds this follower does not know yet): the link then asks for `status` at once.
  public var mayChangeState: Bool { `class` != "event" || event != "reading" }
}
