import Foundation

/// Keeps a flapping device (a loose cable, a failing hub) from filling the journal: at most
/// `burst` attach/detach messages per detector per `window`; the rest are counted and reported
/// once, with the count, when the window ends. Everything is still in the records (events).
struct DeviceLogLimiter: Sendable {
  /// 5 messages per 10 minutes per detector: project choice (a replug is 2).
  var burst: Int
  var window: Double

  private var windows: [String: (start: Double, logged: Int, suppressed: Int)] = [:]

  init(burst: Int = 5, window: Double = 600) {
    self.burst = burst
    self.window = window
  }

  enum Verdict: Equatable {
    /// Log it; `suppressedBefore` messages of the previous window were not logged.
    case log(suppressedBefore: Int)
    case suppress
  }

  mutating func check(_ detector: String, now: Double) -> Verdict {
    var state = windows[detector] ?? (now, 0, 0)
    var suppressedBefore = 0
    if now - state.start >= window {
      suppressedBefore = state.suppressed
      state = (now, 0, 0)
    }
    defer { windows[detector] = state }
    guard state.logged < burst else {
      state.suppressed += 1
      return .suppress
    }
    state.logged += 1
    return .log(suppressedBefore: suppressedBefore)
  }
}

/// Opens once; everyone waiting then goes on (READY=1 waits for the first device scan).
actor Gate {
  private var isOpen = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  func open() {
    isOpen = true
    for waiter in waiters { waiter.resume() }
    waiters.removeAll()
  }

  func wait() async {
    if isOpen { return }
    await withCheckedContinuation { waiters.append($0) }
  }
}
