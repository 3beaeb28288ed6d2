import DoseCore
import Foundation

/// A detector on a serial port: opens it, lets a protocol session talk to the device, reports
/// readings, and when the device goes away reports `disconnected` at once and reopens the port
/// with backoff (0.5 s doubling to 30 s; `ReconnectLoop`).
///
/// The blocking conversation runs on a thread of its own, so a slow device can never hold up
/// the daemon's cooperative threads; the thread stops within 0.1 s of the task's cancellation.
public struct SerialDetector: DetectorDriver {
  /// Where the device is: a fixed path, or whatever device the directory binds to this detector
  /// (udev discovery and hotplug: the path follows the device from socket to socket).
  public enum Port: Sendable {
    case fixed(String)
    case matched(DeviceDirectory, description: String)
  }

  public let id: String
  public let port: Port
  /// Baud rates to try in order: one for a fixed rate, several for `auto`.
  public let bauds: [Int]
  private let makeSession: @Sendable () -> any SerialSession

  /// Reopening a port is cheap, but a device that is gone for long should not be probed more
  /// than twice a minute.
  public static let backoff = ReconnectLoop.Backoff(initial: 0.5, maximum: 30)

  public init(
    id: String, port: Port, bauds: [Int],
    makeSession: @escaping @Sendable () -> any SerialSession
  ) {
    precondition(!bauds.isEmpty, "a serial detector needs at least one baud rate")
    self.id = id
    self.port = port
    self.bauds = bauds
    self.makeSession = makeSession
  }

  public init(
    id: String, path: String, bauds: [Int],
    makeSession: @escaping @Sendable () -> any SerialSession
  ) {
    self.init(id: id, port: .fixed(path), bauds: bauds, makeSession: makeSession)
  }

  /// The fixed path, if this detector has one.
  public var path: String? {
    if case .fixed(let path) = port { return path }
    return nil
  }

  public func run(clock: DoseClock, emit: @escaping @Sendable (DriverEvent) -> Void) async {
    await ReconnectLoop.run(detectorID: id, backoff: Self.backoff, clock: clock, emit: emit) {
      loop in
      self.attempt(loop)
    }
  }

  /// One open of the port and the session on it.
  private func attempt(_ loop: ReconnectLoop) -> ReconnectLoop.Failure {
    // A new binding (the device came back, perhaps in another socket) ends the wait at once.
    let generation = directoryGeneration
    let wakeEarly = { generation != nil && self.directoryGeneration != generation }
    if let path = currentPath() {
      return .init(session(path: path, loop: loop), wakeEarly: wakeEarly)
    } else if case .matched(_, let description) = port {
      return .init("no device matching \(description) is present", wakeEarly: wakeEarly)
    } else {
      return .init("no port", wakeEarly: wakeEarly)
    }
  }

  private func currentPath() -> String? {
    switch port {
    case .fixed(let path): path
    case .matched(let directory, _): directory.path(for: id)
    }
  }

  private var directoryGeneration: UInt64? {
    if case .matched(let directory, _) = port { return directory.generation }
    return nil
  }

  /// Opens the port (trying each baud rate), runs a session until it fails, and returns why.
  private func session(path: String, loop: ReconnectLoop) -> String {
    let clock = loop.clock
    let emit = loop.emit
    var lastError = SerialError.timeout("a device")
    for baud in bauds {
      let port: SerialPort
      do {
        port = try SerialPort(path: path, baud: baud)
      } catch {
        return error.description
      }
      let link = SerialLink(port: port, stop: loop.stop)
      var session = makeSession()
      var identity: DeviceIdentity
      do {
        identity = try session.start(link: link, clock: clock)
      } catch .protocolMismatch(let what) where bauds.count > 1 {
        // Only a failed identification means "wrong speed, try the next one".
        lastError = .protocolMismatch(what)
        continue
      } catch .timeout(let what) where bauds.count > 1 {
        lastError = .timeout(what)
        continue
      } catch {
        return error.description
      }
      do {
        identity.port = path
        identity.baud = baud
        loop.connected(identity)
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
      } catch {
        return error.description
      }
    }
    let tried = bauds.map(String.init).joined(separator: ", ")
    return "no answer at \(tried) baud (\(lastError.description))"
  }
}
