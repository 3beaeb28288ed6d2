import Synchronization

/// Monotonic time that moves only when `advance` moves it, for tests (and models) that must not
/// depend on how fast the machine is. Build a `DoseClock(source:start:scale:)` on it.
///
/// `advance` wakes the tasks asleep on it one at a time in deadline order (at equal deadlines,
/// in the order they fell asleep), sets the time to each deadline as it goes, and waits until
/// the task it woke has gone back to sleep on the clock (and whatever `settle` waits for)
/// before moving on. A loop that sleeps a reading period therefore reads at every period
/// within the advance, each time at exactly its deadline, whatever the machine's load. A woken
/// task that ends instead of sleeping again (cancelled between two sleeps) holds `advance` up:
/// advance only while the loops run.
public final class ManualClock: DoseTimeSource, Sendable {
  private struct Sleeper {
    let order: UInt64
    let deadline: Double
    /// The sleeping task, to know when it has gone back to sleep after waking.
    let task: Int?
    let continuation: CheckedContinuation<Void, any Error>
  }

  private struct State {
    var now = 0.0
    var nextOrder: UInt64 = 0
    var sleepers: [Sleeper] = []
    /// Tasks woken by `advance` that have not slept again yet (a task may wake twice).
    var awake: [Int: Int] = [:]
    var settleWaiters: [CheckedContinuation<Void, Never>] = []

    mutating func markAsleep(_ task: Int?) -> [CheckedContinuation<Void, Never>] {
      guard let task, let count = awake[task] else { return [] }
      awake[task] = count > 1 ? count - 1 : nil
      guard awake.isEmpty else { return [] }
      defer { settleWaiters = [] }
      return settleWaiters
    }
  }

  private let state = Mutex(State())

  public init() {}

  /// Seconds since the clock started.
  public var seconds: Double { state.withLock { $0.now } }

  /// How many tasks are asleep on the clock (a test waits for its loops to have started).
  public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

  public func elapsedSeconds() -> Double { seconds }

  public func sleep(seconds: Double) async throws {
    let task = Self.currentTask()
    let order = state.withLock { state -> UInt64 in
      defer { state.nextOrder += 1 }
      return state.nextOrder
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<Void, any Error>) in
        enqueue(order: order, seconds: seconds, task: task, continuation: continuation)
      }
    } onCancel: {
      cancel(order: order)
    }
  }

  /// Puts the calling task to sleep on the clock, or fails it at once if it was cancelled.
  private func enqueue(
    order: UInt64, seconds: Double, task: Int?,
    continuation: CheckedContinuation<Void, any Error>
  ) {
    var cancelled = false
    let settled = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      let settled = state.markAsleep(task)
      // Checked under the lock that `cancel` takes: a cancellation either finds the sleeper
      // or is seen here.
      if Task.isCancelled {
        cancelled = true
      } else {
        let deadline = state.now + Swift.max(seconds, 0)
        state.sleepers.append(
          Sleeper(order: order, deadline: deadline, task: task, continuation: continuation))
      }
      return settled
    }
    for waiter in settled { waiter.resume() }
    if cancelled { continuation.resume(throwing: CancellationError()) }
  }

  private func cancel(order: UInt64) {
    let cancelled = state.withLock { state -> Sleeper? in
      guard let index = state.sleepers.firstIndex(where: { $0.order == order }) else {
        return nil
      }
      return state.sleepers.remove(at: index)
    }
    cancelled?.continuation.resume(throwing: CancellationError())
  }

  /// Moves the clock forward by `seconds` (see the type's description).
  /// - Parameter settle: what else to wait for after each wake-up before time moves on (the
  ///   work the woken tasks handed to others).
  public func advance(
    by seconds: Double, settle: @Sendable () async -> Void = {}
  ) async {
    await advance(to: self.seconds + seconds, settle: settle)
  }

  /// Moves the clock forward to `target` seconds; an earlier target changes nothing.
  public func advance(to target: Double, settle: @Sendable () async -> Void = {}) async {
    while true {
      // One sleeper at a time, so that two loops due at the same instant run in a fixed order.
      let woken = state.withLock { state -> Sleeper? in
        let next = state.sleepers.indices.filter { state.sleepers[$0].deadline <= target }.min {
          (state.sleepers[$0].deadline, state.sleepers[$0].order)
            < (state.sleepers[$1].deadline, state.sleepers[$1].order)
        }
        guard let next else { return nil }
        let sleeper = state.sleepers.remove(at: next)
        state.now = Swift.max(state.now, sleeper.deadline)
        if let task = sleeper.task { state.awake[task, default: 0] += 1 }
        return sleeper
      }
      guard let woken else { break }
      woken.continuation.resume()
      await settled()
      await settle()
    }
    state.withLock { $0.now = Swift.max($0.now, target) }
  }

  /// Returns once every task woken by `advance` is asleep on the clock again.
  private func settled() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = state.withLock { state in
        if state.awake.isEmpty { return true }
        state.settleWaiters.append(continuation)
        return false
      }
      if done { continuation.resume() }
    }
  }

  private static func currentTask() -> Int? {
    withUnsafeCurrentTask { $0?.hashValue }
  }
}
