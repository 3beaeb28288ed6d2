import DoseProtocol
import Foundation

/// What every control action checks before it changes anything: that its time is plausible and
/// that it can be recorded.
extension Engine {
  /// The window an operator's `--at` must fall in, from `[daemon]`.
  struct ActionTimeWindow: Sendable, Equatable {
    var pastDays: Int
    var futureSeconds: Double

    init(_ section: DaemonSection) {
      pastDays = section.atPastLimitDays
      futureSeconds = section.atFutureLimitSeconds
    }
  }

  /// The time of an action: now, or the operator's `at`, which must lie within the configured
  /// window around the daemon's clock. A typo (year 0000, 1970, 9999) is refused with what was
  /// read and what is accepted, never recorded: a time the records cannot hold or that puts an
  /// admission decades back would corrupt the room's history.
  func actionTime(_ at: Date?, what: String) throws(ControlFailure) -> Date {
    let now = clock.now().wallTime
    guard let at else { return now }
    let earliest = now.addingTimeInterval(-Double(actionTimeWindow.pastDays) * 86_400)
    let latest = now.addingTimeInterval(actionTimeWindow.futureSeconds)
    guard at.timeIntervalSince1970.isFinite, at >= earliest, at <= latest else {
      throw ControlFailure(
        .badRequest,
        "\(what) \(Self.displayTime(at)) is outside the accepted window "
          + "\(Self.displayTime(earliest)) to \(Self.displayTime(latest)) "
          + "(\(actionTimeWindow.pastDays) days back, \(Int(actionTimeWindow.futureSeconds)) s "
          + "ahead of the daemon's clock; [daemon] at_past_limit_days, at_future_limit_s)")
    }
    return at
  }

  /// Refuses an action that could not be recorded: the daemon was started with records but
  /// could not open them. Without this the action would live in memory only and be gone at the
  /// next start (docs/protocol.md: `unavailable`). A daemon built without records (in-process
  /// tests) keeps its actions in memory as before.
  func requireRecords() throws(ControlFailure) {
    guard let problem = writer.unavailableReason else { return }
    throw ControlFailure(
      .unavailable,
      "the action could not be recorded (records unavailable: \(problem)); nothing was changed")
  }

  static func displayTime(_ date: Date) -> String { DisplayTime.text(date) }

  /// `2026-11-27T10:00:00Z`.
  static func iso(_ date: Date) -> String { DisplayTime.iso(date) }
}
