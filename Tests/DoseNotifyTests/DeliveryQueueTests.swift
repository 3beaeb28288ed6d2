import DoseNotify
import Testing

/// Retry, backoff, bounds and drop reporting, on a hand-driven clock.
@Suite struct DeliveryQueueTests {
  @Test func backoffDoublesFromOneSecondToTheCap() {
    let policy = RetryPolicy(maxDelay: 30, giveUpAfter: 3600)
    #expect((1...7).map { policy.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 30, 30])
  }

  @Test func aFailedDeliveryWaitsItsTurnAndIsRetried() {
    var queue = DeliveryQueue<String>(
      capacity: 10, policy: RetryPolicy(maxDelay: 30, giveUpAfter: 3600))
    queue.push("a")
    queue.push("b")
    #expect(queue.due(now: 0)?.item == "a")
    #expect(queue.failed(now: 0) == .retryAt(1))
    #expect(queue.due(now: 0.9) == nil)
    #expect(queue.due(now: 1)?.item == "a")
    #expect(queue.failed(now: 1) == .retryAt(3))
    #expect(queue.due(now: 2.5) == nil)
    // Order is kept: b waits behind a.
    #expect(queue.due(now: 3)?.item == "a")
    queue.succeeded()
    #expect(queue.due(now: 3)?.item == "b")
  }

  @Test func aDeliveryFailingTooLongIsDroppedAndReported() {
    var queue = DeliveryQueue<String>(
      capacity: 10, policy: RetryPolicy(maxDelay: 10, giveUpAfter: 60))
    queue.push("a")
    queue.push("b")
    var now = 0.0
    var outcome = queue.failed(now: now)
    while case .retryAt(let at) = outcome {
      now = at
      outcome = queue.failed(now: now)
    }
    #expect(now >= 60)
    #expect(queue.due(now: now)?.item == "b")
    #expect(queue.due(now: now)?.dropped == 1)
    queue.succeeded()
    #expect(queue.droppedTotal == 1)
  }

  @Test func aFullQueueDropsTheOldestWaitingNotTheOneBeingTried() {
    var queue = DeliveryQueue<Int>(
      capacity: 3, policy: RetryPolicy(maxDelay: 10, giveUpAfter: 60))
    let dropped = [1, 2, 3, 4, 5].map { queue.push($0) }
    #expect(dropped == [false, false, false, true, true])
    #expect(queue.count == 3)
    let head = queue.due(now: 0)
    #expect(head?.item == 1)
    #expect(head?.dropped == 2)
    queue.succeeded()
    // Reported once, with the delivery that got through.
    #expect(queue.due(now: 0)?.item == 4)
    #expect(queue.due(now: 0)?.dropped == 0)
    #expect(queue.droppedTotal == 2)
  }
}
