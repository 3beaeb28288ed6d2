import Foundation

/// Whether dosed is watching the ward, as far as a follower (dosed-notify, dosed-board) can
/// tell: reachable, and its snapshot advancing. Times are seconds on the follower's monotonic
/// clock, passed in, so the rules are tested on a hand-driven clock.
public struct LinkHealth: Sendable {
  public enum State: Sendable, Equatable {
    /// Not yet reached; becomes `unmonitored` if that lasts `unreachableAfter`.
    case starting
    case monitored
    case unmonitored(reason: String)
  }

  public enum Transition: Sendable, Equatable {
    case unmonitored(reason: String)
    case monitored
  }

  public let unreachableAfter: Double
  public let staleAfter: Double
  public private(set) var state = State.starting
  private let startedAt: Double
  private let follower: String
  private var failingSince: Double?
  private var failure = ""
  /// The last snapshot's `time` and `uptime_s`, and when either last changed.
  private var lastSnapshot: (time: Date, uptime: Double?)?
  private var lastAdvanceAt: Double?
  private var lastSnapshotTime: Date?

  /// `follower` names the program in the reason given before dosed was ever reached.
  public init(
    unreachableAfter: Double, staleAfter: Double, now: Double, follower: String = "dosed-notify"
  ) {
    self.follower = follower
    self.unreachableAfter = unreachableAfter
    self.staleAfter = staleAfter
    startedAt = now
  }

  public mutating func snapshot(time: Date, uptime: Double?, now: Double) {
    failingSince = nil
    if lastSnapshot?.time != time || lastSnapshot?.uptime != uptime {
      lastAdvanceAt = now
    }
    lastSnapshot = (time, uptime)
  }

  public mutating func failed(_ reason: String, now: Double) {
    if failingSince == nil { failingSince = now }
    failure = reason
  }

  /// The change of state due at `now`, if any. Reaching dosed the first time is not news.
  public mutating func evaluate(now: Double) -> Transition? {
    let wanted: State
    if let since = failingSince, now - since >= unreachableAfter {
      wanted = .unmonitored(reason: "cannot reach dosed: \(failure)")
    } else if failingSince != nil, lastAdvanceAt.map({ now - $0 < staleAfter }) ?? true {
      // Failing, not for long yet, and the last snapshot is still fresh: no news either way.
      wanted = state
    } else if let advanced = lastAdvanceAt {
      // Also while a request is failing: a stopped dosed (SIGSTOP) answers nothing, and the
      // failure is known only when a reply times out, seconds after the snapshot went stale.
      if now - advanced >= staleAfter {
        let when = lastSnapshot.map { $0.time.formatted(.iso8601) } ?? "?"
        wanted = .unmonitored(
          reason: failingSince == nil
            ? "dosed answers but its snapshot has not advanced for \(Int(now - advanced)) s "
              + "(still \(when)): its engine is stuck"
            : "dosed does not answer (\(failure)) and its last snapshot is \(Int(now - advanced)) s "
              + "old (\(when))")
      } else {
        wanted = .monitored
      }
    } else {
      wanted =
        now - startedAt >= unreachableAfter
        ? .unmonitored(reason: "no answer from dosed since \(follower) started") : .starting
    }
    switch (state, wanted) {
    case (.unmonitored, .unmonitored), (.monitored, .monitored), (_, .starting):
      return nil
    case (.starting, .monitored):
      state = wanted
      return nil
    case (_, .monitored):
      state = wanted
      return .monitored
    case (_, .unmonitored(let reason)):
      state = wanted
      return .unmonitored(reason: reason)
    }
  }
}
