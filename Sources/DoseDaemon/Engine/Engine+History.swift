import DoseCore
import DoseProtocol
import Foundation

/// What a records query reads, decided on the engine (which detectors, which window) so that
/// the reading itself runs off it (`RecordReads`).
public struct RecordQuery: Sendable {
  let store: RecordStore
  let detectors: [String]
  let since: Date?
  /// The window's end; nil for events (up to the newest).
  let until: Date?
}

/// Reading the records back: events and history. The engine only resolves names and times; the
/// database is read on `RecordReads`, so the evaluation loop keeps its period during any query.
extension Engine {
  /// The events query's store and window.
  public func eventsQuery(_ request: EventsRequest) throws(ControlFailure) -> RecordQuery {
    guard let store = writer.store else { throw noRecords() }
    let now = clock.now().wallTime
    let since = request.lastSeconds.map { now.addingTimeInterval(-$0) } ?? request.since
    return RecordQuery(store: store, detectors: [], since: since, until: request.until)
  }

  /// The history query's store, detectors and window.
  public func historyQuery(_ request: HistoryRequest) throws(ControlFailure) -> RecordQuery {
    guard let store = writer.store else { throw noRecords() }
    let ids: [String]
    if ward.detectors.configs[request.of] != nil {
      ids = [request.of]
    } else if let location = ward.location(request.of) {
      ids = location.config.detectors
    } else {
      throw ControlFailure(.notFound, "no detector or location '\(request.of)'")
    }
    let now = clock.now().wallTime
    let since = request.lastSeconds.map { now.addingTimeInterval(-$0) } ?? request.since
    return RecordQuery(store: store, detectors: ids, since: since, until: request.until ?? now)
  }

  private func noRecords() -> ControlFailure {
    ControlFailure(
      .unavailable,
      writer.condition.problem.map { "no records: \($0)" } ?? "this daemon keeps no records")
  }

  static func recorded(_ event: StoredEvent) -> RecordedEvent {
    var recorded = RecordedEvent(
      seq: event.id ?? 0, time: event.time, kind: event.kind, message: event.message)
    recorded.location = event.location
    recorded.detector = event.detector
    recorded.level = event.level
    recorded.data = event.data
    if let uid = event.actorUID {
      recorded.actor = EventActor(
        uid: uid, user: event.actorName ?? "uid \(uid)", pid: event.actorPID ?? 0)
    }
    return recorded
  }
}

extension RecordQuery {
  /// The newest matching events (at most `EventsRequest.maxEvents`), with the cursor to the
  /// page before them when there are more.
  func events(_ request: EventsRequest) async throws(ControlFailure) -> EventsReply {
    let limit = Swift.min(
      Swift.max(request.limit ?? EventsRequest.maxEvents, 1), EventsRequest.maxEvents)
    let query = self
    let found: [StoredEvent]
    do {
      found = try await RecordReads.run {
        try query.store.events(
          since: query.since, until: query.until, location: request.location,
          detector: request.detector, limit: limit + 1, before: request.before)
      }
    } catch {
      throw ControlFailure(.unavailable, "cannot read the records: \(error)")
    }
    // One more than asked for says whether an older page exists.
    let page = Array(found.suffix(limit))
    return EventsReply(
      id: request.id, events: page.map(Engine.recorded),
      nextBefore: found.count > limit ? page.first?.id : nil)
  }

  /// The window in buckets that fit one reply, or (with `minutes`) a page of single minutes.
  func history(_ request: HistoryRequest) async throws(ControlFailure) -> HistoryReply {
    let query = self
    do {
      return try await RecordReads.run {
        request.minutes == true ? try query.minutePage(request) : try query.bucketed(request)
      }
    } catch {
      throw ControlFailure(.unavailable, "cannot read the records: \(error)")
    }
  }

  /// Bucket widths offered, seconds: a minute up to a day, then whole days.
  static let bucketWidths = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200]

  /// The narrowest bucket that keeps `detectors` points per bucket within `maxPoints`.
  static func bucketWidth(span: Double, detectors: Int, maxPoints: Int = HistoryReply.maxPoints)
    -> Int
  {
    let perDetector = Swift.max(1, maxPoints / Swift.max(1, detectors))
    // An aligned bucket grid can cut the window at both ends: one bucket more than the span.
    func fits(_ width: Int) -> Bool {
      (span / Double(width)).rounded(.up) + 1 <= Double(perDetector)
    }
    if let width = bucketWidths.first(where: fits) { return width }
    let days = (span / 86_400 / Double(perDetector - 1)).rounded(.up)
    return Swift.max(1, Int(days)) * 86_400
  }

  private func bucketed(_ request: HistoryRequest) throws -> HistoryReply {
    // The window starts no earlier than the first record: a year asked of a week of records
    // is shown at the week's resolution.
    guard let first = try store.firstMinute(detectors: detectors) else {
      return HistoryReply(id: request.id, of: request.of, detectors: detectors, points: [])
    }
    let start = Swift.max(since ?? first, first)
    // `historyQuery` always ends the window (at the daemon's now by default).
    let until = self.until ?? .distantFuture
    guard start <= until else {
      return HistoryReply(id: request.id, of: request.of, detectors: detectors, points: [])
    }
    let width = Self.bucketWidth(span: until.timeIntervalSince(start), detectors: detectors.count)
    var points: [HistoryPoint] = []
    for detector in detectors {
      points += try store.buckets(detector: detector, since: start, until: until, seconds: width)
    }
    points.sort { ($0.minute, $0.detector) < ($1.minute, $1.detector) }
    return HistoryReply(
      id: request.id, of: request.of, detectors: detectors, points: points,
      bucketSeconds: Double(width))
  }

  /// Every minute from `since`, at most `maxPoints` in all: each detector's share, cut at the
  /// earliest minute where one of them ran out of its share, so that no minute is split across
  /// pages.
  private func minutePage(_ request: HistoryRequest) throws -> HistoryReply {
    let start = since ?? Date(timeIntervalSince1970: 0)
    let until = self.until ?? .distantFuture
    let share = Swift.max(1, HistoryReply.maxPoints / Swift.max(1, detectors.count))
    var rows: [MinuteAggregate] = []
    var cut: Date?
    for detector in detectors {
      let page = try store.minutes(detector: detector, since: start, until: until, limit: share)
      if page.count == share, let last = page.last?.minute {
        cut = Swift.min(cut ?? last, last)
      }
      rows += page
    }
    if let cut { rows.removeAll { $0.minute >= cut } }
    rows.sort { ($0.minute, $0.detector) < ($1.minute, $1.detector) }
    let points = rows.map {
      HistoryPoint(
        detector: $0.detector, minute: $0.minute, counts: $0.counts, liveSeconds: $0.liveSeconds,
        doseMinUSvH: $0.doseMinUSvH, doseMeanUSvH: $0.doseMeanUSvH, doseMaxUSvH: $0.doseMaxUSvH)
    }
    return HistoryReply(
      id: request.id, of: request.of, detectors: detectors, points: points, bucketSeconds: 60,
      nextSince: cut)
  }
}
