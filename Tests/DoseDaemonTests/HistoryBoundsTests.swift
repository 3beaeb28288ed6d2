import DoseProtocol
import Foundation
import GRDB
import Synchronization
import Testing

@testable import DoseDaemon

/// Issue 14: a records query is bounded and never runs on the engine.
private let ward = """
  [[detector]]
  id = "r1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1

  [[detector]]
  id = "r2"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    background_usv_h = 0.1

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["r1", "r2"]
  warn_usv_h = 100.0
  alarm_usv_h = 200.0
  state = "clear"
  """

/// 90 days of minutes for both detectors (259 200 rows), ending an hour before `end`; the dose
/// rate is the minute's index mod 1000 / 1000 µSv/h, so buckets can be checked exactly.
private let days = 90
private func fill(_ directory: String, endingAt end: Date) async throws {
  let queue = try DatabaseQueue(path: directory + "/state/" + RecordStore.fileName)
  let count = days * 1440
  let start = (end.timeIntervalSince1970 / 60).rounded(.down) * 60 - 3600 - Double(count * 60)
  try await queue.write { db in
    for detector in ["r1", "r2"] {
      try db.execute(
        sql: """
          WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < \(count - 1))
          INSERT OR REPLACE INTO minute_aggregate
            (detector, minute, counts, live_s, readings, dose_min_usv_h, dose_mean_usv_h,
             dose_max_usv_h)
          SELECT '\(detector)', strftime('%Y-%m-%d %H:%M:%S.000', \(Int(start)) + i * 60, 'unixepoch'),
            10, 60.0, 60, (i % 1000) / 1000.0, (i % 1000) / 1000.0, (i % 1000) / 1000.0 FROM m
          """)
    }
  }
  try queue.close()
}

@Suite(.serialized) struct HistoryBoundsTests {
  @Test func aLongWindowComesBackInBucketsAndExportPagesEveryMinute() async throws {
    let first = try await TestDaemon.start(ward)
    let directory = first.directory
    let now = try await first.status().time
    await first.stop(keepFiles: true)
    try await fill(directory, endingAt: now)
    let daemon = try await TestDaemon.start(ward, directory: directory)

    var request = HistoryRequest(id: .number(1), of: "room-1", since: nil)
    request.lastSeconds = 400 * 86_400
    let reply = try await daemon.send(request, as: HistoryReply.self)
    #expect(reply.points.count <= HistoryReply.maxPoints)
    #expect(reply.bucketSeconds > 60)
    // Every recorded minute is in some bucket: counts add up (plus whatever the live run wrote).
    let counts = reply.points.reduce(UInt64(0)) { $0 + $1.counts }
    #expect(counts >= UInt64(2 * days * 1440 * 10))
    for point in reply.points where point.minute < now.addingTimeInterval(-2 * 3600) {
      #expect(point.doseMinUSvH ?? -1 <= point.doseMeanUSvH ?? -2)
      #expect(point.doseMeanUSvH ?? 2 <= point.doseMaxUSvH ?? 1)
    }

    // A short window is still minute by minute.
    var recent = HistoryRequest(id: .number(2), of: "r1", since: nil)
    recent.lastSeconds = 3 * 3600
    let minutes = try await daemon.send(recent, as: HistoryReply.self)
    #expect(minutes.bucketSeconds == 60)

    // Pages of single minutes cover the window exactly once.
    var page = HistoryRequest(id: .number(3), of: "room-1", since: nil)
    page.lastSeconds = 400 * 86_400
    page.minutes = true
    var seen = 0
    var keys = Set<String>()
    var pages = 0
    while true {
      let reply = try await daemon.send(page, as: HistoryReply.self)
      #expect(reply.points.count <= HistoryReply.maxPoints)
      for point in reply.points { keys.insert("\(point.detector) \(point.minute)") }
      seen += reply.points.count
      pages += 1
      guard let next = reply.nextSince else { break }
      page.since = next
      page.lastSeconds = nil
    }
    #expect(seen == keys.count, "no minute twice")
    #expect(seen >= 2 * days * 1440)
    #expect(pages > 2 * days * 1440 / HistoryReply.maxPoints)
    await daemon.stop()
  }

  @Test func aLongWindowOverAShortRecordKeepsMinutes() async throws {
    let daemon = try await TestDaemon.start(ward, timeScale: 600)
    try await eventually("minutes are recorded") {
      try await daemon.send(
        HistoryRequest(id: .number(1), of: "r1", since: nil), as: HistoryReply.self
      ).points.count >= 3
    }
    var request = HistoryRequest(id: .number(2), of: "room-1", since: nil)
    request.lastSeconds = 400 * 86_400
    let reply = try await daemon.send(request, as: HistoryReply.self)
    #expect(reply.bucketSeconds == 60, "the window starts at the first record")
    #expect(reply.points.count >= 3)
    await daemon.stop()
  }

  @Test func eventsComeInPages() async throws {
    let first = try await TestDaemon.start(ward)
    let directory = first.directory
    let now = try await first.status().time
    await first.stop(keepFiles: true)
    let store = try RecordStore(directory: directory + "/state")
    for index in 0..<30 {
      try store.append(
        StoredEvent(
          time: now.addingTimeInterval(Double(index - 60)), kind: "admit", location: "room-1",
          message: "admitted patient P-\(index)"))
    }
    let daemon = try await TestDaemon.start(ward, directory: directory)
    var request = EventsRequest(id: .number(3), location: "room-1", limit: 7)
    var all: [RecordedEvent] = []
    var pages = 0
    while true {
      let reply = try await daemon.send(request, as: EventsReply.self)
      #expect(reply.events.count <= 7)
      all = reply.events + all
      pages += 1
      guard let next = reply.nextBefore else { break }
      request.before = next
    }
    #expect(all.filter { $0.kind == "admit" }.count == 30)
    #expect(pages >= 5)
    #expect(all.map(\.seq) == all.map(\.seq).sorted(), "oldest first, no page overlaps")
    #expect(Set(all.map(\.seq)).count == all.count)
    await daemon.stop()
  }

  @Test func aQueryWaitsForTheReaderNotTheEngine() async throws {
    let daemon = try await TestDaemon.start(ward)
    let gate = DispatchSemaphore(value: 0)
    // Holds the record reader, as a long query would.
    let blocker = Task { try await RecordReads.run { gate.wait() } }
    let answered = Flag()
    let query = Task {
      let reply = try await daemon.send(
        HistoryRequest(id: .number(1), of: "room-1", since: nil), as: HistoryReply.self)
      answered.set()
      return reply
    }
    // While the query waits for the reader, the engine answers, evaluates and takes actions.
    let before = try await daemon.status().uptimeSeconds
    try await eventually("the engine evaluates on") {
      try await daemon.status().uptimeSeconds > before + 0.5
    }
    _ = try await daemon.send(
      RoomAdmitRequest(
        id: .number(2), room: "room-1", patient: "P-1", nuclide: "Lu-177", activityBq: nil,
        at: nil), as: RoomReply.self)
    #expect(!answered.isSet, "the query is behind the held reader, not on the engine")
    gate.signal()
    _ = try await blocker.value
    let reply = try await query.value
    #expect(reply.detectors == ["r1", "r2"])
    await daemon.stop()
  }
}

/// A flag one task sets and another reads.
private final class Flag: Sendable {
  private let value = Atomic<Bool>(false)
  func set() { value.store(true, ordering: .sequentiallyConsistent) }
  var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
