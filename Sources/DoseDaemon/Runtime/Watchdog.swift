import DoseCore
import Foundation

/// When to ping systemd's watchdog: only while the engine evaluates (a stalled engine stops the
/// pings, and systemd restarts the daemon), at half the interval systemd asked for
/// (`WATCHDOG_USEC`, sd_watchdog_enabled(3)).
struct Watchdog: Sendable {
  /// Seconds between pings; nil when systemd wants none.
  let pingEvery: Double?

  init(environment: [String: String]) {
    if let text = environment["WATCHDOG_USEC"], let usec = Double(text), usec > 0 {
      // WATCHDOG_PID, when set, must be ours (the variables may be inherited by children).
      if let pid = environment["WATCHDOG_PID"], pid != String(getpid()) {
        pingEvery = nil
      } else {
        pingEvery = usec / 1e6 / 2
      }
    } else {
      pingEvery = nil
    }
  }

  /// The engine is alive when its last evaluation is recent: within four evaluation periods
  /// (at least 1 s), and never older than two ping intervals.
  static func engineAlive(secondsSinceEvaluation age: Double?, period: Double, pingEvery: Double)
    -> Bool
  {
    guard let age else { return false }
    return age <= Swift.max(4 * period, 1) && age < pingEvery * 2
  }
}

/// When the evaluation loop last completed (real monotonic time).
actor EvaluationClock {
  private var last: ContinuousClock.Instant?

  func tick() {
    last = .now
  }

  /// Seconds since the last evaluation, nil before the first.
  func age() -> Double? {
    guard let last else { return nil }
    return last.duration(to: .now).inSeconds
  }
}
