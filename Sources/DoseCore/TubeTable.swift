/// Built-in Geiger–Müller tube data, so a detector can say `tube = "SBM-20"` instead of copying
/// numbers. Every value names its source; a configured value always overrides the table.
///
/// Sensitivities are cpm per µSv/h of H*(10) for Cs-137 from the Rad Lab Monte Carlo
/// simulations (`Gissio/radlab`, `simulations/*/specs`), as used by the Rad Pro firmware
/// (`Gissio/radpro: docs/reference-manual.md`); transcribed in
/// `shared/reference/health-physics.md` §5.1. Dead times and maximum rates are datasheet
/// figures where one exists; energy responses are §5.3 (Rad Pro "Compensation Factors by Tube
/// and Source", simulated). Where a value has no source the field is nil and the detector must
/// configure it.
///
/// Dead time: J305, M4011, SBM-19, SI-29BG and SI-3BG have none here. Their specifications as
/// transcribed by Rad Lab (`Gissio/radlab: simulations/{j305,m4011,si3bg}/specs/*.md`, from
/// schmoozie.co.uk) give no dead time, and health-physics.md §5.1 lists SBM-19 and SI-29BG as
/// gaps (§9 item 7); no public datasheet with a figure was found. The configuration
/// loader therefore refuses a detector of these tubes without `dead_time_s` (never 0: with
/// τ = 0 the over-range and fold-back rules cannot fire).
public struct TubeModel: Sendable, Hashable {
  public let name: String
  public let sensitivityCpmPerUSvH: Double
  /// Nuclide of the sensitivity; "unstated" where the only source does not say.
  public let calibrationNuclide: String
  /// Dead time in seconds, or nil where no source gives one (the detector must then configure
  /// it: the loader refuses it otherwise).
  public let deadTimeSeconds: Double?
  /// Datasheet maximum count rate, cps.
  public let maxObservedCPS: Double?
  /// Published response relative to the calibration nuclide; applied only when a detector
  /// asks for it (`energy_response = "tube"`) and a location declares its nuclide.
  public let energyResponse: [String: Double]
  public let source: String
}

public enum TubeTable {
  /// Where `TubeModel.energyResponse` comes from, with its known limits.
  public static let energyResponseSource =
    "Rad Pro reference manual, compensation factors by tube and source (Rad Lab simulation, "
    + "relative to Cs-137); Lu-177 omits the Hf X-rays, so its over-response is probably "
    + "underestimated (health-physics.md §5.3)"

  public static let all: [TubeModel] = [
    TubeModel(
      name: "SBM-20", sensitivityCpmPerUSvH: 106.1, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 190e-6, maxObservedCPS: 10_000,
      energyResponse: ["Lu-177": 1.424, "I-131": 0.918, "Co-60": 0.791],
      source: "Rad Lab Monte Carlo (Gissio/radlab SBM20.md); dead time ≤190 µs at 400 V, "
        + "max 10 kcps, datasheet"),
    TubeModel(
      name: "SBM-19", sensitivityCpmPerUSvH: 666.7, calibrationNuclide: "unstated",
      deadTimeSeconds: nil, maxObservedCPS: nil, energyResponse: [:],
      source: "uRADMonitor factor 0.0015 µSv/h per cpm (radhoo/uradmonitor_kit1 detectors.cpp); "
        + "nuclide not stated, prefer a calibration certificate"),
    TubeModel(
      name: "SI-29BG", sensitivityCpmPerUSvH: 100, calibrationNuclide: "unstated",
      deadTimeSeconds: nil, maxObservedCPS: nil, energyResponse: [:],
      source: "uRADMonitor factor 0.0100 µSv/h per cpm (radhoo/uradmonitor_kit1 detectors.cpp); "
        + "nuclide not stated, prefer a calibration certificate"),
    TubeModel(
      name: "J305", sensitivityCpmPerUSvH: 135.2, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, maxObservedCPS: nil,
      energyResponse: ["Lu-177": 3.487, "I-131": 0.990, "Co-60": 1.114],
      source: "Rad Lab Monte Carlo (Gissio/radlab J305.md)"),
    TubeModel(
      name: "M4011", sensitivityCpmPerUSvH: 108.3, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, maxObservedCPS: nil,
      energyResponse: ["Lu-177": 3.516, "I-131": 0.998, "Co-60": 1.119],
      source: "Rad Lab Monte Carlo (Gissio/radlab M4011.md)"),
    TubeModel(
      name: "LND-7317", sensitivityCpmPerUSvH: 252.6, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 40e-6, maxObservedCPS: nil,
      energyResponse: ["Lu-177": 1.443, "I-131": 0.943, "Co-60": 0.998],
      source: "Rad Lab Monte Carlo (Gissio/radlab LND-7317.md); dead time ≤40 µs, LND datasheet"),
    TubeModel(
      name: "HH614", sensitivityCpmPerUSvH: 30.2, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 350e-6, maxObservedCPS: nil,
      energyResponse: ["Lu-177": 1.109, "I-131": 0.761, "Co-60": 1.371],
      source: "Rad Lab Monte Carlo (Gissio/radlab HH614.md); dead time 350 µs measured by Rad Lab"),
    TubeModel(
      name: "SI-3BG", sensitivityCpmPerUSvH: 3.27, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, maxObservedCPS: nil,
      energyResponse: ["Lu-177": 1.104, "I-131": 0.762, "Co-60": 1.397],
      source: "Rad Lab Monte Carlo (Gissio/radlab SI3BG.md)"),
  ]

  public static func lookup(_ name: String) -> TubeModel? {
    let key = name.uppercased().replacingOccurrences(of: " ", with: "-")
    return all.first { $0.name.uppercased() == key }
  }

  public static var names: [String] { all.map(\.name) }
}
