/// Ward files for the benches that start a real `dosed`.
public enum BenchWard {
  /// `count` simulated SBM-20 detectors `d0…` with backgrounds 0.1, 1.1, 2.1 … µSv/h, as TOML
  /// (the socket benches, and the fault-injection tests through DosedProcess).
  public static func simulatedDetectors(_ count: Int) -> String {
    var text = ""
    for index in 0..<count {
      text += """
        [[detector]]
        id = "d\(index)"
        driver = "simulated"
        tube = "SBM-20"
          [detector.simulated]
          background_usv_h = \(0.1 + Double(index))


        """
    }
    return text
  }
}
