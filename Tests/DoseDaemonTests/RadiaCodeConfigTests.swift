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

  func error(_ detector: String) -> ConfigError? {
    do {
      _ = try ConfigLoader.parse(config(detector), path: "t.toml")
      return nil
    } catch {
      return error
    }
  }

  @Test func needsNoPortAndDefaultsToTheRadiaCodeIDs() throws {
    let parsed = try ConfigLoader.parse(config(""), path: "t.toml")
    let detector = parsed.detectors[0]
    #expect(detector.driver == .radiacode)
    #expect(detector.port == nil)
    #expect(detector.match == DeviceMatch(vendorID: "0483", productID: "f123"))
    #expect(
      DetectorFactory.driver(for: detector, directory: DeviceDirectory()) is RadiaCodeDetector)
  }

  @Test func aMatchPicksOneOfSeveral() throws {
    let parsed = try ConfigLoader.parse(
      config("[detector.match]\nserial = \"RC-102-000123\""), path: "t.toml")
    #expect(
      parsed.detectors[0].match
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
