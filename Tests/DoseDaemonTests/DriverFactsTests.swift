import DetectorDrivers
import DeviceEmulators
import DoseCore
import Foundation
import Testing

@testable import DoseDaemon

/// Each driver's facts live with its code (`DriverFacts`); the configuration defaults, the
/// factory and the documents must agree with them.
@Suite struct DriverFactsTests {
  /// The defaults a configuration gets, pinned: a site's `dosed.toml` without `baud` or
  /// `reading_interval_s` must keep meaning what it meant.
  @Test func configurationDefaultsAreTheDriversOwn() {
    let expected: [(DriverKind, BaudSetting, Double, Double?)] = [
      (.simulated, .fixed(0), 1, nil),
      (.gmc, .auto([115200, 57600]), 1, nil),
      (.radpro, .fixed(115200), 1, nil),
      (.mightyohm, .fixed(9600), 1, nil),
      (.gc10, .fixed(9600), 60, nil),
      (.bgeigie, .fixed(9600), 5, nil),
      (.line, .fixed(9600), 1, nil),
      (.modbus, .fixed(9600), 1, nil),
      (.opengamma, .fixed(2_000_000), 1, 10e-6),
      (.radiacode, .fixed(0), 1, 5e-6),
    ]
    #expect(DriverKind.allCases == expected.map(\.0))
    for (driver, baud, interval, deadTime) in expected {
      #expect(driver.defaultBaud == baud, "\(driver.rawValue)")
      #expect(driver.defaultReadingInterval == interval, "\(driver.rawValue)")
      #expect(driver.facts.deadTimeSeconds == deadTime, "\(driver.rawValue)")
    }
  }

  @Test func namesRoundTrip() {
    for driver in DriverKind.allCases {
      #expect(DriverKind(rawValue: driver.rawValue) == driver)
    }
    #expect(DriverKind(rawValue: "geiger-o-matic") == nil)
  }

  /// Every driver in the catalog can be built: a serial one from its own session or a case of
  /// the factory, the others by their case.
  @Test func everyDriverIsBuilt() {
    for driver in DriverKind.allCases {
      var config = DetectorConfig(
        id: "d", driver: driver,
        calibration: Calibration(
          sensitivityCpmPerUSvH: 100, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0))
      config.link.baud = driver.defaultBaud
      if driver.facts.attachment == .serialPort { config.link.port = "/dev/null" }
      config.options.line = LineOptions(pattern: "(?<counts>\\d+)")
      config.options.modbus = ModbusOptions(slave: 1, register: 0, quantity: .counts)
      let built = DetectorFactory.driver(for: config, directory: DeviceDirectory())
      #expect(built.id == "d")
      switch driver.facts.attachment {
      case .serialPort:
        #expect((built as? SerialDetector)?.bauds == driver.facts.bauds, "\(driver.rawValue)")
      case .usb: #expect(built is RadiaCodeDetector, "\(driver.rawValue)")
      case .none: #expect(built is SimulatedDetector, "\(driver.rawValue)")
      }
    }
  }

  /// A serial driver comes with an emulator speaking its wire protocol (tests, `dose-emulate`);
  /// `line` is whatever format a site describes, so it has none.
  @Test func everySerialDriverHasAnEmulator() {
    for driver in DriverKind.allCases where driver.facts.attachment == .serialPort {
      guard driver != .line else { continue }
      #expect(EmulatorCatalog.protocols.contains(driver.rawValue), "\(driver.rawValue)")
    }
  }

  /// `dosectl devices` and the udev rule name a device's likely driver: it must be one dosed has.
  @Test func knownDevicesNameDriversInTheCatalog() {
    for device in KnownDevices.all {
      guard let name = device.driver else { continue }
      #expect(DriverKind(rawValue: name) != nil, "\(device.name): \(name)")
    }
  }

  /// The README's driver table and the sample configuration's list of drivers name every
  /// driver, and the README gives each serial driver's default baud.
  @Test func theDocumentsNameEveryDriver() throws {
    let readme = try Self.repositoryFile("README.md")
    let sample = try Self.repositoryFile("config/dosed.toml")
    for driver in DriverKind.allCases where driver != .simulated {
      let row = readme.split(separator: "\n").first { $0.hasPrefix("| `\(driver.rawValue)` |") }
      #expect(row != nil, "README.md has no row for driver \(driver.rawValue)")
      let bauds = driver.facts.bauds
      if let row, let baud = bauds.first {
        #expect(row.contains(String(baud)), "README.md: \(driver.rawValue) baud \(baud)")
      }
      #expect(sample.contains("\"\(driver.rawValue)\""), "config/dosed.toml: \(driver.rawValue)")
    }
  }

  static func repositoryFile(_ path: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent(path)
    return try String(contentsOf: url, encoding: .utf8)
  }
}
