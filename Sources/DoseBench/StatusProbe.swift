import DoseProtocol
import Foundation
import Synchronization

/// A well-behaved client asking `status` every `interval` on its own thread and its own
/// connection, keeping every answer's latency: what an operator's `dosectl watch` sees while
/// others abuse the socket.
public final class StatusProbe: Sendable {
  public struct Result: Sendable {
    public var latenciesMs: [Double]
    /// Errors and replies that were not `status`; the probe stops at its first error.
    public var failures: [String]

    public var answers: Int { latenciesMs.count }
    public var slowestMs: Double { latenciesMs.max() ?? .nan }

    public func percentileMs(_ p: Double) -> Double {
      let sorted = latenciesMs.sorted()
      guard !sorted.isEmpty else { return .nan }
      return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }
  }

  private struct State {
    var stop = false
    var latencies: [Double] = []
    var failures: [String] = []
  }
  private let state = Mutex(State())
  private let finished = DispatchSemaphore(value: 0)

  public init(socket: String, interval: Double = 0.02) throws {
    // The timeout ends a hang (a lockout); latencies are reported, not bounded, here.
    let client = try DoseClient(path: socket, timeout: 30)
    nonisolated(unsafe) let owned = client
    Thread { [self] in
      defer { finished.signal() }
      while !state.withLock({ $0.stop }) {
        let start = ContinuousClock.now
        do {
          let line = try owned.request("status")
          let elapsed = ContinuousClock.now - start
          let ms =
            Double(elapsed.components.seconds) * 1000
            + Double(elapsed.components.attoseconds) / 1e15
          let ok = WireCoding.messageClass(of: line) == "status"
          state.withLock { state in
            state.latencies.append(ms)
            if !ok { state.failures.append(String(decoding: line.prefix(200), as: UTF8.self)) }
          }
        } catch {
          state.withLock { $0.failures.append("\(error)") }
          return
        }
        Thread.sleep(forTimeInterval: interval)
      }
    }.start()
  }

  /// Latencies since the last call (one phase of abuse), the probe still running.
  public func drain() -> Result {
    state.withLock { state in
      defer {
        state.latencies = []
        state.failures = []
      }
      return Result(latenciesMs: state.latencies, failures: state.failures)
    }
  }

  /// Stops the probe and returns what it saw since the last `drain()`.
  public func finish() -> Result {
    state.withLock { $0.stop = true }
    finished.wait()
    return drain()
  }
}
