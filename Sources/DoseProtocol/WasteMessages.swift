import Foundation

/// `waste_add`: a sealed package into a store.
public struct WasteAddRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.wasteAdd.rawValue
  public var package: String
  public var store: String
  /// Activity of each nuclide at sealing, Bq.
  public var activitiesBq: [String: Double]
  public var massG: Double?
  /// When it was sealed (the activities' reference time); default now.
  public var at: Date?
  /// Contact dose rate at sealing, µSv/h (decay-in-storage prediction).
  public var surfaceUSvH: Double?
  /// Production route of the package's Lu-177: `ca` (carrier-added, carries Lu-177m) or `nca`
  /// (no-carrier-added). Without it, Lu-177 is taken as carrier-added with the worst-case
  /// Lu-177m (0.1 % of the Lu-177 activity) unless the Lu-177m activity is declared.
  public var route: String?

  enum CodingKeys: String, CodingKey {
    case id, cmd, package, store, at, route
    case activitiesBq = "activities_bq"
    case massG = "mass_g"
    case surfaceUSvH = "surface_usv_h"
  }

  public init(
    id: RequestID?, package: String, store: String, activitiesBq: [String: Double],
    massG: Double?, at: Date?, surfaceUSvH: Double?, route: String? = nil
  ) {
    self.id = id
    self.package = package
    self.store = store
    self.activitiesBq = activitiesBq
    self.massG = massG
    self.at = at
    self.surfaceUSvH = surfaceUSvH
    self.route = route
  }
}

/// `waste_show`, `waste_release`: `{"cmd":"waste_show","package":"W-1"}`; `waste_list` with an
/// optional `store`.
public struct WasteRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd: String
  public var package: String?
  public var store: String?

  public init(id: RequestID?, command: Command, package: String? = nil, store: String? = nil) {
    self.id = id
    self.cmd = command.rawValue
    self.package = package
    self.store = store
  }
}

/// `waste_move`: a package into another configured store (its own left the configuration):
/// `{"cmd":"waste_move","package":"W-1","store":"store-A"}`.
public struct WasteMoveRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.wasteMove.rawValue
  public var package: String
  public var store: String

  public init(id: RequestID?, package: String, store: String) {
    self.id = id
    self.package = package
    self.store = store
  }
}

/// `waste_survey`: count the package at its store's survey detector.
public struct WasteSurveyRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.wasteSurvey.rawValue
  public var package: String
  /// Who performs the survey (10 CFR 35.2092 records the name).
  public var surveyor: String

  public init(id: RequestID?, package: String, surveyor: String) {
    self.id = id
    self.package = package
    self.surveyor = surveyor
  }
}

/// Reply to `waste_add`, `waste_show`, `waste_survey` and `waste_release`.
public struct WasteReply: Codable, Sendable, Hashable {
  public var `class` = "waste"
  public var id: RequestID?
  public var package: WastePackageDetail

  public init(id: RequestID?, package: WastePackageDetail) {
    self.id = id
    self.package = package
  }
}

/// Reply to `waste_list`.
public struct WasteListReply: Codable, Sendable, Hashable {
  public var `class` = "waste_list"
  public var id: RequestID?
  public var packages: [WastePackageDetail]

  public init(id: RequestID?, packages: [WastePackageDetail]) {
    self.id = id
    self.packages = packages
  }
}

/// One package: what is in it, under which rule, and when it may go.
public struct WastePackageDetail: Codable, Sendable, Hashable {
  public var id: String
  public var store: String
  /// `holding`, `release_due`, `not_eligible` or `released`.
  public var state: String
  /// `us-dis`, `clearance-iaea` or `clearance-de`.
  public var rule: String
  public var sealedAt: Date
  public var predictedReleaseAt: Date?
  public var surfaceUSvHNow: Double?
  public var massG: Double?
  public var surfaceUSvHAtSeal: Double?
  /// The declared production route of the Lu-177 (`ca`, `nca`); absent when none was declared
  /// (Lu-177 is then assessed as carrier-added, and `reasons` says what was assumed).
  public var route: String?
  /// Activities at sealing and now (chain members included now), Bq; left out for packages
  /// from the configuration that give only dose-rate shares.
  public var constituents: [ConstituentStatus]?
  public var reasons: [String]?
  public var releasedAt: Date?
  public var surveys: [SurveyStatus]?
  /// The release decision over every survey of the package (with `surveys`).
  public var releaseDecision: ReleaseDecisionStatus?

  enum CodingKeys: String, CodingKey {
    case id, store, state, rule, constituents, reasons, surveys, route
    case releaseDecision = "release_decision"
    case sealedAt = "sealed_at"
    case predictedReleaseAt = "predicted_release_at"
    case surfaceUSvHNow = "surface_usv_h_now"
    case massG = "mass_g"
    case surfaceUSvHAtSeal = "surface_usv_h_at_seal"
    case releasedAt = "released_at"
  }

  public init(id: String, store: String, state: String, rule: String, sealedAt: Date) {
    self.id = id
    self.store = store
    self.state = state
    self.rule = rule
    self.sealedAt = sealedAt
  }
}

public struct ConstituentStatus: Codable, Sendable, Hashable {
  public var nuclide: String
  public var activityBqAtSeal: Double
  public var activityBqNow: Double

  enum CodingKeys: String, CodingKey {
    case nuclide
    case activityBqAtSeal = "activity_bq_at_seal"
    case activityBqNow = "activity_bq_now"
  }

  public init(nuclide: String, activityBqAtSeal: Double, activityBqNow: Double) {
    self.nuclide = nuclide
    self.activityBqAtSeal = activityBqAtSeal
    self.activityBqNow = activityBqNow
  }
}

/// Whether a package's surveys, all of them together, show it indistinguishable from
/// background with the stated error rate (docs/measurement.md §8).
public struct ReleaseDecisionStatus: Codable, Sendable, Hashable {
  /// The surveys show the net rate below `level_usv_h`: the package may be released.
  public var passed: Bool
  /// `sequential_likelihood_ratio`.
  public var method: String
  /// Chance of ever passing a package at or above `level_usv_h`, however often surveyed.
  public var errorRate: Double
  /// The net surface dose rate the decision is against (the first adequate survey's decision
  /// threshold), µSv/h; nil before an adequate survey.
  public var levelUSvH: Double?
  public var surveys: Int
  public var adequateSurveys: Int
  /// Product of the surveys' likelihood-ratio bets, and what it must reach (1/α_w).
  public var evidence: Double
  public var evidenceNeeded: Double
  /// Further surveys a clean package is expected to need; nil when counting cannot show it.
  public var surveysNeededIfClean: Int?
  public var reason: String?

  enum CodingKeys: String, CodingKey {
    case passed, method, surveys, evidence, reason
    case errorRate = "error_rate"
    case levelUSvH = "level_usv_h"
    case adequateSurveys = "adequate_surveys"
    case evidenceNeeded = "evidence_needed"
    case surveysNeededIfClean = "surveys_needed_if_clean"
  }

  public init(
    passed: Bool, method: String, errorRate: Double, levelUSvH: Double?, surveys: Int,
    adequateSurveys: Int, evidence: Double, evidenceNeeded: Double,
    surveysNeededIfClean: Int?, reason: String?
  ) {
    self.passed = passed
    self.method = method
    self.errorRate = errorRate
    self.levelUSvH = levelUSvH
    self.surveys = surveys
    self.adequateSurveys = adequateSurveys
    self.evidence = evidence
    self.evidenceNeeded = evidenceNeeded
    self.surveysNeededIfClean = surveysNeededIfClean
    self.reason = reason
  }
}

/// A recorded release survey (10 CFR 35.2092 fields and the decision).
public struct SurveyStatus: Codable, Sendable, Hashable {
  public var time: Date
  public var detector: String
  public var instrument: String
  public var surveyor: String
  public var backgroundUSvH: Double
  public var surfaceUSvH: Double
  public var netUSvH: Double
  public var decisionThresholdUSvH: Double
  public var detectionLimitUSvH: Double
  public var grossCounts: UInt64
  public var grossSeconds: Double
  public var passed: Bool
  public var reason: String?

  enum CodingKeys: String, CodingKey {
    case time, detector, instrument, surveyor, passed, reason
    case backgroundUSvH = "background_usv_h"
    case surfaceUSvH = "surface_usv_h"
    case netUSvH = "net_usv_h"
    case decisionThresholdUSvH = "decision_threshold_usv_h"
    case detectionLimitUSvH = "detection_limit_usv_h"
    case grossCounts = "gross_counts"
    case grossSeconds = "gross_s"
  }

  public init(
    time: Date, detector: String, instrument: String, surveyor: String, backgroundUSvH: Double,
    surfaceUSvH: Double, netUSvH: Double, decisionThresholdUSvH: Double,
    detectionLimitUSvH: Double, grossCounts: UInt64, grossSeconds: Double, passed: Bool,
    reason: String?
  ) {
    self.time = time
    self.detector = detector
    self.instrument = instrument
    self.surveyor = surveyor
    self.backgroundUSvH = backgroundUSvH
    self.surfaceUSvH = surfaceUSvH
    self.netUSvH = netUSvH
    self.decisionThresholdUSvH = decisionThresholdUSvH
    self.detectionLimitUSvH = detectionLimitUSvH
    self.grossCounts = grossCounts
    self.grossSeconds = grossSeconds
    self.passed = passed
    self.reason = reason
  }
}
