/// Built-in Geiger–Müller tube data, so a detector can say `tube = "SBM-20"` instead of copying
/// numbers. Every value names its source; a configured value always overrides the table.
///
/// Sensitivities are cpm per µSv/h of H*(10) for Cs-137 from the Rad Lab Monte Carlo
/// simulations (`Gissio/radlab`, `simulations/*/specs`), as used by the Rad Pro firmware
/// (`Gissio/radpro: docs/reference-manual.md`); transcribed in
/// `shared/reference/health-physics.md` §5.1. Dead times are datasheet maxima where one exists.
public struct TubeModel: Sendable, Hashable {
  public let name: String
  public let sensitivityCpmPerUSvH: Double
  public let calibrationNuclide: String
  /// Dead time in seconds, or nil where no source gives one (the detector must then configure it).
  public let deadTimeSeconds: Double?
  public let source: String
}

public enum TubeTable {
  public static let all: [TubeModel] = [
    TubeModel(
      name: "SBM-20", sensitivityCpmPerUSvH: 106.1, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 190e-6,
      source: "Rad Lab Monte Carlo (Gissio/radlab SBM20.md); dead time ≤190 µs at 400 V, datasheet"),
    TubeModel(
      name: "J305", sensitivityCpmPerUSvH: 135.2, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, source: "Rad Lab Monte Carlo (Gissio/radlab J305.md)"),
    TubeModel(
      name: "M4011", sensitivityCpmPerUSvH: 108.3, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, source: "Rad Lab Monte Carlo (Gissio/radlab M4011.md)"),
    TubeModel(
      name: "LND-7317", sensitivityCpmPerUSvH: 252.6, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 40e-6,
      source: "Rad Lab Monte Carlo (Gissio/radlab LND-7317.md); dead time ≤40 µs, LND datasheet"),
    TubeModel(
      name: "HH614", sensitivityCpmPerUSvH: 30.2, calibrationNuclide: "Cs-137",
      deadTimeSeconds: 350e-6,
      source: "Rad Lab Monte Carlo (Gissio/radlab HH614.md); dead time 350 µs measured by Rad Lab"),
    TubeModel(
      name: "SI-3BG", sensitivityCpmPerUSvH: 3.27, calibrationNuclide: "Cs-137",
      deadTimeSeconds: nil, source: "Rad Lab Monte Carlo (Gissio/radlab SI3BG.md)"),
  ]

  public static func lookup(_ name: String) -> TubeModel? {
    let key = name.uppercased().replacingOccurrences(of: " ", with: "-")
    return all.first { $0.name.uppercased() == key }
  }

  public static var names: [String] { all.map(\.name) }
}
