import DoseCore
import Foundation

/// The daemon's notion of time, handed to drivers and the engine as an input.
///
/// Monotonic seconds count from the clock's creation; rates, windows, staleness and faults use
/// only them, so a step of the system clock (NTP, an admin, a wrong RTC at boot) changes no
/// measurement. Wall time, for records and display, is the system's own in real time, so that
/// the records follow such a step. With `scale` > 1 or a `start` (simulated detectors only)
/// both run `scale` times faster than real time from `start` (or the real time of creation),
/// so a week of patient decay can be watched in minutes.
public struct DoseClock: Sendable {
  public let scale: Double
  private let origin: ContinuousClock.Instant
  private let wallOrigin: Date
  /// The system clock in real time; nil when wall time is derived (simulation).
  private let wallClock: (@Sendable () -> Date)?

  /// - Parameter wallClock: the wall clock in real time (tests step it); default the system's.
  public init(
    scale: Double = 1, start: Date? = nil, wallClock: (@Sendable () -> Date)? = nil
  ) {
    precondition(scale > 0, "time scale must be positive")
    self.scale = scale
    self.origin = ContinuousClock.now
    self.wallOrigin = start ?? wallClock?() ?? Date()
    self.wallClock = scale == 1 && start == nil ? (wallClock ?? { Date() }) : nil
  }

  public struct Now: Sendable, Hashable {
    /// Seconds since the clock started, in (possibly scaled) clock time.
    public let monotonicSeconds: Double
    public let wallTime: Date

    public init(monotonicSeconds: Double, wallTime: Date) {
      self.monotonicSeconds = monotonicSeconds
      self.wallTime = wallTime
    }
  }

  public func now() -> Now {
    let elapsed = ContinuousClock.now - origin
    let seconds = elapsed.inSeconds * scale
    return Now(
      monotonicSeconds: seconds, wallTime: wallClock?() ?? wallOrigin.addingTimeInterval(seconds))
  }

  /// Sleeps for `seconds` of clock time (seconds / scale of real time).
  public func sleep(seconds: Double) async throws {
    try await Task.sleep(for: .seconds(seconds / scale))
  }

}
