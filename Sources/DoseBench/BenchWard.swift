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
}
