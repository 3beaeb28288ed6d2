import Foundation

/// The reconnect loop every driver that holds a device runs (serial ports, USB): open and run a
/// session until it fails, report `disconnected` once, back off, try again, until told to stop.
///
/// One loop, so the rules a ward relies on hold for every driver alike:
/// - every loss is reported at once; a failure to reopen is repeated only when its reason
///   changes, so an absent device does not flood the log and the event history;
/// - the wait between attempts starts at `Backoff.initial`, doubles up to `Backoff.maximum`, and
///   starts again from `initial` after a session that connected;
/// - a stop request ends the loop within one wait slice (0.1 s of real time).
///
/// Waits are in the seconds of the `DoseClock` the driver was given, never wall time (which an
/// NTP step moves) or a clock of the loop's own: the thread sleeps in short real-time slices and
/// checks the clock's monotonic seconds after each, so any clock that advances, a scaled one or
/// a manual test clock, drives the loop.
///
/// A loop belongs to the one driver thread that runs it.
public final class ReconnectLoop {
  /// The wait between attempts: `initial` doubling up to `maximum`.
  public struct Backoff: Sendable, Hashable {
    public let initial: Double
    public let maximum: Double
    /// The wait before the next attempt.
    public private(set) var next: Double

    public init(initial: Double, maximum: Double) {
      precondition(initial > 0 && maximum >= initial, "backoff needs 0 < initial ≤ maximum")
      self.initial = initial
      self.maximum = maximum
      self.next = initial
    }

    /// Returns the wait to use now and doubles the following one, up to `maximum`.
    public mutating func take() -> Double {
      let wait = next
      next = min(next * 2, maximum)
      return wait
    }

    /// After a session that connected: the device was there, so a new loss is retried soon.
    public mutating func reset() { next = initial }
  }

  /// Why an attempt ended.
  public struct Failure {
    public var reason: String
    /// Asked between wait slices: true ends the wait at once (for example, the device was seen
    /// again on another port).
    public var wakeEarly: (() -> Bool)?

    public init(_ reason: String, wakeEarly: (() -> Bool)? = nil) {
      self.reason = reason
      self.wakeEarly = wakeEarly
    }
  }

  /// Longest real-time sleep between checks of the stop flag and the clock.
  public static let slice = 0.1

  public let detectorID: String
  public let clock: DoseClock
  public let stop: StopFlag
  public private(set) var backoff: Backoff
  /// Where readings and news go; sessions emit their readings through it.
  public let emit: @Sendable (DriverEvent) -> Void
  private var lastReported: String?
  /// How the loop waits: `ReconnectLoop.wait(clock:…)` unless a test counts the waits instead.
  private let pause: (_ seconds: Double, _ wakeEarly: () -> Bool) -> Void

  public convenience init(
    detectorID: String, backoff: Backoff, clock: DoseClock, stop: StopFlag,
    emit: @escaping @Sendable (DriverEvent) -> Void
  ) {
    self.init(detectorID: detectorID, backoff: backoff, clock: clock, stop: stop, emit: emit) {
      seconds, wakeEarly in
      Self.wait(seconds, clock: clock, stop: stop, wakeEarly: wakeEarly)
    }
  }

  /// A loop whose waits are `pause`: tests record them and return at once, so backoff is checked
  /// by counting, not by timing.
  init(
    detectorID: String, backoff: Backoff, clock: DoseClock, stop: StopFlag,
    emit: @escaping @Sendable (DriverEvent) -> Void,
    pause: @escaping (_ seconds: Double, _ wakeEarly: () -> Bool) -> Void
  ) {
    self.detectorID = detectorID
    self.backoff = backoff
    self.clock = clock
    self.stop = stop
    self.emit = emit
    self.pause = pause
  }

  /// Runs the loop on a thread of its own (`DriverThread`) until the calling task is cancelled.
  /// `attempt` opens the device, calls `connected` once it identified itself, runs the session
  /// and returns why it ended.
  public static func run(
    detectorID: String, backoff: Backoff, clock: DoseClock,
    emit: @escaping @Sendable (DriverEvent) -> Void,
    attempt: @escaping @Sendable (ReconnectLoop) -> Failure
  ) async {
    await DriverThread.run(named: "dosed-\(detectorID)") { stop in
      ReconnectLoop(detectorID: detectorID, backoff: backoff, clock: clock, stop: stop, emit: emit)
        .run(attempt)
    }
  }

  /// Attempts until stopped, backing off between failures.
  public func run(_ attempt: (ReconnectLoop) -> Failure) {
    while !stop.isStopped {
      let failure = attempt(self)
      // A stop ends the session with an error of its own; that is no disconnection.
      if stop.isStopped { break }
      if failure.reason != lastReported {
        emit(.disconnected(detectorID: detectorID, reason: failure.reason))
        lastReported = failure.reason
      }
      pause(backoff.take(), failure.wakeEarly ?? { false })
    }
  }

  /// The device identified itself: reports it and resets the backoff, so the next loss is
  /// reported even if its reason is the same as the last one's.
  public func connected(_ identity: DeviceIdentity) {
    emit(.connected(detectorID: detectorID, identity: identity))
    backoff.reset()
    lastReported = nil
  }

  /// Waits `seconds` of clock time inside a session (a poll interval); false when stopped.
  @discardableResult
  public func wait(_ seconds: Double) -> Bool {
    pause(seconds, { false })
    return !stop.isStopped
  }

  /// Blocks the calling thread until `clock` has advanced `seconds`, `stop` is set or
  /// `wakeEarly` says so, sleeping at most `slice` of real time between checks.
  public static func wait(
    _ seconds: Double, clock: DoseClock, stop: StopFlag, wakeEarly: () -> Bool = { false }
  ) {
    let deadline = clock.now().monotonicSeconds + seconds
    while !stop.isStopped && !wakeEarly() {
      let left = deadline - clock.now().monotonicSeconds
      if left <= 0 { return }
      // Real seconds until the deadline at the clock's rate; a manual clock is only checked.
      Thread.sleep(forTimeInterval: min(slice, left / clock.scale))
    }
  }
}
