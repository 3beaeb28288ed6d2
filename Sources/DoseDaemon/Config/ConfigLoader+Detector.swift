import DetectorDrivers
import DoseCore
import Foundation

/// `[[detector]]`, `[detector.simulated]` and its sources and faults.
extension ConfigLoader {
  static let detectorKeys = [
    "id", "driver", "tube", "sensitivity_cpm_per_usv_h", "calibration_nuclide",
    "calibration_source", "calibration_date", "dead_time_s", "dead_time_model",
    "intrinsic_background_cps", "max_cps", "energy_response", "energy_response_source",
    "background", "reading_interval_s", "stale_after_s",
    "min_background_usv_h", "simulated", "port", "baud", "line", "match", "modbus", "opengamma",
    "radiacode",
  ]

  /// Calibration source recorded when the site gives a sensitivity without saying where from.
  static let unnamedCalibrationSource = "site configuration (no source given)"

  /// Dead times at or above this are surely a unit mistake (ms or µs written as s).
  static let maxDeadTimeSeconds = 0.01

  static func parseDetectors(_ document: ConfigTable) throws(ConfigError) -> [DetectorConfig] {
    let tables = try document.tableArray("detector")
    guard !tables.isEmpty else {
      throw document.error(
        "detector", "at least one [[detector]] is required (none is configured)")
    }
    var detectors: [DetectorConfig] = []
    var firstIndex: [String: Int] = [:]
    for (index, table) in tables.enumerated() {
      let detector = try parseDetector(table)
      if let first = firstIndex[detector.id] {
        throw table.error("id", "duplicate detector id '\(detector.id)' (also detector[\(first)])")
      }
      firstIndex[detector.id] = index
      detectors.append(detector)
    }
    return detectors
  }

  static func parseDetector(_ table: ConfigTable) throws(ConfigError) -> DetectorConfig {
    try table.checkKeys(detectorKeys)
    let id = try identifier(table)

    let knownDrivers = DriverKind.allCases.map(\.rawValue).joined(separator: ", ")
    let driverName = try table.requiredString("driver", hint: "known drivers: \(knownDrivers)")
    guard let driver = DriverKind(rawValue: driverName) else {
      throw table.error(
        "driver", "unknown driver '\(driverName)' (known drivers: \(knownDrivers))")
    }

    var tube: TubeModel?
    if let name = try table.string("tube") {
      guard let model = TubeTable.lookup(name) else {
        throw table.error(
          "tube", "unknown tube '\(name)' (known tubes: \(TubeTable.names.joined(separator: ", ")))"
        )
      }
      tube = model
    }

    // Scintillators with a G(E) function: the sensitivity is derived from it when not given.
    let radiaCode = try parseRadiaCode(table, driver: driver)
    let spectrumModel = try parseOpenGamma(table, driver: driver) ?? radiaCode?.model
    let calibration = try parseCalibration(
      table, tube: tube, spectrumModel: spectrumModel, driver: driver)
    var detector = DetectorConfig(id: id, driver: driver, calibration: calibration)
    detector.tube = tube?.name
    detector.spectrumModel = spectrumModel
    detector.options.spectrumIntervalSeconds = radiaCode?.spectrumInterval

    // A RadiaCode reading spectra delivers one reading per spectrum interval.
    detector.readingIntervalSeconds =
      radiaCode?.spectrumInterval ?? driver.defaultReadingInterval
    try parseSerial(table, into: &detector)
    try parseModbus(table, into: &detector)
    if let interval = try table.number("reading_interval_s") {
      try table.require(
        interval > 0, "reading_interval_s", "must be greater than 0, found \(fmt(interval))")
      detector.readingIntervalSeconds = interval
    }
    if let stale = try table.number("stale_after_s") {
      try table.require(
        stale > detector.readingIntervalSeconds, "stale_after_s",
        "must be greater than reading_interval_s (\(fmt(detector.readingIntervalSeconds)) s), "
          + "found \(fmt(stale))")
      detector.staleAfterSeconds = stale
    }
    if let background = try table.number("min_background_usv_h") {
      try table.require(
        background > 0, "min_background_usv_h",
        "must be greater than 0, found \(fmt(background))")
      detector.minBackgroundUSvH = background
    }

    if let simulated = try table.subtable("simulated") {
      try table.require(
        driver == .simulated, "simulated",
        "[detector.simulated] is only for driver \"simulated\" (this detector uses "
          + "\"\(driver.rawValue)\")")
      detector.options.simulated = try parseSimulatedOptions(simulated)
    }
    return detector
  }

  /// `port`, `baud` and `[detector.line]`.
  static func parseSerial(_ table: ConfigTable, into detector: inout DetectorConfig)
    throws(ConfigError)
  {
    let driver = detector.driver
    let port = try table.string("port")
    switch driver.facts.attachment {
    case .none:
      try table.require(port == nil, "port", "driver \"\(driver.rawValue)\" has no port")
      try table.require(
        !table.has("baud"), "baud", "driver \"\(driver.rawValue)\" has no baud rate")
    case .usb:
      try table.require(
        port == nil, "port",
        "driver \"\(driver.rawValue)\" is a USB device, not a serial port: leave out port (a "
          + "[detector.match] with serial or usb_port picks one of several)")
      try table.require(
        !table.has("baud"), "baud", "driver \"\(driver.rawValue)\" has no baud rate")
      // The one USB driver is the RadiaCode: vendor and product default to its 0483:f123.
      let match = try parseMatch(table) ?? DeviceMatch()
      do {
        _ = try RadiaCodeDetector.selector(for: match)
      } catch {
        throw table.error("match", error.description)
      }
      detector.link.match = DeviceMatch(
        vendorID: match.vendorID ?? "0483", productID: match.productID ?? "f123",
        serial: match.serial, usbPort: match.usbPort)
    case .serialPort:
      let match = try parseMatch(table)
      switch (port, match) {
      case (.some, .some):
        throw table.error("match", "give either port or [detector.match], not both")
      case (.none, .none):
        throw table.missing(
          "port", "the serial device of this \(driver.rawValue) counter, or a [detector.match]")
      case (.some(let port), .none):
        try table.require(
          port.hasPrefix("/"), "port",
          "must be an absolute path like /dev/ttyUSB0, found \"\(port)\"")
        detector.link.port = port
      case (.none, .some(let match)):
        detector.link.match = match
      }
      detector.link.baud = driver.defaultBaud
      if let text = table.table["baud"]?.string {
        let probing = DriverKind.allCases.filter(\.facts.probesBaud).map { "\"\($0.rawValue)\"" }
        try table.require(
          text == "auto" && driver.facts.probesBaud, "baud",
          driver.facts.probesBaud
            ? "must be a number or \"auto\", found \"\(text)\""
            : "\"auto\" is only for driver \(probing.joined(separator: ", ")); give a number, "
              + "e.g. 9600")
      } else if let baud = try table.integer("baud") {
        try table.require(
          SerialPort.supportedBauds.contains(baud), "baud",
          "unsupported baud rate \(baud) (supported: "
            + SerialPort.supportedBauds.map(String.init).joined(separator: ", ") + ")")
        detector.link.baud = .fixed(baud)
      }
    }
    if let line = try table.subtable("line") {
      try table.require(
        driver == .line, "line", "[detector.line] is only for driver \"line\"")
      try line.checkKeys(["pattern", "interval_s"])
      var options = LineOptions(pattern: try line.requiredString("pattern"))
      do {
        _ = try RegexLineParser(pattern: options.pattern)
      } catch {
        throw line.error("pattern", "\(error)")
      }
      if let interval = try line.number("interval_s") {
        try line.require(
          interval > 0, "interval_s", "must be greater than 0, found \(fmt(interval))")
        options.intervalSeconds = interval
      }
      detector.options.line = options
      if options.pattern.contains("<cpm>") {
        detector.readingIntervalSeconds = 60
      } else {
        detector.readingIntervalSeconds = options.intervalSeconds
      }
    } else if driver == .line {
      throw table.missing("line", "a [detector.line] table with a pattern")
    }
  }

  /// `[detector.match]`: USB identity instead of a fixed path.
  static func parseMatch(_ table: ConfigTable) throws(ConfigError) -> DeviceMatch? {
    guard let match = try table.subtable("match") else { return nil }
    let keys = ["vendor_id", "product_id", "serial", "usb_port", "id_path"]
    try match.checkKeys(keys)
    func hexID(_ key: String) throws(ConfigError) -> String? {
      guard let value = try match.string(key) else { return nil }
      let isHex = value.count == 4 && value.allSatisfy { $0.isHexDigit }
      try match.require(isHex, key, "must be 4 hex digits like \"1a86\", found \"\(value)\"")
      return value.lowercased()
    }
    let result = DeviceMatch(
      vendorID: try hexID("vendor_id"), productID: try hexID("product_id"),
      serial: try match.string("serial"), usbPort: try match.string("usb_port"),
      idPath: try match.string("id_path"))
    try match.require(
      result != DeviceMatch(), "vendor_id",
      "[detector.match] needs at least one of: \(keys.joined(separator: ", "))")
    if let known = KnownDevices.lookup(vendorID: result.vendorID, productID: result.productID),
      known.generic, !result.isSpecific
    {
      throw match.error(
        "serial",
        "\(result.vendorID ?? ""):\(result.productID ?? "") is a generic id (\(known.name)) shared "
          + "by many devices; add serial, usb_port or id_path so dosed never binds a stranger")
    }
    return result
  }

  /// Sensitivity, nuclide, source and dead time: configured values first, then the tube's.
  static func parseCalibration(
    _ table: ConfigTable, tube: TubeModel?, spectrumModel: SpectrumDoseModel? = nil,
    driver: DriverKind? = nil
  ) throws(ConfigError) -> Calibration {
    let key = "sensitivity_cpm_per_usv_h"
    let configured = try table.number(key)
    let derived = spectrumModel.map(openGammaSensitivity)
    guard let sensitivity = configured ?? tube?.sensitivityCpmPerUSvH ?? derived else {
      throw table.missing(
        key, "or name a tube: \(TubeTable.names.joined(separator: ", "))")
    }
    try table.require(sensitivity > 0, key, "must be greater than 0, found \(fmt(sensitivity))")

    let calibrationNuclide: String
    if let symbol = try table.string("calibration_nuclide") {
      calibrationNuclide = try nuclide(table, "calibration_nuclide", symbol: symbol).symbol
    } else {
      calibrationNuclide = tube?.calibrationNuclide ?? "Cs-137"
    }

    // The tube's source describes the tube's numbers; a sensitivity the site wrote itself is
    // not from that source, so it is recorded as the site's unless a source is given.
    let defaultSource =
      (configured == nil ? tube?.source ?? spectrumModel.map(openGammaCalibrationSource) : nil)
      ?? unnamedCalibrationSource
    let source = try table.string("calibration_source") ?? defaultSource
    try table.require(
      !source.trimmingCharacters(in: .whitespaces).isEmpty, "calibration_source",
      "must not be empty (say where the sensitivity comes from)")

    // Never 0 by default: with τ = 0 there is no correction, and the over-range (mτ ≥ 0.3)
    // and fold-back rules can never fire, so a saturated tube would read low.
    guard
      let deadTime = try table.number("dead_time_s") ?? tube?.deadTimeSeconds
        ?? driver?.facts.deadTimeSeconds
    else {
      throw table.missing("dead_time_s", deadTimeHint(tube: tube, driver: driver))
    }
    try table.require(
      deadTime >= 0 && deadTime < maxDeadTimeSeconds, "dead_time_s",
      "must be at least 0 and less than \(fmt(maxDeadTimeSeconds)) s (GM dead times are "
        + "tens to hundreds of µs, e.g. 0.00019), found \(fmt(deadTime))")

    var calibration = Calibration(
      sensitivityCpmPerUSvH: sensitivity, nuclide: calibrationNuclide, source: source,
      deadTimeSeconds: deadTime)
    if let name = try table.string("dead_time_model") {
      let models = DeadTimeModel.allCases.map(\.rawValue).joined(separator: ", ")
      guard let model = DeadTimeModel(rawValue: name) else {
        throw table.error(
          "dead_time_model", "unknown dead-time model '\(name)' (expected one of: \(models))")
      }
      calibration.deadTimeModel = model
    }
    calibration.calibratedOn = try table.day("calibration_date")
    if let intrinsic = try table.number("intrinsic_background_cps") {
      try table.require(
        intrinsic >= 0, "intrinsic_background_cps",
        "must be at least 0, found \(fmt(intrinsic))")
      calibration.intrinsicBackgroundCPS = intrinsic
    }
    calibration.maxObservedCPS = tube?.maxObservedCPS
    if let maximum = try table.number("max_cps") {
      try table.require(maximum > 0, "max_cps", "must be greater than 0, found \(fmt(maximum))")
      calibration.maxObservedCPS = maximum
    }
    calibration.background = try parseBackground(table)
    calibration.energyResponse = try parseEnergyResponse(
      table, tube: tube, calibrationNuclide: calibrationNuclide)
    if calibration.energyResponse != nil, calibration.background == nil {
      throw table.missing(
        "background",
        "energy_response corrects only the dose rate above background, so it needs the "
          + "detector's [detector.background] (counts and seconds measured in place)")
    }
    return calibration
  }

  /// What to write when `dead_time_s` is missing.
  static func deadTimeHint(tube: TubeModel?, driver: DriverKind?) -> String {
    let example = "the tube's datasheet or a two-source measurement, e.g. dead_time_s = 0.00019"
    if let tube {
      return "no published dead time for tube \(tube.name) is built in, and without one the "
        + "over-range and fold-back rules cannot work; give \(example)"
    }
    if let hint = driver?.facts.deadTimeHint {
      return "\(hint); give \(example)"
    }
    return "or name a tube with a built-in dead time ("
      + TubeTable.all.filter { $0.deadTimeSeconds != nil }.map(\.name).joined(separator: ", ")
      + "); give \(example)"
  }

  /// `[detector.background]`: counts over seconds measured in place with no source.
  static func parseBackground(_ table: ConfigTable) throws(ConfigError) -> BackgroundMeasurement? {
    guard let background = try table.subtable("background") else { return nil }
    try background.checkKeys(["counts", "seconds", "measured_at"])
    guard let counts = try background.integer("counts") else {
      throw background.missing("counts", "the counts registered during the background count")
    }
    try background.require(counts >= 0, "counts", "must be at least 0, found \(counts)")
    let seconds = try background.requiredNumber("seconds")
    try background.require(
      seconds > 0, "seconds", "must be greater than 0, found \(fmt(seconds))")
    return BackgroundMeasurement(
      counts: UInt64(counts), seconds: seconds, measuredAt: try background.day("measured_at"))
  }

  /// `energy_response = "tube"` (the tube table's published factors) or a table of
  /// nuclide = relative response.
  static func parseEnergyResponse(
    _ table: ConfigTable, tube: TubeModel?, calibrationNuclide: String
  ) throws(ConfigError) -> EnergyResponse? {
    guard table.has("energy_response") else {
      try table.require(
        !table.has("energy_response_source"), "energy_response_source",
        "there is no energy_response to describe")
      return nil
    }
    let key = "energy_response"
    if let text = table.table[key]?.string {
      guard text == "tube" else {
        throw table.error(
          key, "must be \"tube\" or a table like { \"Lu-177\" = 3.5 }, found \"\(text)\"")
      }
      guard let tube, !tube.energyResponse.isEmpty else {
        throw table.error(
          key,
          "\"tube\" needs a tube with published energy responses (tubes with them: "
            + TubeTable.all.filter { !$0.energyResponse.isEmpty }.map(\.name).joined(
              separator: ", ") + ")")
      }
      try table.require(
        calibrationNuclide == tube.calibrationNuclide, key,
        "the tube's energy responses are relative to \(tube.calibrationNuclide), but this "
          + "detector is calibrated for \(calibrationNuclide): give the factors as a table")
      return EnergyResponse(
        factors: tube.energyResponse,
        source: try table.string("energy_response_source") ?? TubeTable.energyResponseSource)
    }
    guard let factors = try table.subtable(key, expected: "\"tube\" or a table") else {
      return nil
    }
    var result: [String: Double] = [:]
    for symbol in factors.table.keys.sorted() {
      let nuclide = try nuclide(factors, symbol, symbol: symbol)
      let factor = try factors.requiredNumber(symbol)
      try factors.require(
        factor > 0 && factor.isFinite, symbol, "must be greater than 0, found \(fmt(factor))")
      result[nuclide.symbol] = factor
    }
    if result.isEmpty { throw factors.error(nil, "must name at least one nuclide") }
    guard let source = try table.string("energy_response_source") else {
      throw table.missing(
        "energy_response_source", "where the energy-response factors come from")
    }
    return EnergyResponse(factors: result, source: source)
  }

  // MARK: [detector.simulated]

  static func parseSimulatedOptions(
    _ table: ConfigTable
  ) throws(ConfigError) -> SimulatedDetectorOptions {
    try table.checkKeys(["seed", "background_usv_h", "source", "fault"])
    var options = SimulatedDetectorOptions()
    if let seed = try table.integer("seed") {
      try table.require(seed >= 0, "seed", "must be at least 0, found \(seed)")
      options.seed = UInt64(seed)
    }
    if let background = try table.number("background_usv_h") {
      try table.require(
        background >= 0, "background_usv_h", "must be at least 0, found \(fmt(background))")
      options.backgroundUSvH = background
    }
    for source in try table.tableArray("source") {
      options.sources.append(try parseSimulatedSource(source))
    }
    for fault in try table.tableArray("fault") {
      options.faults.append(try parseSimulatedFault(fault))
    }
    return options
  }

  static func parseSimulatedSource(
    _ table: ConfigTable
  ) throws(ConfigError) -> SimulatedSourceConfig {
    try table.checkKeys(["dose_rate_usv_h", "nuclide", "half_life_h", "start_h", "end_h"])
    let doseRate = try table.requiredNumber("dose_rate_usv_h")
    try table.require(
      doseRate > 0, "dose_rate_usv_h", "must be greater than 0, found \(fmt(doseRate))")
    var source = SimulatedSourceConfig(doseRateUSvH: doseRate)

    let nuclide = try optionalNuclide(table, "nuclide")
    let halfLifeHours = try table.number("half_life_h")
    switch (nuclide, halfLifeHours) {
    case (.some, .some):
      throw table.error("half_life_h", "give either nuclide or half_life_h, not both")
    case (.none, .none):
      throw table.missing("nuclide", "or give half_life_h")
    case (.some(let nuclide), .none):
      source.nuclide = nuclide.symbol
      source.halfLifeSeconds = nuclide.halfLifeSeconds
    case (.none, .some(let hours)):
      try table.require(hours > 0, "half_life_h", "must be greater than 0, found \(fmt(hours))")
      source.halfLifeSeconds = hours * Time.hour
    }

    if let start = try table.number("start_h") {
      try table.require(start >= 0, "start_h", "must be at least 0, found \(fmt(start))")
      source.startHours = start
    }
    if let end = try table.number("end_h") {
      try table.require(
        end > source.startHours, "end_h",
        "must be greater than start_h (\(fmt(source.startHours))), found \(fmt(end))")
      source.endHours = end
    }
    return source
  }

  static func parseSimulatedFault(
    _ table: ConfigTable
  ) throws(ConfigError) -> SimulatedFaultConfig {
    try table.checkKeys(["kind", "start_h", "duration_h"])
    let kinds = SimulatedFaultKind.allCases.map(\.rawValue).joined(separator: ", ")
    let name = try table.requiredString("kind", hint: "one of: \(kinds)")
    guard let kind = SimulatedFaultKind(rawValue: name) else {
      throw table.error("kind", "unknown fault kind '\(name)' (expected one of: \(kinds))")
    }
    let start = try table.requiredNumber("start_h")
    try table.require(start >= 0, "start_h", "must be at least 0, found \(fmt(start))")
    let duration = try table.number("duration_h")
    if let duration {
      try table.require(
        duration > 0, "duration_h", "must be greater than 0, found \(fmt(duration))")
    }
    return SimulatedFaultConfig(kind: kind, startHours: start, durationHours: duration)
  }

  static func fmt(_ number: Double) -> String { ConfigTable.format(number) }
}
