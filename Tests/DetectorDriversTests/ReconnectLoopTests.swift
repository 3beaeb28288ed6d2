import DoseCore
import Foundation
import Synchronization
import Testing

@testable import DetectorDrivers

/// The reconnect loop every device driver shares. Its waits are counted, not timed: the loop
/// is given a pause that records each wait and returns at once, and the clock waits run on a
/// clock fast enough that a wrong clock would hang the test rather than make it slow.
@Suite struct ReconnectLoopTests {
  static let serial = SerialDetector.backoff
  static let usb = RadiaCodeDetector.backoff

  @Test func backoffDoublesUpToItsCapAndResets() {
    var backoff = Self.serial
    #expect((0..<9).map { _ in backoff.take() } == [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
    backoff.reset()
    #expect(backoff.take() == 0.5)
    var usb = Self.usb
    #expect((0..<5).map { _ in usb.take() } == [0.5, 1, 2, 4, 5])
  }

  @Test func aDeviceThatStaysAwayIsReportedOnceWhileTheWaitsGrow() {
    let run = LoopRun(backoff: Self.serial)
    run.loop.run { loop in
      run.attempts += 1
      if run.attempts == 9 { loop.stop.stop() }
      return ReconnectLoop.Failure("no such file: /dev/ttyUSB0")
    }
    #expect(run.attempts == 9)
    #expect(run.waits == [0.5, 1, 2, 4, 8, 16, 30, 30])
    #expect(
      run.events.snapshot == [.disconnected(detectorID: "d", reason: "no such file: /dev/ttyUSB0")])
  }

  @Test func aSessionThatConnectedResetsTheBackoffAndTheReport() {
    let run = LoopRun(backoff: Self.usb)
    let identity = DeviceIdentity(model: "counter")
    run.loop.run { loop in
      run.attempts += 1
      switch run.attempts {
      case 1, 2, 3: return ReconnectLoop.Failure("absent")
      case 4:
        loop.connected(identity)
        return ReconnectLoop.Failure("device gone")
      case 5: return ReconnectLoop.Failure("absent")
      default:
        loop.stop.stop()
        return ReconnectLoop.Failure("absent")
      }
    }
    #expect(run.waits == [0.5, 1, 2, 0.5, 1])
    #expect(
      run.events.snapshot == [
        .disconnected(detectorID: "d", reason: "absent"),
        .connected(detectorID: "d", identity: identity),
        .disconnected(detectorID: "d", reason: "device gone"),
        .disconnected(detectorID: "d", reason: "absent"),
      ])
  }

  @Test func aNewReasonIsReportedAgain() {
    let run = LoopRun(backoff: Self.serial)
    let reasons = ["busy", "busy", "permission denied", "busy"]
    run.loop.run { loop in
      run.attempts += 1
      if run.attempts == reasons.count { loop.stop.stop() }
      return ReconnectLoop.Failure(reasons[run.attempts - 1])
    }
    #expect(
      run.events.snapshot.map(\.reason) == ["busy", "permission denied"])
  }

  @Test func aStopDuringASessionEndsTheLoopWithoutAReportOrAWait() {
    let run = LoopRun(backoff: Self.serial)
    run.loop.run { loop in
      run.attempts += 1
      if run.attempts == 2 { loop.stop.stop() }
      return ReconnectLoop.Failure(run.attempts == 2 ? "stopped" : "absent")
    }
    #expect(run.attempts == 2)
    #expect(run.waits == [0.5])
    #expect(run.events.snapshot.map(\.reason) == ["absent"])
  }

  @Test func aStopDuringAWaitEndsTheLoopBeforeAnotherAttempt() {
    let run = LoopRun(backoff: Self.serial) { stop in stop.stop() }
    run.loop.run { _ in
      run.attempts += 1
      return ReconnectLoop.Failure("absent")
    }
    #expect(run.attempts == 1)
    #expect(run.waits == [0.5])
  }

  @Test func theFailureDecidesWhatEndsAWaitEarly() {
    let run = LoopRun(backoff: Self.serial)
    var woken: [Bool] = []
    run.onWait = { wakeEarly, stop in
      woken.append(wakeEarly())
      if woken.count == 2 { stop.stop() }
    }
    run.loop.run { _ in
      run.attempts += 1
      return ReconnectLoop.Failure("absent", wakeEarly: { run.attempts == 2 })
    }
    #expect(woken == [false, true])
  }

  @Test func aPollWaitInASessionUsesTheSamePause() {
    let run = LoopRun(backoff: Self.usb)
    run.loop.run { loop in
      run.attempts += 1
      loop.connected(DeviceIdentity())
      #expect(loop.wait(1.5))
      loop.stop.stop()
      #expect(!loop.wait(1.5))
      return ReconnectLoop.Failure("stopped")
    }
    #expect(run.waits == [1.5, 1.5])
    #expect(run.attempts == 1)
  }

  // MARK: Waiting on the clock

  /// An hour of clock time on a clock running a million times faster than real time: the wait
  /// must measure the clock handed in, or the time limit ends the test.
  @Test(.timeLimit(.minutes(1))) func clockWaitsMeasureTheClockHandedIn() {
    let clock = DoseClock(scale: 1e6)
    let start = clock.now().monotonicSeconds
    ReconnectLoop.wait(3600, clock: clock, stop: StopFlag())
    #expect(clock.now().monotonicSeconds - start >= 3600)
  }

  @Test(.timeLimit(.minutes(1))) func clockWaitsEndOnStopAndOnWakeEarly() {
    let clock = DoseClock()
    let stop = StopFlag()
    var checks = 0
    ReconnectLoop.wait(1e9, clock: clock, stop: stop) {
      checks += 1
      if checks == 3 { stop.stop() }
      return false
    }
    #expect(checks == 3)
    checks = 0
    ReconnectLoop.wait(1e9, clock: clock, stop: StopFlag()) {
      checks += 1
      return checks == 2
    }
    #expect(checks == 2)
  }

  /// The whole driver-thread path: attempts follow each other as fast as the clock runs, and
  /// cancelling the task stops the thread.
  @Test(.timeLimit(.minutes(1))) func cancellingTheTaskStopsTheThread() async throws {
    let attempts = Atomic<Int>(0)
    let events = LoopEventLog()
    let task = Task {
      await ReconnectLoop.run(
        detectorID: "d", backoff: Self.serial, clock: DoseClock(scale: 1e6), emit: events.append
      ) { _ in
        attempts.add(1, ordering: .relaxed)
        return ReconnectLoop.Failure("absent")
      }
    }
    while attempts.load(ordering: .relaxed) < 20 { try await Task.sleep(for: .milliseconds(5)) }
    task.cancel()
    await task.value
    let final = attempts.load(ordering: .relaxed)
    #expect(events.snapshot == [.disconnected(detectorID: "d", reason: "absent")])
    try await Task.sleep(for: .milliseconds(50))
    #expect(attempts.load(ordering: .relaxed) == final)
  }
}

/// A loop whose pause records the waits and returns at once.
private final class LoopRun {
  let events = LoopEventLog()
  var attempts = 0
  var waits: [Double] = []
  /// Runs at each wait: a test stops the loop here or asks the failure's wake-up condition.
  var onWait: (_ wakeEarly: () -> Bool, _ stop: StopFlag) -> Void
  let stop = StopFlag()
  private(set) lazy var loop = ReconnectLoop(
    detectorID: "d", backoff: backoff, clock: DoseClock(), stop: stop, emit: events.append
  ) { [unowned self] seconds, wakeEarly in
    waits.append(seconds)
    onWait(wakeEarly, stop)
  }
  private let backoff: ReconnectLoop.Backoff

  init(backoff: ReconnectLoop.Backoff, onWait: @escaping (StopFlag) -> Void = { _ in }) {
    self.backoff = backoff
    self.onWait = { _, stop in onWait(stop) }
  }
}

private final class LoopEventLog: Sendable {
  private let events = Mutex<[DriverEvent]>([])

  var snapshot: [DriverEvent] { events.withLock { $0 } }

  @Sendable func append(_ event: DriverEvent) { events.withLock { $0.append(event) } }
}

extension DriverEvent {
  fileprivate var reason: String? {
    if case .disconnected(_, let reason) = self { return reason }
    return nil
  }
}
