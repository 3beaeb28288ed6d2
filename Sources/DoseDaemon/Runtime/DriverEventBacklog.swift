import Synchronization

/// Driver events sent towards the engine and not yet handled by it. On a manual clock, time
/// moves on only once it is empty, so that every reading up to a time is in the engine before
/// the evaluation that follows it, however the tasks happen to be scheduled.
public final class DriverEventBacklog: Sendable {
  private struct State {
    var pending = 0
    var waiters: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())

  public init() {}

  func sent() {
    state.withLock { $0.pending += 1 }
  }

  func handled() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.pending -= 1
      guard state.pending == 0 else { return [] }
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Returns once every event sent so far has been handled.
  public func drained() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let done = state.withLock { state in
        if state.pending == 0 { return true }
        state.waiters.append(continuation)
        return false
      }
      if done { continuation.resume() }
    }
  }
}
