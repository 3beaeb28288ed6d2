import DoseCore
import Foundation

/// The daemon's notion of time, handed to drivers and the engine as an input.
///
/// Monotonic seconds count from the clock's creation. With `scale` > 1 (simulated detectors
/// only) both monotonic and wall time run `scale` times faster than real time, starting at
/// `start` (or the real time of creation), so a week of patient decay can be watched in minutes.
public struct DoseClock: Sendable {
  public let scale: Double
  private let origin: ContinuousClock.Instant
  private let wallOrigin: Date

  public init(scale: Double = 1, start: Date? = nil) {
    precondition(scale > 0, "time scale must be positive")
    self.scale = scale
    self.origin = ContinuousClock.now
    self.wallOrigin = start ?? Date()
  }

  public struct Now: Sendable, Hashable {
    /// Seconds since the clock started, in (possibly scaled) clock time.
    public let monotonicSeconds: Double
    public let wallTime: Date
  }

  public func now() -> Now {
    let elapsed = ContinuousClock.now - origin
    let seconds = elapsed.inSeconds * scale
    return Now(monotonicSeconds: seconds, wallTime: wallOrigin.addingTimeInterval(seconds))
  }

  /// Sleeps for `seconds` of clock time (seconds / scale of real time).
  public func sleep(seconds: Double) async throws {
    try await Task.sleep(for: .seconds(seconds / scale))
  }

}
