import DoseCore
import TOMLKit

/// `[detector.opengamma]`: an Open Gamma Detector's energy calibration and G(E) function,
/// required for driver "opengamma" only.
///
/// ```toml
/// [detector.opengamma]
/// energy_calibration = [0.0, 0.2, 0.0]        # keV = a0 + a1·ch + a2·ch²
/// g_function = [[50, 0.0002], [662, 0.004], [1500, 0.008]]  # keV, µSv/h per count/s
/// g_function_source = "Monte Carlo for this crystal, report 2025-07"
/// ```
extension ConfigLoader {
  static let openGammaKeys = ["energy_calibration", "g_function", "g_function_source"]

  /// Cs-137 line energy used to derive an equivalent count sensitivity from G(E).
  static let cs137KeV = 661.657

  static func parseOpenGamma(_ table: ConfigTable, driver: DriverKind) throws(ConfigError)
    -> SpectrumDoseModel?
  {
    guard let options = try table.subtable("opengamma") else {
      if driver == .opengamma {
        throw table.missing(
          "opengamma",
          "a [detector.opengamma] table with energy_calibration, g_function, g_function_source")
      }
      return nil
    }
    try table.require(
      driver == .opengamma, "opengamma",
      "[detector.opengamma] is only for driver \"opengamma\" (this detector uses "
        + "\"\(driver.rawValue)\")")
    try options.checkKeys(openGammaKeys)

    guard options.table["energy_calibration"] != nil else {
      throw options.missing("energy_calibration", "[a0, a1, a2]: keV = a0 + a1·ch + a2·ch²")
    }
    let coefficients = try parseEnergyCalibration(options) ?? []
    let (points, source) = try parseGFunction(options)
    return SpectrumDoseModel(
      energyCalibration: coefficients, gFunction: points, source: source)
  }

  /// `energy_calibration` of a `[detector.opengamma]` or `[detector.radiacode]` table, nil when
  /// absent.
  static func parseEnergyCalibration(_ options: ConfigTable) throws(ConfigError) -> [Double]? {
    guard let calibrationValues = options.table["energy_calibration"] else { return nil }
    guard let array = calibrationValues.array, let coefficients = numbers(array),
      !coefficients.isEmpty
    else {
      throw options.error(
        "energy_calibration", "must be a list of numbers [a0, a1, a2] (keV = Σ aₖ·channelᵏ)")
    }
    try options.require(
      coefficients.count >= 2 && coefficients.dropFirst().contains { $0 != 0 },
      "energy_calibration", "must have a non-zero coefficient beyond a0 (keV depends on channel)")
    return coefficients
  }

  /// `g_function` and `g_function_source` of a `[detector.opengamma]` or `[detector.radiacode]`
  /// table (both required).
  static func parseGFunction(_ options: ConfigTable) throws(ConfigError)
    -> (points: [SpectrumDoseModel.Point], source: String)
  {
    guard let gValues = options.table["g_function"] else {
      throw options.missing("g_function", "[[keV, µSv/h per count/s], …], at least 2 points")
    }
    guard let rows = gValues.array else {
      throw options.error("g_function", "must be a list of [keV, µSv/h per count/s] pairs")
    }
    var points: [SpectrumDoseModel.Point] = []
    for index in 0..<rows.count {
      guard let row = rows[index].array, let pair = numbers(row), pair.count == 2 else {
        throw options.error(
          "g_function", "point \(index + 1) must be a pair [keV, µSv/h per count/s]")
      }
      try options.require(
        pair[0] > 0 && pair[1] > 0, "g_function",
        "point \(index + 1) must have energy and value greater than 0, found "
          + "[\(fmt(pair[0])), \(fmt(pair[1]))]")
      if let previous = points.last {
        try options.require(
          pair[0] > previous.keV, "g_function",
          "energies must be strictly increasing, found \(fmt(pair[0])) keV after "
            + "\(fmt(previous.keV)) keV")
      }
      points.append(SpectrumDoseModel.Point(keV: pair[0], usvHPerCPS: pair[1]))
    }
    try options.require(
      points.count >= 2, "g_function", "needs at least 2 points, found \(points.count)")

    let source = try options.requiredString(
      "g_function_source", hint: "where the G(E) function comes from")
    try options.require(
      !source.trimmingCharacters(in: .whitespaces).isEmpty, "g_function_source",
      "must not be empty (say where the G(E) function comes from)")

    return (points, source)
  }

  /// Equivalent Cs-137 sensitivity 60 / G(662 keV), cpm per µSv/h: only for count-rate checks.
  static func openGammaSensitivity(_ model: SpectrumDoseModel) -> Double {
    model.equivalentSensitivityCpmPerUSvH(atKeV: cs137KeV)
  }

  static func openGammaCalibrationSource(_ model: SpectrumDoseModel) -> String {
    "equivalent Cs-137 sensitivity 60/G(662 keV) from the G(E) function (\(model.source)); "
      + "dose rate itself from the spectrum"
  }

  static func numbers(_ array: TOMLArray) -> [Double]? {
    var result: [Double] = []
    for index in 0..<array.count {
      let element = array[index]
      if let integer = element.int {
        result.append(Double(integer))
      } else if let number = element.double {
        result.append(number)
      } else {
        return nil
      }
    }
    return result
  }
}
