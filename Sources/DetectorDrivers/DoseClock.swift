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
///
/// Monotonic time and sleeping come from a `DoseTimeSource`: `ContinuousClock` (scaled) in the
/// daemon, a `ManualClock` in tests, which moves only when the test advances it, so that what
/// happens over simulated hours does not depend on how fast the machine is.
public struct DoseClock: Sendable {
  /// Clock seconds per real second, or for a manual clock the rate it stands for: the daemon's
  /// periodic loops (evaluation, simulated readings) keep their real-time cadence at this scale.
  public let scale: Double
  private let source: any DoseTimeSource
  private let wallOrigin: Date
  /// The system clock in real time; nil when wall time is derived (simulation, manual).
  private let wallClock: (@Sendable () -> Date)?

  /// - Parameter wallClock: the wall clock in real time (tests step it); default the system's.
  public init(
    scale: Double = 1, start: Date? = nil, wallClock: (@Sendable () -> Date)? = nil
  ) {
    precondition(scale > 0, "time scale must be positive")
    self.scale = scale
    self.source = ScaledContinuousTime(scale: scale)
    self.wallOrigin = start ?? wallClock?() ?? Date()
    self.wallClock = scale == 1 && start == nil ? (wallClock ?? { Date() }) : nil
  }

  /// A clock driven by `source`, with wall time `start` plus the source's seconds.
  /// - Parameters:
  ///   - scale: the rate the source stands for (see `scale`).
  ///   - wallClock: a wall clock of its own instead (tests step it apart from the source).
  public init(
    source: any DoseTimeSource, start: Date, scale: Double = 1,
    wallClock: (@Sendable () -> Date)? = nil
  ) {
    precondition(scale > 0, "time scale must be positive")
    self.scale = scale
    self.source = source
    self.wallOrigin = start
    self.wallClock = wallClock
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
    let seconds = source.elapsedSeconds()
    return Now(
      monotonicSeconds: seconds, wallTime: wallClock?() ?? wallOrigin.addingTimeInterval(seconds))
  }

  /// Sleeps for `seconds` of clock time (seconds / scale of real time on the daemon's clock).
  public func sleep(seconds: Double) async throws {
    try await source.sleep(seconds: seconds)
  }
}

/// Where a `DoseClock` gets its monotonic time and its sleeps.
public protocol DoseTimeSource: Sendable {
  /// Clock seconds since the source started; never decreases.
  func elapsedSeconds() -> Double
  /// Returns once `seconds` of clock time have passed; throws `CancellationError` when the task
  /// is cancelled first.
  func sleep(seconds: Double) async throws
}

/// `ContinuousClock` (monotonic, runs on through suspend), `scale` times faster.
struct ScaledContinuousTime: DoseTimeSource {
  let scale: Double
  let origin = ContinuousClock.now

  func elapsedSeconds() -> Double {
    (ContinuousClock.now - origin).inSeconds * scale
  }

  func sleep(seconds: Double) async throws {
    try await Task.sleep(for: .seconds(seconds / scale))
  }
}
