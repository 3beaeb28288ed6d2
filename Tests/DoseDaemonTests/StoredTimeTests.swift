import DoseCore
import Foundation
import GRDB
import Testing

@testable import DoseDaemon

/// The records' times are written by `StoredTime`, not GRDB's `DateFormatter`: the text must be
/// exactly GRDB's, so that databases written before keep their keys, order and filters.
@Suite struct StoredTimeTests {
  @Test func theTextIsExactlyWhatGRDBWrites() {
    var random = SeededGenerator(seed: 17)
    var dates: [Date] = [
      Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005),
      Date(timeIntervalSince1970: -86_400.25), Date(timeIntervalSince1970: 1_795_776_000),
      Date(timeIntervalSince1970: 1_795_776_000.9995),
      Date(timeIntervalSince1970: 4_102_444_799.999),
      Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
    ]
    for _ in 0..<20_000 {
      dates.append(Date(timeIntervalSince1970: Double.random(in: -2e9...5e9, using: &random)))
    }
    // Whole minutes, as minute records are keyed.
    for _ in 0..<1_000 {
      let minute = (Double.random(in: 0...4e9, using: &random) / 60).rounded(.down) * 60
      dates.append(Date(timeIntervalSince1970: minute))
    }
    var mismatches: [String] = []
    for date in dates {
      let ours = StoredTime.text(date)
      let grdb = String.fromDatabaseValue(date.databaseValue) ?? "?"
      if ours != grdb { mismatches.append("\(date.timeIntervalSince1970): \(ours) vs \(grdb)") }
    }
    #expect(mismatches.count == 0, "\(mismatches.count) differ, e.g. \(mismatches.prefix(3))")
  }

  @Test func theTextReadsBackAsGRDBReadsIt() {
    var random = SeededGenerator(seed: 18)
    var mismatches: [String] = []
    for _ in 0..<20_000 {
      let date = Date(timeIntervalSince1970: Double.random(in: -2e9...5e9, using: &random))
      let value = StoredTime.text(date).databaseValue
      let ours = StoredTime.date(value)
      let grdb = Date.fromDatabaseValue(value)
      // The same instant to well under a millisecond (GRDB goes through a calendar's
      // nanoseconds), and the same text when written again.
      let same =
        ours != nil && grdb != nil && abs(ours!.timeIntervalSince(grdb!)) < 1e-6
        && StoredTime.text(ours!) == StoredTime.text(grdb!)
      if !same {
        mismatches.append("\(value): \(String(describing: ours)) vs \(String(describing: grdb))")
      }
    }
    #expect(mismatches.count == 0, "\(mismatches.count) differ, e.g. \(mismatches.prefix(3))")
    // Other shapes are GRDB's to read; nonsense is nil.
    #expect(
      StoredTime.date("2026-11-27 10:40".databaseValue)
        == Date.fromDatabaseValue("2026-11-27 10:40".databaseValue))
    let badMonth = "2026-13-27 10:40:00.000".databaseValue
    #expect(StoredTime.date(badMonth) == Date.fromDatabaseValue(badMonth))
    #expect(StoredTime.date("not a time".databaseValue) == nil)
    #expect(
      StoredTime.date(1_795_776_000.databaseValue) == Date(timeIntervalSince1970: 1_795_776_000))
  }

  @Test func recordsStoreTimesAsThatTextAndReadThemBack() throws {
    let directory = NSTemporaryDirectory() + "dosed-time-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try RecordStore(directory: directory)
    let time = Date(timeIntervalSince1970: 1_795_776_123.456)
    try store.append(StoredEvent(time: time, kind: "start", message: "t"))
    let minute = Date(timeIntervalSince1970: 1_795_776_060)
    let aggregate = MinuteAggregate(
      detector: "d", minute: minute, counts: 5, liveSeconds: 60, readings: 1, doseMinUSvH: nil,
      doseMeanUSvH: nil, doseMaxUSvH: nil)
    try store.save([aggregate])
    try store.save([aggregate])  // merged into the same key, not a second row
    let events = try store.events(since: time.addingTimeInterval(-1), until: time)
    #expect(events.count == 1)
    #expect(abs((events.first?.time.timeIntervalSince1970 ?? 0) - 1_795_776_123.456) < 0.001)
    let minutes = try store.aggregates(detector: "d", since: minute, until: minute)
    #expect(minutes.count == 1)
    #expect(minutes.first?.counts == 10)
    #expect(try store.prune(before: minute.addingTimeInterval(1)) == 1)
  }
}
