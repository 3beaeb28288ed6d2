import DoseCore
import Foundation

/// The waste packages (the records', or the configuration's without records) and their latest
/// assessments.
struct WasteBook: Sendable {
  static let configOrigin = "config (dose-rate shares only)"

  private(set) var packages: [WastePackageRecord] = []
  /// Each package's assessment, recomputed at most once a clock minute (the release search is
  /// not free) or when the package changed.
  private var cache:
    [String: (at: Date, record: WastePackageRecord, assessment: PackageAssessment)] =
      [:]

  init(packages: [WastePackageRecord] = []) {
    self.packages = packages
  }

  func package(_ id: String) -> WastePackageRecord? {
    packages.first { $0.id == id }
  }

  /// Adds a new package or replaces the one with its id.
  mutating func put(_ record: WastePackageRecord) {
    if let index = packages.firstIndex(where: { $0.id == record.id }) {
      packages[index] = record
    } else {
      packages.append(record)
    }
    cache[record.id] = nil
  }

  /// Packages of the configuration that the book does not hold yet.
  func missing(from locations: [LocationMonitor], at time: Date) -> [WastePackageRecord] {
    Self.configuredPackages(locations, at: time).filter { package($0.id) == nil }
  }

  /// Packages of the configuration (dose-rate shares only: their activities are nominal,
  /// Γ-weighted so the rule's dose model reproduces the shares).
  static func configuredPackages(_ locations: [LocationMonitor], at time: Date)
    -> [WastePackageRecord]
  {
    locations.filter { $0.config.kind == .wasteStore }.flatMap { location in
      location.config.store.packages.map { package in
        var activities: [String: Double] = [:]
        var shares: [String: Double] = [:]
        for component in package.components {
          let gamma = DoseRateConstants.value(for: component.nuclide.symbol) ?? 1
          activities[component.nuclide.symbol] = component.fraction / gamma
          shares[component.nuclide.symbol] = component.fraction
        }
        return WastePackageRecord(
          id: package.id, store: location.config.id, rule: location.config.store.wasteRule.rawValue,
          sealedAt: package.sealedAt, activitiesBq: activities, massGrams: nil,
          surfaceUSvH: package.surfaceUSvHAtSeal, surfaceShares: shares, addedAt: time,
          origin: configOrigin, route: package.lu177Route)
      }
    }
  }

  /// The assessments of a store's packages at `time`.
  mutating func states(of config: LocationConfig, at time: Date) -> [PackageAssessment] {
    packages.filter { $0.store == config.id }.map { record in
      if let cached = cache[record.id], cached.record == record,
        time.timeIntervalSince(cached.at) < 60, time >= cached.at
      {
        return cached.assessment
      }
      let assessment = Self.assess(record, config: config, at: time)
      cache[record.id] = (time, record, assessment)
      return assessment
    }
  }

  private static func assess(_ record: WastePackageRecord, config: LocationConfig, at time: Date)
    -> PackageAssessment
  {
    let rule = WasteRule(rawValue: record.rule) ?? config.store.wasteRule
    guard let batch = record.batch else {
      return PackageAssessment(
        id: record.id, state: .notEligible, nuclides: record.activitiesBq.keys.sorted(),
        surfaceUSvHNow: nil, releaseDueAt: nil, reasons: ["the recorded inventory is not valid"])
    }
    if let released = record.releasedAt {
      return PackageAssessment(
        id: record.id, state: .released, nuclides: batch.inventory.activitiesBq.keys.sorted(),
        surfaceUSvHNow: nil, releaseDueAt: released)
    }
    return WasteAssessment.assess(
      batch, rule: rule, releaseSurfaceUSvH: config.store.releaseSurfaceUSvH, at: time)
  }

  /// Stores that hold unreleased packages but are not configured, with the packages' ids.
  func orphanStores(configured: Set<String>) -> [(store: String, packages: [String])] {
    var result: [String: [String]] = [:]
    for package in packages
    where package.releasedAt == nil && !configured.contains(package.store) {
      result[package.store, default: []].append(package.id)
    }
    return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}
