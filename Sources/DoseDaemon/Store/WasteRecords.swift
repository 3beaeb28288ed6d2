import DoseCore
import Foundation
import GRDB

/// A waste package as recorded: its inventory at sealing and where it is in its life.
public struct WastePackageRecord: Sendable, Hashable, Codable, FetchableRecord,
  PersistableRecord, DoseRecord
{
  public static let databaseTableName = "waste_package"

  public var id: String
  public var store: String
  public var rule: String
  public var sealedAt: Date
  /// JSON {nuclide: Bq at sealing}.
  public var activities: String
  public var massGrams: Double?
  public var surfaceUSvH: Double?
  public var surfaceShares: String?
  public var addedAt: Date
  public var origin: String
  public var releasedAt: Date?
  /// Declared production route of the Lu-177 (`ca`, `nca`); nil when not declared.
  public var route: String?

  enum CodingKeys: String, CodingKey {
    case id, store, rule, activities, origin, route
    case sealedAt = "sealed_at"
    case massGrams = "mass_g"
    case surfaceUSvH = "surface_usv_h"
    case surfaceShares = "surface_shares"
    case addedAt = "added_at"
    case releasedAt = "released_at"
  }

  public init(
    id: String, store: String, rule: String, sealedAt: Date, activitiesBq: [String: Double],
    massGrams: Double?, surfaceUSvH: Double?, surfaceShares: [String: Double]?, addedAt: Date,
    origin: String, route: Lu177Route? = nil
  ) {
    self.id = id
    self.store = store
    self.rule = rule
    self.sealedAt = sealedAt
    activities = Self.json(activitiesBq) ?? "{}"
    self.massGrams = massGrams
    self.surfaceUSvH = surfaceUSvH
    self.surfaceShares = surfaceShares.flatMap(Self.json)
    self.addedAt = addedAt
    self.origin = origin
    self.route = route?.rawValue
  }

  public var activitiesBq: [String: Double] { Self.decode(activities) ?? [:] }
  public var shares: [String: Double]? { surfaceShares.flatMap(Self.decode) }

  /// The package as the rules see it; nil when its inventory (or its route) is not valid.
  /// Records from before the route existed have none: their Lu-177 is assessed as
  /// carrier-added (`WasteBatch`).
  public var batch: WasteBatch? {
    guard let inventory = try? Inventory(activitiesBq: activitiesBq, at: sealedAt) else {
      return nil
    }
    let lu177Route: Lu177Route?
    if let route {
      guard let known = Lu177Route(rawValue: route) else { return nil }
      lu177Route = known
    } else {
      lu177Route = nil
    }
    return WasteBatch(
      id: id, inventory: inventory, massGrams: massGrams, surfaceUSvHAtSeal: surfaceUSvH,
      surfaceShares: shares, lu177Route: lu177Route)
  }

  static func json(_ values: [String: Double]) -> String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(values)).flatMap { String(data: $0, encoding: .utf8) }
  }

  static func decode(_ text: String) -> [String: Double]? {
    try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8))
  }
}

/// A release survey as recorded (10 CFR 35.2092 fields and the decision behind it).
public struct SurveyRecord: Sendable, Hashable, Codable, FetchableRecord,
  MutablePersistableRecord, DoseRecord
{
  public static let databaseTableName = "survey"

  public var id: Int64?
  public var package: String
  public var time: Date
  public var detector: String
  public var instrument: String
  public var surveyor: String
  public var grossCounts: UInt64
  public var grossSeconds: Double
  public var backgroundCounts: UInt64
  public var backgroundSeconds: Double
  public var backgroundUSvH: Double
  public var surfaceUSvH: Double
  public var netUSvH: Double
  public var decisionThresholdUSvH: Double
  public var detectionLimitUSvH: Double
  public var passed: Bool
  public var reason: String?

  enum CodingKeys: String, CodingKey {
    case id, package, time, detector, instrument, surveyor, passed, reason
    case grossCounts = "gross_counts"
    case grossSeconds = "gross_s"
    case backgroundCounts = "background_counts"
    case backgroundSeconds = "background_s"
    case backgroundUSvH = "background_usv_h"
    case surfaceUSvH = "surface_usv_h"
    case netUSvH = "net_usv_h"
    case decisionThresholdUSvH = "decision_threshold_usv_h"
    case detectionLimitUSvH = "detection_limit_usv_h"
  }

  public init(
    package: String, time: Date, detector: String, instrument: String, surveyor: String,
    result: SurveyResult
  ) {
    self.package = package
    self.time = time
    self.detector = detector
    self.instrument = instrument
    self.surveyor = surveyor
    grossCounts = result.grossCounts
    grossSeconds = result.grossSeconds
    backgroundCounts = result.background.counts
    backgroundSeconds = result.background.seconds
    // Non-finite values (a saturated counter) are stored as the largest double: SQLite has no
    // infinity, and the survey failed anyway.
    backgroundUSvH = Self.finite(result.backgroundUSvH)
    surfaceUSvH = Self.finite(result.surfaceUSvH)
    netUSvH = Self.finite(result.netUSvH)
    decisionThresholdUSvH = Self.finite(result.decisionThresholdUSvH)
    detectionLimitUSvH = Self.finite(result.detectionLimitUSvH)
    passed = result.passed
    reason = result.failure
  }

  /// The survey as the release test over all surveys sees it, from the recorded counts alone
  /// (so surveys recorded before that test existed decide the same way).
  public var counts: SurveyCounts {
    SurveyCounts(
      grossCounts: grossCounts, grossSeconds: grossSeconds, backgroundCounts: backgroundCounts,
      backgroundSeconds: backgroundSeconds, decisionThresholdUSvH: decisionThresholdUSvH,
      detectionLimitUSvH: detectionLimitUSvH,
      saturated: surfaceUSvH >= .greatestFiniteMagnitude, detector: detector)
  }

  static func finite(_ value: Double) -> Double {
    value.isFinite ? value : (value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude)
  }

  public mutating func didInsert(_ inserted: InsertionSuccess) {
    id = inserted.rowID
  }
}

extension RecordStore {
  public func wastePackages() throws -> [WastePackageRecord] {
    // Rows that cannot be decoded are skipped here and reported by `selfCheck`.
    try pool.read { db in try Self.readable(WastePackageRecord.self, db, orderBy: "added_at") }
  }

  public func surveys(package: String) throws -> [SurveyRecord] {
    try pool.read { db in
      try SurveyRecord.filter(Column("package") == package).order(Column("id")).fetchAll(db)
    }
  }

  /// Saves a package (new or changed) with its event, in one transaction.
  public func record(package: WastePackageRecord, event: StoredEvent) throws {
    try pool.write { db in
      try package.save(db)
      var event = event
      try event.insert(db)
    }
  }

  /// Saves a survey with its event, in one transaction.
  @discardableResult
  public func record(survey: SurveyRecord, event: StoredEvent) throws -> SurveyRecord {
    try pool.write { db in
      var survey = survey
      try survey.insert(db)
      var event = event
      try event.insert(db)
      return survey
    }
  }
}
