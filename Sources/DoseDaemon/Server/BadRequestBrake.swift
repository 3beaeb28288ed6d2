/// Slows a connection that sends nothing but malformed or refused requests, so that one reader flooding
/// garbage over all the connections it may hold cannot take the daemon's two threads from the
/// RSO's `status`. A well-formed request releases the brake at once; every line is
/// still answered, only later.
struct BadRequestBrake {
  /// Error replies in a row answered at full speed: far more than any client that is merely
  /// wrong (dosectl stops at its first error; a script's bug repeats a few times). Project
  /// choice.
  static let freeStreak = 100
  /// The pause after each further malformed line: 200 lines a second per connection, so the 16
  /// connections one user may hold send at most 3 200 a second instead of tens of thousands.
  /// Project choice, measured by `dosebench --only abuse` (docs/reliability.md).
  static let pause = Duration.milliseconds(5)

  private(set) var streak = 0

  /// Counts a line; returns the pause to take before reading the next, if any.
  mutating func note(malformed: Bool) -> Duration? {
    guard malformed else {
      streak = 0
      return nil
    }
    streak += 1
    return streak > Self.freeStreak ? Self.pause : nil
  }
}
