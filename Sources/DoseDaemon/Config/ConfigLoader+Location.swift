import DoseCore
import Foundation

/// `[[location]]` (isolation rooms and waste stores) and `[[location.package]]`.
extension ConfigLoader {
  static let commonLocationKeys = [
    "id", "kind", "detectors", "warn_usv_h", "alarm_usv_h", "hysteresis",
    "false_alarms_per_year",
  ]
  static let isolationRoomKeys = [
    "state", "clear_usv_h", "nuclide", "release_preset", "release_limit_usv_h",
    "release_distance_m", "release_limit_source", "geometry_factor",
  ]
  static let wasteStoreKeys = [
    "release_surface_usv_h", "package", "release_rule", "survey_detector", "survey_seconds",
    "survey_max_detection_limit_usv_h",
  ]
  static let packageKeys = ["id", "nuclide", "nuclides", "sealed_at", "surface_usv_h", "route"]

  /// Largest allowed `hysteresis`: clearing at half the threshold is already very sticky.
  static let maxHysteresis = 0.5
  /// Tolerance on the sum of a mixture's fractions.
  static let fractionSumTolerance = 1e-6

  static func parseLocations(
    _ document: ConfigTable, detectors: [DetectorConfig]
  ) throws(ConfigError) -> [LocationConfig] {
    let tables = try document.tableArray("location")
    guard !tables.isEmpty else {
      throw document.error(
        "location", "at least one [[location]] is required (none is configured)")
    }
    let detectorIDs = detectors.map(\.id)
    var locations: [LocationConfig] = []
    var firstIndex: [String: Int] = [:]
    for (index, table) in tables.enumerated() {
      let location = try parseLocation(table, detectorIDs: detectorIDs)
      if let survey = location.store.surveyDetector {
        guard let detector = detectors.first(where: { $0.id == survey }) else {
          throw table.error(
            "survey_detector",
            "unknown detector '\(survey)' (configured detectors: "
              + "\(detectorIDs.joined(separator: ", ")))")
        }
        try table.require(
          detector.calibration.background != nil, "survey_detector",
          "detector '\(survey)' needs a [detector.background]: a survey compares the surface "
            + "count with the background counted in place")
      }
      if let first = firstIndex[location.id] {
        throw table.error("id", "duplicate location id '\(location.id)' (also location[\(first)])")
      }
      firstIndex[location.id] = index
      locations.append(location)
    }
    return locations
  }

  static func parseLocation(
    _ table: ConfigTable, detectorIDs: [String]
  ) throws(ConfigError) -> LocationConfig {
    try table.checkKeys(commonLocationKeys + isolationRoomKeys + wasteStoreKeys)
    let id = try identifier(table)

    let kinds = LocationKind.allCases.map(\.rawValue).joined(separator: ", ")
    let kindName = try table.requiredString("kind", hint: "one of: \(kinds)")
    guard let kind = LocationKind(rawValue: kindName) else {
      throw table.error("kind", "unknown location kind '\(kindName)' (expected one of: \(kinds))")
    }
    let foreignKeys = kind == .isolationRoom ? wasteStoreKeys : isolationRoomKeys
    let otherKind: LocationKind = kind == .isolationRoom ? .wasteStore : .isolationRoom
    for key in foreignKeys where table.has(key) {
      throw table.error(
        key,
        "'\(key)' applies only to \(otherKind.rawValue) locations (this location is a "
          + "\(kind.rawValue))")
    }

    let detectors = try parseLocationDetectors(table, detectorIDs: detectorIDs)

    let warn = try table.requiredNumber("warn_usv_h")
    try table.require(warn > 0, "warn_usv_h", "must be greater than 0, found \(fmt(warn))")
    let alarm = try table.requiredNumber("alarm_usv_h")
    try table.require(
      alarm > warn, "alarm_usv_h",
      "must be greater than warn_usv_h (\(fmt(warn))), found \(fmt(alarm))")

    var location = LocationConfig(
      id: id, kind: kind, detectors: detectors, warnUSvH: warn, alarmUSvH: alarm)
    if let hysteresis = try table.number("hysteresis") {
      try table.require(
        hysteresis >= 0 && hysteresis <= maxHysteresis, "hysteresis",
        "must be between 0 and \(fmt(maxHysteresis)), found \(fmt(hysteresis))")
      location.hysteresis = hysteresis
    }
    if let rate = try table.number("false_alarms_per_year") {
      // A budget so large the tests fire on noise, or so small they never fire, is a typo.
      try table.require(
        rate >= 1e-3 && rate <= 100, "false_alarms_per_year",
        "must be between 0.001 and 100, found \(fmt(rate))")
      location.falseAlarmsPerYear = rate
    }

    switch kind {
    case .isolationRoom:
      try parseIsolationRoom(table, into: &location)
    case .wasteStore:
      try parseWasteStore(table, into: &location)
    }
    return location
  }

  static func parseLocationDetectors(
    _ table: ConfigTable, detectorIDs: [String]
  ) throws(ConfigError) -> [String] {
    guard let detectors = try table.stringArray("detectors") else {
      throw table.missing("detectors", "a list of detector ids")
    }
    try table.require(!detectors.isEmpty, "detectors", "must name at least one detector")
    for (index, id) in detectors.enumerated() {
      let key = "detectors[\(index)]"
      try table.require(
        detectorIDs.contains(id), key,
        "unknown detector '\(id)' (configured detectors: "
          + "\(detectorIDs.joined(separator: ", ")))")
      try table.require(
        !detectors[..<index].contains(id), key, "detector '\(id)' is listed twice")
    }
    return detectors
  }

  static func parseIsolationRoom(
    _ table: ConfigTable, into location: inout LocationConfig
  ) throws(ConfigError) {
    if let name = try table.string("state") {
      guard let state = RoomOccupancy(rawValue: name) else {
        let states = RoomOccupancy.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.error("state", "unknown room state '\(name)' (expected one of: \(states))")
      }
      location.room.initialOccupancy = state
    }
    if let clear = try table.number("clear_usv_h") {
      try table.require(clear > 0, "clear_usv_h", "must be greater than 0, found \(fmt(clear))")
      location.room.clearUSvH = clear
    }
    location.nuclide = try optionalNuclide(table, "nuclide")?.symbol
    location.room.release = try parseReleaseRule(table, nuclide: location.nuclide)
    if let factor = try table.number("geometry_factor") {
      try table.require(
        factor > 0 && factor.isFinite, "geometry_factor",
        "must be greater than 0, found \(fmt(factor))")
      location.room.geometryFactor = factor
    }
  }

  /// `release_preset`, or a site limit from `release_limit_usv_h` (required), with
  /// `release_distance_m` (default 1 m) and `release_limit_source`.
  static func parseReleaseRule(_ table: ConfigTable, nuclide: String?) throws(ConfigError)
    -> ReleaseRule?
  {
    let siteKeys = ["release_limit_usv_h", "release_distance_m", "release_limit_source"]
    if let preset = try table.string("release_preset") {
      for key in siteKeys where table.has(key) {
        throw table.error(key, "give either release_preset or a site limit, not both")
      }
      let known = ReleaseLimitPreset.allCases.map(\.rawValue).joined(separator: ", ")
      guard ReleaseLimitPreset(rawValue: preset) != nil else {
        throw table.error(
          "release_preset", "unknown release preset '\(preset)' (expected one of: \(known))")
      }
      if let nuclide {
        do {
          _ = try ReleaseLimit.resolve(preset, forNuclide: nuclide)
        } catch {
          throw table.error("release_preset", error.description)
        }
      }
      return .preset(preset)
    }
    guard siteKeys.contains(where: table.has) else { return nil }
    // The value itself has no default; the distance defaults to 1 m (the usual reference
    // distance, 10 CFR 35.75 guidance) and the source to a plain statement that the site set it.
    let value = try table.requiredNumber("release_limit_usv_h")
    let distance = try table.number("release_distance_m") ?? 1
    let source =
      try table.string("release_limit_source") ?? "site limit (configured, no source given)"
    do {
      return .site(try ReleaseLimit.site(limitUSvH: value, distanceM: distance, source: source))
    } catch {
      throw table.error("release_limit_usv_h", error.description)
    }
  }

  static func parseWasteStore(
    _ table: ConfigTable, into location: inout LocationConfig
  ) throws(ConfigError) {
    if let release = try table.number("release_surface_usv_h") {
      try table.require(
        release > 0, "release_surface_usv_h", "must be greater than 0, found \(fmt(release))")
      location.store.releaseSurfaceUSvH = release
    }
    if let name = try table.string("release_rule") {
      guard let rule = WasteRule(rawValue: name) else {
        let known = WasteRule.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.error(
          "release_rule", "unknown release rule '\(name)' (expected one of: \(known))")
      }
      location.store.wasteRule = rule
    }
    if let seconds = try table.number("survey_seconds") {
      try table.require(
        seconds >= 1 && seconds <= 3600, "survey_seconds",
        "must be between 1 and 3600, found \(fmt(seconds))")
      location.store.surveySeconds = seconds
    }
    if let limit = try table.number("survey_max_detection_limit_usv_h") {
      try table.require(
        limit > 0, "survey_max_detection_limit_usv_h",
        "must be greater than 0, found \(fmt(limit))")
      location.store.surveyMaxDetectionLimitUSvH = limit
    }
    location.store.surveyDetector = try table.string("survey_detector")
    var firstIndex: [String: Int] = [:]
    for (index, packageTable) in try table.tableArray("package").enumerated() {
      let package = try parsePackage(packageTable)
      if let first = firstIndex[package.id] {
        throw packageTable.error(
          "id", "duplicate package id '\(package.id)' in this store (also package[\(first)])")
      }
      firstIndex[package.id] = index
      location.store.packages.append(package)
    }
  }

  // MARK: [[location.package]]

  static func parsePackage(_ table: ConfigTable) throws(ConfigError) -> WastePackage {
    try table.checkKeys(packageKeys)
    let id = try table.requiredString("id")
    try table.require(!id.isEmpty, "id", "must not be empty")

    let components: [WastePackage.Component]
    switch (table.has("nuclide"), table.has("nuclides")) {
    case (true, true):
      throw table.error(
        "nuclides", "give either nuclide (a single nuclide) or nuclides (a mixture), not both")
    case (false, false):
      throw table.missing("nuclide", "or nuclides = { \"Lu-177\" = 0.999, \"Lu-177m\" = 0.001 }")
    case (true, false):
      let symbol = try table.requiredString("nuclide")
      components = [.init(nuclide: try nuclide(table, "nuclide", symbol: symbol), fraction: 1)]
    case (false, true):
      components = try parseMixture(table)
    }

    let sealedAt = try table.requiredOffsetDateTime("sealed_at")
    let surface = try table.requiredNumber("surface_usv_h")
    try table.require(surface > 0, "surface_usv_h", "must be greater than 0, found \(fmt(surface))")
    // Production route of the Lu-177: without it, Lu-177 is assessed as
    // carrier-added, with the worst-case Lu-177m (`Lu177Route`).
    var route: Lu177Route?
    if let name = try table.string("route") {
      guard let known = Lu177Route(rawValue: name) else {
        throw table.error(
          "route", "unknown route '\(name)' (expected ca, carrier-added, or nca, no-carrier-added)")
      }
      route = known
    }
    return WastePackage(
      id: id, components: components, sealedAt: sealedAt, surfaceUSvHAtSeal: surface,
      lu177Route: route)
  }

  /// `nuclides = { "Lu-177" = 0.999, "Lu-177m" = 0.001 }`: shares of the surface dose rate.
  static func parseMixture(_ table: ConfigTable) throws(ConfigError) -> [WastePackage.Component] {
    guard
      let mixture = try table.subtable(
        "nuclides", expected: "a table of nuclide = fraction (e.g. { \"Lu-177\" = 1.0 })")
    else { return [] }
    let symbols = mixture.table.keys
    if symbols.isEmpty { throw mixture.error(nil, "must name at least one nuclide") }
    var components: [WastePackage.Component] = []
    var sum = 0.0
    for symbol in symbols {
      let nuclide = try nuclide(mixture, symbol, symbol: symbol)
      try mixture.require(
        !components.contains { $0.nuclide == nuclide }, symbol,
        "\(nuclide.symbol) is listed twice")
      let fraction = try mixture.requiredNumber(symbol)
      try mixture.require(
        fraction > 0 && fraction <= 1, symbol,
        "fraction must be greater than 0 and at most 1, found \(fmt(fraction))")
      components.append(.init(nuclide: nuclide, fraction: fraction))
      sum += fraction
    }
    if abs(sum - 1) > fractionSumTolerance {
      throw table.error(
        "nuclides",
        "fractions must sum to 1 (within 1e-6), found \(fmt(sum))")
    }
    return components
  }
}
