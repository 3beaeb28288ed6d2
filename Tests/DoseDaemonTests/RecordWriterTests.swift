import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// The record writer: in order, off the caller, bounded while the database refuses writes, and
/// honest about what was late or lost.
@Suite struct RecordWriterTests {
  let directory = "/tmp/dosed-writer-\(UUID().uuidString.prefix(8))"
  let time = Date(timeIntervalSince1970: 1_796_000_000)

  func event(_ n: Int) -> RecordWriter.Write {
    .event(
      StoredEvent(WardRecord(time: time, kind: .detectorState, detector: "d", message: "\(n)")))
  }

  @Test func writesAreInOrderAndAnActionWaitsForThoseBeforeIt() async throws {
    let store = try RecordStore(directory: directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = RecordWriter(wallTime: { time })
    writer.attach(store)
    writer.enqueue((0..<200).map(event))
    let seen = try await writer.perform { try $0.events(kinds: ["detector_state"]).count }
    #expect(seen == 200)
    let messages = try store.events(kinds: ["detector_state"]).map(\.message)
    #expect(messages == (0..<200).map(String.init))
  }

  @Test func anOutageIsAProblemThenARecoveryWithTheCountsLateAndLost() async throws {
    let store = try RecordStore(directory: directory)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let writer = RecordWriter(wallTime: { time })
    writer.attach(store)
    try store.refuseWrites(true)
    writer.enqueue((0..<(RecordWriter.maxEvents + 5)).map(event))
    await writer.flush()
    let failing = writer.condition
    #expect(failing.problem?.contains("readonly") == true, "\(failing)")
    #expect(failing.waiting == RecordWriter.maxEvents)
    // An action cannot be recorded meanwhile, and says so.
    await #expect(throws: (any Error).self) {
      _ = try await writer.perform {
        try $0.append(
          StoredEvent(
            WardRecord(
              time: time, kind: .admit, location: "room", message: "admitted")))
      }
    }
    try store.refuseWrites(false)
    try await eventually("the writer retries and recovers") { writer.condition.problem == nil }
    let news = writer.takeNews()
    #expect(news.map(\.kind) == ["storage_recovered"])
    #expect(
      news.first?.message.contains("\(RecordWriter.maxEvents) records written late, 5 lost")
        == true, "\(news)")
    #expect(try store.events(kinds: ["detector_state"]).count == RecordWriter.maxEvents)
    #expect(try store.events(kinds: ["storage_recovered"]).count == 1)
  }

  @Test func withoutADatabaseNothingIsQueuedAndActionsLiveInMemory() async throws {
    let writer = RecordWriter(wallTime: { time })
    writer.enqueue([event(1)])
    #expect(writer.condition == StorageCondition())
    #expect(try await writer.perform { _ in 1 } == nil)
    writer.unavailable("cannot open the database")
    #expect(writer.unavailableReason == "cannot open the database")
  }
}
