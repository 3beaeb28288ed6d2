import Foundation

/// `events`: recorded events, oldest first.
public struct EventsRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.events.rawValue
  public var since: Date?
  public var until: Date?
  /// Instead of `since`: the last this many seconds of the daemon's clock (which may differ
  /// from the client's, e.g. under --time-scale).
  public var lastSeconds: Double?
  public var location: String?
  public var detector: String?
  /// At most this many: the newest, returned oldest first. Default and maximum: `maxEvents`.
  public var limit: Int?
  /// Only events recorded before this one (its `seq`): the next page back, from a reply's
  /// `next_before`.
  public var before: Int64?

  /// 10 000: project choice, a reply of a few MB at most; page with `since`/`until` for more.
  public static let maxEvents = 10_000

  enum CodingKeys: String, CodingKey {
    case id, cmd, since, until, location, detector, limit, before
    case lastSeconds = "last_s"
  }

  public init(
    id: RequestID?, since: Date? = nil, until: Date? = nil, location: String? = nil,
    detector: String? = nil, limit: Int? = nil
  ) {
    self.id = id
    self.since = since
    self.until = until
    self.location = location
    self.detector = detector
    self.limit = limit
  }
}

public struct EventsReply: Codable, Sendable, Hashable {
  public var `class` = "events"
  public var id: RequestID?
  public var events: [RecordedEvent]
  /// Present when older matching events remain: ask again with `before` set to this.
  public var nextBefore: Int64?

  enum CodingKeys: String, CodingKey {
    case `class`, id, events
    case nextBefore = "next_before"
  }

  public init(id: RequestID?, events: [RecordedEvent], nextBefore: Int64? = nil) {
    self.id = id
    self.events = events
    self.nextBefore = nextBefore
  }
}

/// One recorded event, with who caused it (absent for the daemon's own events).
public struct RecordedEvent: Codable, Sendable, Hashable {
  public var seq: Int64
  public var time: Date
  public var kind: String
  public var location: String?
  public var detector: String?
  public var level: String?
  public var message: String
  public var actor: EventActor?
  /// The measurement the event rests on, as recorded (a JSON object), when there is one.
  public var data: String?

  public init(seq: Int64, time: Date, kind: String, message: String) {
    self.seq = seq
    self.time = time
    self.kind = kind
    self.message = message
  }
}

public struct EventActor: Codable, Sendable, Hashable {
  public var uid: UInt32
  public var user: String
  public var pid: Int32

  public init(uid: UInt32, user: String, pid: Int32) {
    self.uid = uid
    self.user = user
    self.pid = pid
  }
}

/// `history`: per-minute dose rates of a detector, or of a location's detectors.
public struct HistoryRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.history.rawValue
  /// A detector or location id.
  public var of: String
  public var since: Date?
  public var until: Date?
  /// Instead of `since`: the last this many seconds of the daemon's clock.
  public var lastSeconds: Double?
  /// Every minute as recorded, a page of at most `HistoryReply.maxPoints` at a time (`export`);
  /// otherwise the window is summarised in buckets that fit one reply.
  public var minutes: Bool?

  enum CodingKeys: String, CodingKey {
    case id, cmd, of, since, until, minutes
    case lastSeconds = "last_s"
  }

  public init(id: RequestID?, of: String, since: Date?, until: Date? = nil) {
    self.id = id
    self.of = of
    self.since = since
    self.until = until
  }
}

public struct HistoryReply: Codable, Sendable, Hashable {
  public var `class` = "history"
  public var id: RequestID?
  public var of: String
  public var detectors: [String]
  /// Seconds each point summarises: 60 for single minutes, more for a long window (counts and
  /// live time summed, minimum and maximum over the bucket, the mean weighted by live time).
  public var bucketSeconds: Double
  public var points: [HistoryPoint]
  /// With `minutes`: present when more minutes remain; ask again with `since` set to this.
  public var nextSince: Date?

  /// At most this many points in one reply, so that no query holds the daemon long or costs it
  /// much memory: 5 000 is a reply of about 1 MB, more points than a terminal or a
  /// chart can show (project choice).
  public static let maxPoints = 5_000

  enum CodingKeys: String, CodingKey {
    case `class`, id, of, detectors, points
    case bucketSeconds = "bucket_s"
    case nextSince = "next_since"
  }

  public init(
    id: RequestID?, of: String, detectors: [String], points: [HistoryPoint],
    bucketSeconds: Double = 60, nextSince: Date? = nil
  ) {
    self.id = id
    self.of = of
    self.detectors = detectors
    self.points = points
    self.bucketSeconds = bucketSeconds
    self.nextSince = nextSince
  }
}

/// One detector-minute.
public struct HistoryPoint: Codable, Sendable, Hashable {
  public var detector: String
  public var minute: Date
  public var counts: UInt64
  public var liveSeconds: Double
  public var doseMinUSvH: Double?
  public var doseMeanUSvH: Double?
  public var doseMaxUSvH: Double?

  enum CodingKeys: String, CodingKey {
    case detector, minute, counts
    case liveSeconds = "live_s"
    case doseMinUSvH = "dose_min_usv_h"
    case doseMeanUSvH = "dose_mean_usv_h"
    case doseMaxUSvH = "dose_max_usv_h"
  }

  public init(
    detector: String, minute: Date, counts: UInt64, liveSeconds: Double, doseMinUSvH: Double?,
    doseMeanUSvH: Double?, doseMaxUSvH: Double?
  ) {
    self.detector = detector
    self.minute = minute
    self.counts = counts
    self.liveSeconds = liveSeconds
    self.doseMinUSvH = doseMinUSvH
    self.doseMeanUSvH = doseMeanUSvH
    self.doseMaxUSvH = doseMaxUSvH
  }
}
