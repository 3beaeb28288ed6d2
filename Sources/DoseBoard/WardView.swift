import DoseCore
import DoseProtocol
import Foundation

/// Whether the board's data is current. `lost` is shown in words and colour on every page.
public enum Monitoring: Sendable, Equatable {
  case live
  /// `since` is the board's wall time of the last snapshot that was current.
  case lost(since: Date, reason: String)

  public var word: String {
    switch self {
    case .live: "live"
    case .lost: "lost"
    }
  }
}

/// What the board knows besides `status`: each room's occupancy record (`room_show`) and each
/// location's trend (`history`), refreshed on their own schedule.
public struct WardExtras: Sendable, Equatable {
  public var rooms: [String: RoomDetail] = [:]
  public var trends: [String: [TrendPoint]] = [:]

  public init() {}
}

/// One point of a trend: the highest of the location's detectors' means for a bucket.
public struct TrendPoint: Sendable, Equatable {
  public var time: Date
  public var value: Double

  public init(time: Date, value: Double) {
    self.time = time
    self.value = value
  }

  /// A location's trend on the same footing as the rate its tile shows: the detector dosed
  /// takes that rate from (`dose_rate_detector`) and, where dosed corrects it for the
  /// location's nuclide, corrected the same way (above background, divided by the factor; the
  /// history keeps the detector's own calibrated readings). Otherwise the highest detector.
  public static func forLocation(_ points: [HistoryPoint], _ location: LocationStatus)
    -> [TrendPoint]
  {
    forRate(points, detector: location.doseRateDetector, correction: location.energyCorrection)
  }

  /// `forLocation` from its two parts: the detector the rate comes from (nil: the highest)
  /// and the correction dosed applies to it.
  public static func forRate(
    _ points: [HistoryPoint], detector: String?, correction: EnergyCorrectionStatus?
  ) -> [TrendPoint] {
    let own = detector.map { id in points.filter { $0.detector == id } } ?? points
    let trend = from(own)
    guard let status = correction, status.factor > 0 else { return trend }
    // DoseCore's correction, the one dosed applies to the rate.
    let correction = EnergyCorrection(
      nuclide: status.nuclide, factor: status.factor, backgroundUSvH: status.backgroundUSvH,
      source: status.source)
    return trend.map { TrendPoint(time: $0.time, value: correction.corrected($0.value)) }
  }

  /// The highest detector mean per bucket, in time order (as dosectl's chart takes them).
  public static func from(_ points: [HistoryPoint]) -> [TrendPoint] {
    var byTime: [Date: Double] = [:]
    for point in points {
      guard let mean = point.doseMeanUSvH, mean.isFinite else { continue }
      byTime[point.minute] = max(byTime[point.minute] ?? -.infinity, mean)
    }
    return byTime.sorted { $0.key < $1.key }.map { TrendPoint(time: $0.key, value: $0.value) }
  }
}

/// The ward as the pages show it: built from the last `status`, the extras and whether the data
/// is current, by one pure function, so every rendering rule is tested without a daemon.
public struct WardView: Sendable, Equatable {
  public var ward: String
  public var monitoring: Monitoring
  /// The snapshot's own time (dosed's clock), nil before the first.
  public var snapshotTime: Date?
  public var tiles: [Tile]
  public var detectors: [Detector]
  /// Alarms about no location (e.g. `storage`).
  public var wardAlarms: [AlarmStatus]

  public struct Tile: Sendable, Equatable {
    public var id: String
    public var kind: String
    /// dosed's state word, as last received.
    public var state: String
    public var alarm: String
    public var doseRateUSvH: Double?
    public var ci95USvH: [Double]?
    public var reasons: [String]
    public var alarms: [AlarmStatus]
    public var occupiedSince: Date?
    /// Only when the configuration allows it.
    public var patientRef: String?
    public var release: ReleaseStatus?
    public var clearance: ClearanceStatus?
    /// The clearance prediction: when counting at the present rate is expected to decide
    /// `below` (snapshot time + `needs_counting_s`).
    public var roomFreeAt: Date?
    public var packages: [PackageStatus]
    public var trend: [TrendPoint]
    public var guidance: VisitorGuidance?
    /// The detector dosed takes the rate from, and the energy correction it applies (nil:
    /// none), for the history page's line of the rate as decided.
    public var rateDetector: String?
    public var energyCorrection: EnergyCorrectionStatus?
  }

  public struct Detector: Sendable, Equatable {
    public var id: String
    public var state: String
    public var reason: String?
    public var doseRateUSvH: Double?
    public var ageSeconds: Double?
    public var model: String?
  }

  public static func make(
    status: StatusReply?, extras: WardExtras, monitoring: Monitoring, config: BoardConfig
  ) -> WardView {
    guard let status else {
      return WardView(
        ward: config.ward, monitoring: monitoring, snapshotTime: nil, tiles: [], detectors: [],
        wardAlarms: [])
    }
    let tiles = status.locations.map { location in
      tile(location, status: status, extras: extras, config: config)
    }
    let detectors = status.detectors.map {
      Detector(
        id: $0.id, state: $0.state, reason: $0.reason, doseRateUSvH: $0.doseRateUSvH,
        ageSeconds: $0.ageSeconds, model: $0.device?.model)
    }
    let placed = Set(status.locations.flatMap(\.detectors))
    let wardAlarms = status.alarms.filter { alarm in
      alarm.location == nil && !(alarm.detector.map(placed.contains) ?? false)
    }
    return WardView(
      ward: config.ward, monitoring: monitoring, snapshotTime: status.time, tiles: tiles,
      detectors: detectors, wardAlarms: wardAlarms)
  }

  static func tile(
    _ location: LocationStatus, status: StatusReply, extras: WardExtras, config: BoardConfig
  ) -> Tile {
    let mine = Set(location.detectors)
    let alarms = status.alarms.filter { alarm in
      alarm.location == location.id
        || (alarm.location == nil && alarm.detector.map(mine.contains) == true)
    }
    let room = extras.rooms[location.id]
    let occupied = room?.occupancy == "occupied"
    var roomFreeAt: Date?
    if location.kind == "isolation_room", location.state != "occupied",
      let needs = location.clearance?.needsCountingSeconds, needs.isFinite, needs >= 0
    {
      roomFreeAt = status.time.addingTimeInterval(needs)
    }
    return Tile(
      id: location.id, kind: location.kind, state: location.state, alarm: location.alarm,
      doseRateUSvH: location.doseRateUSvH, ci95USvH: location.ci95USvH,
      reasons: location.reasons ?? [], alarms: alarms,
      occupiedSince: occupied ? (room?.since ?? room?.patient?.admittedAt) : nil,
      patientRef: config.showPatientRef && occupied ? room?.patient?.reference : nil,
      release: location.release, clearance: location.clearance, roomFreeAt: roomFreeAt,
      packages: location.packages ?? [], trend: extras.trends[location.id] ?? [],
      guidance: config.visitors[location.id], rateDetector: location.doseRateDetector,
      energyCorrection: location.energyCorrection)
  }

  public var isLive: Bool { monitoring == .live }

  public func tile(_ id: String) -> Tile? { tiles.first { $0.id == id } }
}
