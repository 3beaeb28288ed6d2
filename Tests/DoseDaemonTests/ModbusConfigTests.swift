import DetectorDrivers
import Testing

@testable import DoseDaemon

/// `driver = "modbus"` and `[detector.modbus]`.
struct ModbusConfigTests {
  /// A ward with one detector whose `[[detector]]` body is `detector`; its
  /// `[detector.modbus]` table starts on line 7 when `detector` is two lines.
  func config(_ detector: String, modbus: String? = nil) -> String {
    """
    [[detector]]
    id = "d"
    tube = "SBM-20"
    \(detector)
    \(modbus.map { "\n[detector.modbus]\n" + $0 } ?? "")

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["d"]
    warn_usv_h = 5.0
    alarm_usv_h = 10.0
    """
  }

  let probe = "driver = \"modbus\"\nport = \"/dev/ttyUSB0\""

  func error(_ modbus: String?, detector: String? = nil) -> ConfigError? {
    configError(config(detector ?? probe, modbus: modbus), path: "t.toml")
  }

  @Test func exampleProbeLoads() throws {
    // A probe at address 7 keeping its pulse total in input registers 16-17, low word first.
    let ward = try ConfigLoader.parse(
      config(
        probe,
        modbus: """
          slave = 7
          function = 4
          register = 16
          type = "u32"
          word_order = "little"
          quantity = "counts"
          poll_interval_s = 2
          timeout_s = 0.25
          """), path: "t.toml")
    let detector = ward.detectors[0]
    #expect(detector.driver == .modbus)
    #expect(detector.link.baud == .fixed(9600))
    #expect(detector.readingIntervalSeconds == 2)
    var expected = ModbusOptions(slave: 7, register: 16, quantity: .counts)
    expected.function = .readInputRegisters
    expected.dataType = .u32
    expected.wordOrder = .little
    expected.pollIntervalSeconds = 2
    expected.responseTimeoutSeconds = 0.25
    #expect(detector.options.modbus == expected)
  }

  @Test func rateRegisterWithDefaults() throws {
    let ward = try ConfigLoader.parse(
      config(probe, modbus: "slave = 1\nregister = 0\nquantity = \"cpm\"\nscale = 0.1"),
      path: "t.toml")
    var expected = ModbusOptions(slave: 1, register: 0, quantity: .cpm)
    expected.scale = 0.1
    #expect(ward.detectors[0].options.modbus == expected)
    #expect(ward.detectors[0].readingIntervalSeconds == 1)
  }

  @Test func tableIsRequiredForModbusAndRefusedElsewhere() {
    let missing = error(nil)
    #expect(missing?.keyPath == "detector[0].modbus")
    #expect(missing?.message.contains("missing required key 'modbus'") == true)
    let elsewhere = error(
      "slave = 1\nregister = 0\nquantity = \"counts\"",
      detector: "driver = \"gc10\"\nport = \"/dev/ttyUSB0\"")
    #expect(elsewhere?.keyPath == "detector[0].modbus")
    #expect(elsewhere?.message.contains("only for driver \"modbus\"") == true)
  }

  @Test(arguments: [
    ("slave = 0\nregister = 0\nquantity = \"counts\"", "slave", 8, "from 1 to 247"),
    ("register = 0\nquantity = \"counts\"", "slave", 7, "missing required key 'slave'"),
    ("slave = 1\nregister = 0\nquantity = \"dose\"", "quantity", 10, "\"counts\", \"cps\""),
    ("slave = 1\nregister = 0\nquantity = \"counts\"\nfunction = 6", "function", 11, "3 (read"),
    (
      "slave = 1\nregister = 65535\nquantity = \"counts\"\ntype = \"u32\"", "register", 9,
      "from 0 to 65534"
    ),
    ("slave = 1\nregister = 0\nquantity = \"counts\"\ntype = \"f64\"", "type", 11, "\"f32\""),
    ("slave = 1\nregister = 0\nquantity = \"counts\"\ntype = \"f32\"", "type", 11, "\"u16\" or"),
    (
      "slave = 1\nregister = 0\nquantity = \"cps\"\nword_order = \"big\"", "word_order", 11,
      "32-bit"
    ),
    ("slave = 1\nregister = 0\nquantity = \"counts\"\nscale = 10", "scale", 11, "rate registers"),
    ("slave = 1\nregister = 0\nquantity = \"cps\"\nscale = -1", "scale", 11, "greater than 0"),
    (
      "slave = 1\nregister = 0\nquantity = \"cps\"\npoll_interval_s = 0.05", "poll_interval_s", 11,
      "at least 0.1"
    ),
    (
      "slave = 1\nregister = 0\nquantity = \"cps\"\npoll_interval_s = 0.3", "poll_interval_s", 11,
      "greater than timeout_s (0.5 s by default"
    ),
    (
      "slave = 1\nregister = 0\nquantity = \"cps\"\ntimeout_s = 1", "timeout_s", 11,
      "less than poll_interval_s (1 s)"
    ),
    ("slave = 1\nregister = 0\nquantity = \"cps\"\nbaud = 9600", "baud", 11, "unknown key 'baud'"),
  ])
  func invalidKeysSayWhatIsWrong(modbus: String, key: String, line: Int, fragment: String) {
    let failure = error(modbus)
    #expect(failure?.keyPath == "detector[0].modbus.\(key)", "\(String(describing: failure))")
    #expect(failure?.line == line, "\(String(describing: failure))")
    #expect(failure?.message.contains(fragment) == true, "\(String(describing: failure))")
  }
}
