import Foundation
import Testing

@testable import DoseBoard

/// Server-sent events to many pages from one source: bounded buffers, slow pages dropped (never
/// the link), a cap on open streams.
@Suite struct FanOutTests {
  @Test func aSlowSubscriberIsDroppedAndTheOthersGoOn() async throws {
    let fanOut = EventFanOut(maxSubscribers: 4)
    let slow = try #require(fanOut.subscribe("ward", first: { "m0" }))
    let fast = try #require(fanOut.subscribe("ward", first: { "m0" }))
    var fastIterator = fast.makeAsyncIterator()
    _ = await fastIterator.next()
    for index in 1...(EventFanOut.bufferLimit + 5) {
      fanOut.publish("ward", "m\(index)")
      #expect(await fastIterator.next() == "m\(index)")
    }
    #expect(fanOut.droppedCount == 1)
    #expect(fanOut.subscriberCount == 1)
    // The slow one gets only the newest message it had not taken, then its stream ends: a
    // page that falls behind skips to the present, never through old states.
    var received: [String] = []
    for await message in slow { received.append(message) }
    #expect(received == ["m\(EventFanOut.bufferLimit)"])
  }

  /// A page behind by a message or two gets the newest, not the one before (which could be
  /// "live" after the ward was lost), and stays subscribed.
  @Test func aPageThatFallsBehindSkipsToTheNewest() async throws {
    let fanOut = EventFanOut()
    let page = try #require(fanOut.subscribe("ward") { "live" })
    fanOut.publish("ward", "still live")
    fanOut.publish("ward", "lost")
    var iterator = page.makeAsyncIterator()
    #expect(await iterator.next() == "lost")
    #expect(fanOut.subscriberCount == 1)
  }

  @Test func openStreamsAreCappedAndChannelsAreSeparate() throws {
    let fanOut = EventFanOut(maxSubscribers: 2)
    let a = fanOut.subscribe("ward", first: { "w" })
    let b = fanOut.subscribe("room/room-1", first: { "r" })
    #expect(a != nil && b != nil)
    #expect(fanOut.subscribe("ward", first: { "w" }) == nil)
    #expect(fanOut.channelsInUse == ["ward", "room/room-1"])
    fanOut.closeAll()
    #expect(fanOut.subscriberCount == 0)
    #expect(fanOut.subscribe("ward", first: { "w" }) == nil, "no new streams while stopping")
  }
}
