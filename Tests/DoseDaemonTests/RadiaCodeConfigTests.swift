import DetectorDrivers
import Testing

@testable import DoseDaemon

/// Driver `radiacode`: a USB device found by identity, with no port and no baud.
struct RadiaCodeConfigTests {
  func config(_ detector: String) -> String {
    """
    [[detector]]
    id = "rc"
    sensitivity_cpm_per_usv_h = 3000.0
    driver = "radiacode"
    \(detector)

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["rc"]
    warn_usv_h = 5.0
    alarm_usv_h = 10.0
    """
  }

  func error(_ detector: String) -> ConfigError? { configError(config(detector), path: "t.toml") }

  @Test func needsNoPortAndDefaultsToTheRadiaCodeIDs() throws {
    let parsed = try ConfigLoader.parse(config(""), path: "t.toml")
    let detector = parsed.detectors[0]
    #expect(detector.driver == .radiacode)
    #expect(detector.link.port == nil)
    #expect(detector.link.match == DeviceMatch(vendorID: "0483", productID: "f123"))
    #expect(
      DetectorFactory.driver(for: detector, directory: DeviceDirectory()) is RadiaCodeDetector)
  }

  @Test func aMatchPicksOneOfSeveral() throws {
    let parsed = try ConfigLoader.parse(
      config("[detector.match]\nserial = \"RC-102-000123\""), path: "t.toml")
    #expect(
      parsed.detectors[0].link.match
        == DeviceMatch(vendorID: "0483", productID: "f123", serial: "RC-102-000123"))
  }

  @Test func portBaudAndIDPathAreRefused() {
    let port = error("port = \"/dev/ttyACM0\"")
    #expect(port?.keyPath == "detector[0].port")
    #expect(port?.message.contains("not a serial port") == true)
    #expect(error("baud = 115200")?.keyPath == "detector[0].baud")
    let idPath = error("[detector.match]\nid_path = \"pci-0000:00:14.0-usb-0:2:1.0\"")
    #expect(idPath?.keyPath == "detector[0].match")
    #expect(idPath?.message.contains("id_path") == true)
  }
}

/// `[detector.radiacode]`: G(E) dose from the device's spectra.
struct RadiaCodeSpectrumConfigTests {
  let base = RadiaCodeConfigTests()
  static let gFunction = """
    [detector.radiacode]
    g_function = [[30, 0.0001], [662, 0.003], [3000, 0.01]]
    g_function_source = "test Monte Carlo"
    """

  @Test func gFunctionWithoutCalibrationUsesTheDevices() throws {
    let parsed = try ConfigLoader.parse(base.config(Self.gFunction), path: "t.toml")
    let detector = parsed.detectors[0]
    let model = try #require(detector.spectrumModel)
    #expect(model.usesDeviceCalibration)
    #expect(model.gFunction.count == 3)
    #expect(model.source == "test Monte Carlo")
    #expect(detector.options.spectrumIntervalSeconds == 10)
    #expect(detector.readingIntervalSeconds == 10)
    // The RadiaCode's reported 5 µs (devices.md), never 0 (issue 15).
    #expect(detector.calibration.deadTimeSeconds == 5e-6)
    let driver = DetectorFactory.driver(for: detector, directory: DeviceDirectory())
    #expect((driver as? RadiaCodeDetector)?.spectrumInterval == 10)
  }

  @Test func configuredCalibrationAndInterval() throws {
    let parsed = try ConfigLoader.parse(
      base.config(
        Self.gFunction + "\nenergy_calibration = [0.0, 3.0]\nspectrum_interval_s = 30"),
      path: "t.toml")
    let detector = parsed.detectors[0]
    #expect(detector.spectrumModel?.energyCalibration == [0, 3])
    #expect(detector.options.spectrumIntervalSeconds == 30)
  }

  @Test func withoutTheTableReadingsAreCountRates() throws {
    let detector = try ConfigLoader.parse(base.config(""), path: "t.toml").detectors[0]
    #expect(detector.spectrumModel == nil)
    #expect(detector.options.spectrumIntervalSeconds == nil)
    let driver = DetectorFactory.driver(for: detector, directory: DeviceDirectory())
    #expect((driver as? RadiaCodeDetector)?.spectrumInterval == nil)
  }

  @Test func gFunctionAndSourceGoTogether() {
    let noSource = base.error(
      "[detector.radiacode]\ng_function = [[30, 0.0001], [662, 0.003]]")
    #expect(noSource?.keyPath == "detector[0].radiacode.g_function_source")
    let noFunction = base.error("[detector.radiacode]\ng_function_source = \"x\"")
    #expect(noFunction?.keyPath == "detector[0].radiacode.g_function_source")
    #expect(noFunction?.message.contains("needs g_function") == true)
    let empty = base.error("[detector.radiacode]")
    #expect(empty?.keyPath == "detector[0].radiacode.g_function")
  }

  @Test func badValuesAreRefused() {
    let flat = base.error(Self.gFunction + "\nenergy_calibration = [5.0, 0.0]")
    #expect(flat?.keyPath == "detector[0].radiacode.energy_calibration")
    let interval = base.error(Self.gFunction + "\nspectrum_interval_s = 0.1")
    #expect(interval?.keyPath == "detector[0].radiacode.spectrum_interval_s")
    let unknown = base.error(Self.gFunction + "\nspectrum = true")
    #expect(unknown?.keyPath.contains("spectrum") == true)
  }

  @Test func onlyForDriverRadiaCode() throws {
    let toml = """
      [[detector]]
      id = "gm"
      driver = "gmc"
      port = "/dev/ttyUSB0"
      sensitivity_cpm_per_usv_h = 150.0
      \(Self.gFunction)

      [[location]]
      id = "room"
      kind = "isolation_room"
      detectors = ["gm"]
      warn_usv_h = 5.0
      alarm_usv_h = 10.0
      """
    do {
      _ = try ConfigLoader.parse(toml, path: "t.toml")
      Issue.record("accepted [detector.radiacode] on a GMC")
    } catch {
      #expect(error.keyPath == "detector[0].radiacode")
    }
  }
}
