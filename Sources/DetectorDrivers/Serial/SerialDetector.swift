import DoseCore
import Foundation

/// A detector on a serial port: opens it, lets a protocol session talk to the device, reports
/// readings, and when the device goes away reports `disconnected` at once and reopens the port
/// with backoff (0.5 s doubling to 30 s).
///
/// The blocking conversation runs on a thread of its own, so a slow device can never hold up
/// the daemon's cooperative threads; the thread stops within 0.1 s of the task's cancellation.
public struct SerialDetector: DetectorDriver {
  public let id: String
  public let path: String
  /// Baud rates to try in order: one for a fixed rate, several for `auto`.
  public let bauds: [Int]
  private let makeSession: @Sendable () -> any SerialSession

  public static let initialBackoff = 0.5
  public static let maxBackoff = 30.0

  public init(
    id: String, path: String, bauds: [Int],
    makeSession: @escaping @Sendable () -> any SerialSession
  ) {
    precondition(!bauds.isEmpty, "a serial detector needs at least one baud rate")
    self.id = id
    self.path = path
    self.bauds = bauds
    self.makeSession = makeSession
  }

  public func run(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) async {
    let stop = StopFlag()
    await withTaskCancellationHandler {
      await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let thread = Thread {
          self.loop(clock: clock, stop: stop, emit: emit)
          done.resume()
        }
        thread.name = "dosed-\(id)"
        thread.start()
      }
    } onCancel: {
      stop.stop()
    }
  }

  private func loop(
    clock: DoseClock, stop: StopFlag, emit: @escaping @Sendable (DriverEvent) -> Void
  ) {
    var backoff = Self.initialBackoff
    var lastReported: String?
    while !stop.isStopped {
      let failure = session(clock: clock, stop: stop, emit: emit) {
        backoff = Self.initialBackoff
        lastReported = nil
      }
      if stop.isStopped { break }
      // Report every loss at once; repeat a failure to reopen only when its reason changes.
      if failure != lastReported {
        emit(.disconnected(detectorID: id, reason: failure))
        lastReported = failure
      }
      Self.sleep(backoff, stop: stop)
      backoff = min(backoff * 2, Self.maxBackoff)
    }
  }

  /// Opens the port (trying each baud rate), runs a session until it fails, and returns why.
  private func session(
    clock: DoseClock, stop: StopFlag, emit: @Sendable (DriverEvent) -> Void,
    onConnected: () -> Void
  ) -> String {
    var lastError = SerialError.timeout("a device")
    for baud in bauds {
      let port: SerialPort
      do {
        port = try SerialPort(path: path, baud: baud)
      } catch {
        return error.description
      }
      let link = SerialLink(port: port, stop: stop)
      var session = makeSession()
      do {
        var identity = try session.start(link: link, clock: clock)
        identity.port = path
        identity.baud = baud
        emit(.connected(detectorID: id, identity: identity))
        onConnected()
        var reported = link.counters
        while true {
          for reading in try session.step(link: link, clock: clock) {
            emit(.reading(reading))
          }
          if link.counters != reported {
            reported = link.counters
            emit(.counters(detectorID: id, reported))
          }
        }
      } catch .protocolMismatch(let what) where bauds.count > 1 {
        lastError = .protocolMismatch(what)
        continue
      } catch .timeout(let what) where bauds.count > 1 {
        lastError = .timeout(what)
        continue
      } catch {
        return error.description
      }
    }
    let tried = bauds.map(String.init).joined(separator: ", ")
    return "no answer at \(tried) baud (\(lastError.description))"
  }

  private static func sleep(_ seconds: Double, stop: StopFlag) {
    let deadline = SerialPort.now() + seconds
    while !stop.isStopped && SerialPort.now() < deadline {
      Thread.sleep(forTimeInterval: min(0.1, max(0, deadline - SerialPort.now())))
    }
  }
}
