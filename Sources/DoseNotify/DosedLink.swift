import DoseProtocol
import Foundation
import Synchronization

/// dosed's socket, read on two threads of its own (the client is blocking; the async pool must
/// never wait on a socket): one follows `watch`, one asks `status` every second and whenever
/// the watch stream says something other than a reading. Both reconnect with backoff. What
/// they learn arrives in `inputs`, in order, with the ticks of the notifier's timers.
final class DosedLink: Sendable {
  enum Input: Sendable {
    case snapshot(SnapshotView)
    case failed(String)
    case watch(WatchLine)
    case tick
  }

  let socket: String
  let inputs: AsyncStream<Input>
  private let continuation: AsyncStream<Input>.Continuation
  private let stopped = Mutex(false)
  private let trigger = DispatchSemaphore(value: 0)
  /// `status` every second while healthy: with the watch stream's nudges this bounds how late a
  /// raised alarm is seen, and the freshness rule needs a steady look at `time`.
  static let pollInterval = 1.0
  /// A reply slower than this counts as no reply (dosed answers status from its snapshot).
  static let replyTimeout = 3.0

  init(socket: String) {
    self.socket = socket
    (inputs, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
  }

  func start() {
    Thread { [self] in pollLoop() }.start()
    Thread { [self] in watchLoop() }.start()
  }

  func stop() {
    stopped.withLock { $0 = true }
    trigger.signal()
    continuation.finish()
  }

  func tick() {
    continuation.yield(.tick)
  }

  private var isStopped: Bool { stopped.withLock { $0 } }

  /// Backoff between reconnects: 0.25 s doubling to 2 s. A local socket is cheap to try, and
  /// dosed restarted by systemd (RestartSec=2s) should be found again within a poll or two.
  static func backoff(failures: Int) -> Double {
    min(2, 0.25 * pow(2, Double(max(0, failures - 1))))
  }

  private func pollLoop() {
    var client: DoseClient?
    var failures = 0
    while !isStopped {
      do {
        let connected = try client ?? DoseClient(path: socket, timeout: Self.replyTimeout)
        client = connected
        let line = try connected.request("status", id: .string("dosed-notify"))
        guard let snapshot = SnapshotView.decode(line) else {
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
        try client.send(Request(id: .string("dosed-notify-watch"), cmd: "watch"))
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
          guard let watch = WatchLine.decode(line) else { continue }
          continuation.yield(.watch(watch))
          if watch.mayChangeAlarms { trigger.signal() }
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
