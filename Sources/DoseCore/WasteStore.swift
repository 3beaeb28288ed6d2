import Foundation

/// A sealed waste package in a decay store.
public struct WastePackage: Sendable, Hashable {
  public struct Component: Sendable, Hashable {
    public let nuclide: Nuclide
    /// Share of the package's surface dose rate at sealing that this nuclide gives (0…1].
    public let fraction: Double

    public init(nuclide: Nuclide, fraction: Double) {
      self.nuclide = nuclide
      self.fraction = fraction
    }
  }

  public let id: String
  public let components: [Component]
  public let sealedAt: Date
  /// Contact dose rate measured when the package was sealed, µSv/h.
  public let surfaceUSvHAtSeal: Double
  /// Declared production route of the package's Lu-177; nil when not declared (carrier-added
  /// is then assumed, see `Lu177Route`).
  public let lu177Route: Lu177Route?

  public init(
    id: String, components: [Component], sealedAt: Date, surfaceUSvHAtSeal: Double,
    lu177Route: Lu177Route? = nil
  ) {
    self.id = id
    self.components = components
    self.sealedAt = sealedAt
    self.surfaceUSvHAtSeal = surfaceUSvHAtSeal
    self.lu177Route = lu177Route
  }

  /// Longest half-life for decay-in-storage, 120 days (10 CFR 35.92(a)).
  public static let maxDecayInStorageHalfLife = 120 * Time.day

  /// Whether every nuclide in the package may be held for decay (10 CFR 35.92). Lu-177m
  /// (160.4 d) makes a package ineligible, and so does Lu-177 that is not declared
  /// no-carrier-added (carrier-added Lu-177 carries Lu-177m, `Lu177Route`).
  public var eligibleForDecayInStorage: Bool {
    let shares = Dictionary(
      components.map { ($0.nuclide.symbol, $0.fraction) }, uniquingKeysWith: +)
    let effective = Lu177Route.effectiveActivities(shares, route: lu177Route)
    return effective.assumption == nil
      && components.allSatisfy { $0.nuclide.halfLifeSeconds <= Self.maxDecayInStorageHalfLife }
  }

  /// Surface dose rate predicted by decay alone at `date`, µSv/h.
  public func predictedSurfaceUSvH(at date: Date) -> Double {
    let elapsed = Swift.max(0, date.timeIntervalSince(sealedAt))
    return components.reduce(0) {
      $0 + surfaceUSvHAtSeal * $1.fraction * $1.nuclide.remainingFraction(after: elapsed)
    }
  }

  /// The moment decay brings the surface dose rate down to `level`, by bisection on the
  /// (monotonically falling) sum of exponentials.
  public func dateReaching(surfaceUSvH level: Double) -> Date? {
    guard level > 0, let slowest = components.map(\.nuclide.decayConstant).min(), slowest > 0
    else { return nil }
    if predictedSurfaceUSvH(at: sealedAt) <= level { return sealedAt }
    // Each term is at most D0·f·e^(−λ_min t), so the sum, at most its value at sealing times
    // e^(−λ_min t), is ≤ level by this time (whatever the fractions add up to).
    var high = log(predictedSurfaceUSvH(at: sealedAt) / level) / slowest
    var low = 0.0
    for _ in 0..<200 where high - low > 1 {
      let mid = (low + high) / 2
      if predictedSurfaceUSvH(at: sealedAt.addingTimeInterval(mid)) > level {
        low = mid
      } else {
        high = mid
      }
    }
    return sealedAt.addingTimeInterval(high)
  }
}

public enum PackageState: String, Sendable, Hashable, Codable, CaseIterable {
  /// Still decaying.
  case holding
  /// Decay predicts the surface reading is at the release level: survey it for release.
  case releaseDue = "release_due"
  /// The store's rule refuses it (e.g. a nuclide with T½ > 120 d under decay-in-storage).
  case notEligible = "not_eligible"
  /// Released after a passed survey (kept in the records).
  case released
}

public struct PackageAssessment: Sendable, Hashable {
  public let id: String
  public let state: PackageState
  public let nuclides: [String]
  /// Predicted surface dose rate now; nil when the package's data cannot predict it.
  public let surfaceUSvHNow: Double?
  public let releaseDueAt: Date?
  /// Why it is not eligible or has no date, or notes of the rule.
  public var reasons: [String] = []

  public init(
    id: String, state: PackageState, nuclides: [String], surfaceUSvHNow: Double?,
    releaseDueAt: Date?, reasons: [String] = []
  ) {
    self.id = id
    self.state = state
    self.nuclides = nuclides
    self.surfaceUSvHNow = surfaceUSvHNow
    self.releaseDueAt = releaseDueAt
    self.reasons = reasons
  }
}

/// Rules of a waste store: ambient dose-rate alarms, and per package a holding/release_due state
/// from decay arithmetic. The store is `release_due` when any package is, `fault` when any of its
/// detectors is not `ok`.
public struct WasteStoreMonitor: Sendable {
  public let id: String
  public let detectorIDs: [String]
  public let packages: [WastePackage]
  /// Predicted surface dose rate at which a package is due for its release survey, µSv/h.
  public let releaseSurfaceUSvH: Double
  public private(set) var alarms: DoseAlarmTracker

  public init(
    id: String, detectorIDs: [String], packages: [WastePackage], releaseSurfaceUSvH: Double,
    alarms: DoseAlarmTracker
  ) {
    self.id = id
    self.detectorIDs = detectorIDs
    self.packages = packages
    self.releaseSurfaceUSvH = releaseSurfaceUSvH
    self.alarms = alarms
  }

  public func assess(package: WastePackage, at date: Date) -> PackageAssessment {
    let now = package.predictedSurfaceUSvH(at: date)
    // A package that may never be released by decay has no release date to show.
    let due =
      package.eligibleForDecayInStorage
      ? package.dateReaching(surfaceUSvH: releaseSurfaceUSvH) : nil
    let state: PackageState
    if !package.eligibleForDecayInStorage {
      state = .notEligible
    } else if now <= releaseSurfaceUSvH {
      state = .releaseDue
    } else {
      state = .holding
    }
    return PackageAssessment(
      id: package.id, state: state, nuclides: package.components.map(\.nuclide.symbol),
      surfaceUSvHNow: now, releaseDueAt: due)
  }

  /// - Parameter packageStates: the packages as the engine assessed them (records and the
  ///   store's rule); nil = this monitor's configured `packages`.
  public mutating func assess(
    detectors: [DetectorAssessment], at date: Date, packageStates: [PackageAssessment]? = nil
  ) -> LocationAssessment {
    let summary = DetectorSummary(detectors, expected: detectorIDs)
    alarms.update(summary: summary, location: id)
    let packageStates = packageStates ?? packages.map { assess(package: $0, at: date) }
    if let over = summary.overRangeDetectors.first {
      alarms.raise(
        to: .alarm,
        evidence: AlarmEvidence(
          method: .overRange, thresholdUSvH: alarms.alarmUSvH, statistic: 0, decisionValue: 0,
          counts: 0, windowSeconds: 0, detector: over))
    }
    let faulted = !summary.unfit.isEmpty || detectorIDs.isEmpty
    let state: LocationState =
      faulted ? .fault : packageStates.contains { $0.state == .releaseDue } ? .releaseDue : .holding
    var reasons = summary.faultReasons
    if detectorIDs.isEmpty { reasons.append("no detectors assigned") }
    var assessment = LocationAssessment(
      id: id, kind: .wasteStore, state: state, reasons: reasons,
      doseRateUSvH: summary.highest?.doseRateUSvH,
      doseRateInterval: summary.highest?.doseRateInterval,
      doseRateDetector: summary.highestID,
      alarm: faulted ? .alarm : alarms.level, doseAlarm: alarms.level, packages: packageStates)
    assessment.overRangeDetectors = summary.overRangeDetectors
    assessment.alarmEvidence = alarms.evidence
    return assessment
  }
}
