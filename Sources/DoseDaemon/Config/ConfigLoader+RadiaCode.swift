import DetectorDrivers
import DoseCore

/// `[detector.radiacode]`: an optional G(E) function for driver "radiacode". With it the
/// RadiaCode session reads the device's spectrum every `spectrum_interval_s` seconds and the core
/// computes dose from the interval spectra; without it, readings are count rates and dose comes
/// from the sensitivity.
///
/// ```toml
/// [detector.radiacode]
/// g_function = [[30, 0.0001], [662, 0.003], [3000, 0.01]]  # keV, µSv/h per count/s
/// g_function_source = "Monte Carlo for the RC-102 CsI(Tl) crystal, report 2026-03"
/// energy_calibration = [0.0, 2.95, 0.0]  # optional; else the device's own (spectrum header)
/// spectrum_interval_s = 10.0             # optional
/// ```
///
/// When `energy_calibration` is left out, the model is built with an empty calibration, which
/// `SpectrumDoseModel` reads as "the device's, per reading": the session attaches the spectrum
/// header's a₀, a₁, a₂ to each reading (`Reading.energyCalibration`). It travels with the
/// reading rather than being fixed at start-up because it belongs to the spectrum it came with.
extension ConfigLoader {
  static let radiaCodeKeys = [
    "g_function", "g_function_source", "energy_calibration", "spectrum_interval_s",
  ]

  /// A RadiaCode table's model and spectrum interval; nil when the table is absent.
  static func parseRadiaCode(_ table: ConfigTable, driver: DriverKind) throws(ConfigError)
    -> (model: SpectrumDoseModel, spectrumInterval: Double)?
  {
    guard let options = try table.subtable("radiacode") else { return nil }
    try table.require(
      driver == .radiacode, "radiacode",
      "[detector.radiacode] is only for driver \"radiacode\" (this detector uses "
        + "\"\(driver.rawValue)\")")
    try options.checkKeys(radiaCodeKeys)
    // g_function and its source go together: each is refused without the other.
    try options.require(
      options.has("g_function") || !options.has("g_function_source"), "g_function_source",
      "needs g_function (the G(E) function it is the source of)")
    try options.require(
      options.has("g_function"), "g_function",
      "is required in [detector.radiacode]: [[keV, µSv/h per count/s], …], at least 2 points, "
        + "with g_function_source")
    let calibration = try parseEnergyCalibration(options) ?? []
    let (points, source) = try parseGFunction(options)
    let interval =
      try options.number("spectrum_interval_s") ?? RadiaCodeSession.defaultSpectrumInterval
    try options.require(
      interval >= 1 && interval <= 3600, "spectrum_interval_s",
      "must be between 1 and 3600 s, found \(fmt(interval))")
    return (
      SpectrumDoseModel(energyCalibration: calibration, gFunction: points, source: source),
      interval
    )
  }
}
