/// Ward files for the benches that start a real `dosed`.
public enum BenchWard {
  /// `count` simulated SBM-20 detectors `d0…`, as TOML (the socket benches, the soak, and the
  /// fault-injection tests through DosedProcess). Backgrounds default to 0.1, 1.1, 2.1 … µSv/h;
  /// `extra` adds lines to a detector's `[detector.simulated]` table (a source, say).
  public static func simulatedDetectors(
    _ count: Int, background: (Int) -> Double = { 0.1 + Double($0) },
    extra: (Int) -> String = { _ in "" }
  ) -> String {
    var text = ""
    for index in 0..<count {
      text += """
        [[detector]]
        id = "d\(index)"
        driver = "simulated"
        tube = "SBM-20"
          [detector.simulated]
          background_usv_h = \(background(index))
        \(extra(index))

        """
    }
    return text
  }

  /// Isolation rooms `l0`, `l1` … each watched by its own SBM-20 `d0`, `d1` … at 0.1 µSv/h,
  /// into which a source that does not decay (T½ 10⁶ h) of 4.9 µSv/h is switched on at
  /// `stepSeconds(index)` seconds after dosed's start: 0.1 → 5 µSv/h across a 2.5 µSv/h alarm
  /// level (warn 2.0).
  public static func steppingRooms(
    _ count: Int, seedBase: Int, stepSeconds: (Int) -> Double
  ) -> String {
    let source: (Int) -> String = { index in
      """
        seed = \(seedBase + index)
        [[detector.simulated.source]]
        dose_rate_usv_h = 4.9
        half_life_h = 1.0e6
        start_h = \(stepSeconds(index) / 3600)
      """
    }
    var text = simulatedDetectors(count, background: { _ in 0.1 }, extra: source)
    for index in 0..<count {
      text += """
        [[location]]
        id = "l\(index)"
        kind = "isolation_room"
        detectors = ["d\(index)"]
        warn_usv_h = 2.0
        alarm_usv_h = 2.5
        state = "clear"

        """
    }
    return text
  }
}
