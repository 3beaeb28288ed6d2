import DoseCore
import DoseProtocol
import Foundation

/// Reading the records back: events and per-minute history.
extension Engine {
  public func events(_ request: EventsRequest) throws(ControlFailure) -> [RecordedEvent] {
    guard let store else { throw noRecords() }
    let limit = Swift.min(
      Swift.max(request.limit ?? EventsRequest.maxEvents, 1), EventsRequest.maxEvents)
    do {
      let since = request.lastSeconds.map { clock.now().wallTime.addingTimeInterval(-$0) }
      return try store.events(
        since: since ?? request.since, until: request.until, location: request.location,
        detector: request.detector, limit: limit
      ).map(Self.recorded)
    } catch {
      throw ControlFailure(.unavailable, "cannot read the records: \(error)")
    }
  }

  public func history(_ request: HistoryRequest) throws(ControlFailure) -> HistoryReply {
    guard let store else { throw noRecords() }
    let ids: [String]
    if detectorConfigs[request.of] != nil {
      ids = [request.of]
    } else if let location = locations.first(where: { $0.config.id == request.of }) {
      ids = location.config.detectors
    } else {
      throw ControlFailure(.notFound, "no detector or location '\(request.of)'")
    }
    let since =
      request.lastSeconds.map { clock.now().wallTime.addingTimeInterval(-$0) } ?? request.since
    do {
      var points: [HistoryPoint] = []
      for id in ids {
        points += try store.aggregates(detector: id, since: since, until: request.until)
          .map {
            HistoryPoint(
              detector: $0.detector, minute: $0.minute, counts: $0.counts,
              liveSeconds: $0.liveSeconds, doseMinUSvH: $0.doseMinUSvH,
              doseMeanUSvH: $0.doseMeanUSvH, doseMaxUSvH: $0.doseMaxUSvH)
          }
      }
      points.sort { ($0.minute, $0.detector) < ($1.minute, $1.detector) }
      return HistoryReply(id: request.id, of: request.of, detectors: ids, points: points)
    } catch {
      throw ControlFailure(.unavailable, "cannot read the records: \(error)")
    }
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

  private func noRecords() -> ControlFailure {
    ControlFailure(
      .unavailable, storageProblem.map { "no records: \($0)" } ?? "this daemon keeps no records")
  }
}
