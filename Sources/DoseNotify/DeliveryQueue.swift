import Foundation

/// How a failed delivery is retried: after 1 s, doubling each time up to `maxDelay`, until it
/// has been failing for `giveUpAfter`; then it is dropped and counted.
public struct RetryPolicy: Sendable, Equatable {
  public var firstDelay: Double = 1
  public var maxDelay: Double
  public var giveUpAfter: Double

  public init(maxDelay: Double, giveUpAfter: Double) {
    self.maxDelay = maxDelay
    self.giveUpAfter = giveUpAfter
  }

  /// The wait after the `failures`-th failure in a row (1 = the first).
  public func delay(afterFailures failures: Int) -> Double {
    min(maxDelay, firstDelay * pow(2, Double(max(0, failures - 1))))
  }
}

/// One action's deliveries in order, bounded, with retry and backoff. A pure value: the runner
/// asks what is due at `now` and reports how each attempt went.
///
/// When full, the oldest waiting delivery is dropped (not the one being tried): the newest
/// events carry the ward's present state. Drops are counted until the next successful
/// delivery, which reports them (`NotifyEvent.dropped`).
public struct DeliveryQueue<Item: Sendable>: Sendable {
  public enum Outcome: Sendable, Equatable {
    case retryAt(Double)
    case gaveUp
  }

  public let capacity: Int
  public let policy: RetryPolicy
  private(set) var items: [Item] = []
  /// Drops not yet reported, and all drops since start (for the log).
  private(set) var unreported = 0
  public private(set) var droppedTotal = 0
  private var failures = 0
  private var failingSince: Double?
  private var nextAttempt: Double?

  public init(capacity: Int, policy: RetryPolicy) {
    self.capacity = max(2, capacity)
    self.policy = policy
  }

  public var count: Int { items.count }

  /// Adds an item; returns true when an older one was dropped to make room.
  @discardableResult public mutating func push(_ item: Item) -> Bool {
    var dropped = false
    if items.count >= capacity {
      // Index 0 may be mid-attempt; drop the next oldest.
      items.remove(at: 1)
      unreported += 1
      droppedTotal += 1
      dropped = true
    }
    items.append(item)
    return dropped
  }

  /// The head, if it may be tried at `now`, with the drops to report with it.
  public func due(now: Double) -> (item: Item, dropped: Int)? {
    guard let head = items.first else { return nil }
    if let nextAttempt, now < nextAttempt { return nil }
    return (head, unreported)
  }

  /// When the head may next be tried (nil: now, or nothing queued).
  public var nextAttemptAt: Double? { items.isEmpty ? nil : nextAttempt }

  public mutating func succeeded() {
    guard !items.isEmpty else { return }
    items.removeFirst()
    unreported = 0
    failures = 0
    failingSince = nil
    nextAttempt = nil
  }

  public mutating func failed(now: Double) -> Outcome {
    guard !items.isEmpty else { return .gaveUp }
    failures += 1
    let since = failingSince ?? now
    failingSince = since
    if now - since >= policy.giveUpAfter {
      items.removeFirst()
      unreported += 1
      droppedTotal += 1
      failures = 0
      failingSince = nil
      nextAttempt = nil
      return .gaveUp
    }
    let at = now + policy.delay(afterFailures: failures)
    nextAttempt = at
    return .retryAt(at)
  }
}
