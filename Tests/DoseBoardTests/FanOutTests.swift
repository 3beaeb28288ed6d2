import Foundation
import Testing

@testable import DoseBoard

/// Server-sent events to many pages from one source: bounded buffers, slow pages dropped (never
/// the link), a cap on open streams.
@Suite struct FanOutTests {
  @Test func aSlowSubscriberIsDroppedAndTheOthersGoOn() async throws {
    let fanOut = EventFanOut(maxSubscribers: 4)
    let slow = try #require(fanOut.subscribe("ward", first: "m0"))
    let fast = try #require(fanOut.subscribe("ward", first: "m0"))
    var fastIterator = fast.makeAsyncIterator()
    _ = await fastIterator.next()
    for index in 1...(EventFanOut.bufferLimit + 5) {
      fanOut.publish("ward", "m\(index)")
      #expect(await fastIterator.next() == "m\(index)")
    }
    #expect(fanOut.droppedCount == 1)
    #expect(fanOut.subscriberCount == 1)
    // The slow one gets what was buffered, then its stream ends.
    var received = 0
    for await _ in slow { received += 1 }
    #expect(received == EventFanOut.bufferLimit)
  }

  @Test func openStreamsAreCappedAndChannelsAreSeparate() throws {
    let fanOut = EventFanOut(maxSubscribers: 2)
    let a = fanOut.subscribe("ward", first: "w")
    let b = fanOut.subscribe("room/room-1", first: "r")
    #expect(a != nil && b != nil)
    #expect(fanOut.subscribe("ward", first: "w") == nil)
    #expect(fanOut.channelsInUse == ["ward", "room/room-1"])
    fanOut.closeAll()
    #expect(fanOut.subscriberCount == 0)
    #expect(fanOut.subscribe("ward", first: "w") == nil, "no new streams while stopping")
  }
}
