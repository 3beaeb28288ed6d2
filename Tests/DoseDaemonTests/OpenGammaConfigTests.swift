import DoseCore
import Testing

@testable import DoseDaemon

/// `driver = "opengamma"` and `[detector.opengamma]`.
struct OpenGammaConfigTests {
  func config(_ opengamma: String) -> String {
    """
    [[detector]]
    id = "og"
    driver = "opengamma"
    port = "/dev/ttyACM0"

    [detector.opengamma]
    \(opengamma)

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["og"]
    warn_usv_h = 5.0
    alarm_usv_h = 10.0
    """
  }

  let good = """
    energy_calibration = [0.0, 0.2, 0.0]
    g_function = [[50, 0.0002], [662, 0.004], [1500, 0.008]]
    g_function_source = "test G(E)"
    """

  func error(_ opengamma: String) -> ConfigError? { configError(config(opengamma), path: "t.toml") }

  @Test func loadsWithoutSensitivity() throws {
    let ward = try ConfigLoader.parse(config(good), path: "t.toml")
    let detector = try #require(ward.detectors.first)
    #expect(detector.driver == .opengamma)
    #expect(detector.link.baud == .fixed(2_000_000))
    let model = try #require(detector.spectrumModel)
    #expect(model.gFunction.count == 3)
    #expect(model.source == "test G(E)")
    // 60 / G(661.657 keV), G interpolated just below the 662 keV point.
    #expect(abs(detector.calibration.sensitivityCpmPerUSvH / (60 / 0.004) - 1) < 1e-3)
    #expect(detector.calibration.source.contains("G(E)"))
    #expect(detector.calibration.deadTimeSeconds == 10e-6)
  }

  @Test func missingGFunctionSourceIsRejected() {
    let text = good.replacingOccurrences(of: "g_function_source = \"test G(E)\"", with: "")
    #expect(error(text)?.message.contains("g_function_source") == true)
  }

  @Test func decreasingEnergiesAreRejected() {
    let text = good.replacingOccurrences(
      of: "[[50, 0.0002], [662, 0.004], [1500, 0.008]]", with: "[[662, 0.004], [50, 0.0002]]")
    #expect(error(text)?.message.contains("strictly increasing") == true)
  }

  @Test func singlePointAndNonPositiveValuesAreRejected() {
    let one = good.replacingOccurrences(
      of: "[[50, 0.0002], [662, 0.004], [1500, 0.008]]", with: "[[662, 0.004]]")
    #expect(error(one)?.message.contains("at least 2 points") == true)
    let zero = good.replacingOccurrences(of: "[50, 0.0002]", with: "[50, 0]")
    #expect(error(zero)?.message.contains("greater than 0") == true)
  }
}
