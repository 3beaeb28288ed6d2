import DoseCore

/// Where a configuration asks for alarm levels below what the false-alarm budget has been shown
/// to hold for. The alarm's statistics are guaranteed for one expected
/// count per reading at half the threshold (docs/measurement.md §3); below that only the
/// simulation backs the budget, and `dosebench` covers it down to its corner row: SI-3BG
/// (3.27 cpm per µSv/h) at 0.25 µSv/h, 0.82 cpm at the threshold, ≤ 1 false alarm per
/// detector-year. A level that gives its detector fewer counts than that is allowed (a site may
/// need it) but said, with the figure, at start, at reload and by `--check-config`.
extension DaemonConfig {
  /// Counts per minute at the threshold down to which `dosebench` verified the budget: the
  /// detect_step corner row (SI-3BG, 3.27 cpm per µSv/h, at 0.25 µSv/h).
  public static let verifiedThresholdCPM = 3.27 * 0.25

  /// One line per location and detector whose lowest alarm level lies below the verified range.
  public var alarmBudgetWarnings: [String] {
    let calibrations = Dictionary(
      detectors.map { ($0.id, $0.calibration) }, uniquingKeysWith: { first, _ in first })
    var warnings: [String] = []
    for location in locations {
      let level = Swift.min(location.warnUSvH, location.alarmUSvH)
      for id in location.detectors {
        guard let calibration = calibrations[id] else { continue }
        let cpm = level * calibration.sensitivityCpmPerUSvH
        guard cpm < Self.verifiedThresholdCPM else { continue }
        warnings.append(
          "location \(location.id): its lowest level \(ConfigLoader.fmt(level)) µSv/h gives "
            + "detector \(id) (\(ConfigLoader.fmt(calibration.sensitivityCpmPerUSvH)) cpm per "
            + "µSv/h) \(ConfigLoader.fmt(cpm)) cpm at the threshold, below the "
            + "\(ConfigLoader.fmt(Self.verifiedThresholdCPM)) cpm down to which ≤ 1 false alarm "
            + "per detector-year was verified (dosebench detect_step, SI-3BG at 0.25 µSv/h): "
            + "false alarms may be more frequent; a more sensitive detector or a higher level "
            + "keeps the budget")
      }
    }
    return warnings
  }
}
