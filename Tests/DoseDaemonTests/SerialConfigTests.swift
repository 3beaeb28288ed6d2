import DetectorDrivers
import Testing

@testable import DoseDaemon

/// `port`, `baud` and `[detector.line]`.
struct SerialConfigTests {
  func config(_ detector: String) -> String {
    """
    [[detector]]
    id = "d"
    tube = "SBM-20"
    \(detector)

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["d"]
    warn_usv_h = 5.0
    alarm_usv_h = 10.0
    """
  }

  func error(_ detector: String) -> ConfigError? { configError(config(detector), path: "t.toml") }

  @Test func serialDriversTakeTheirDefaultBaud() throws {
    let kit = try ConfigLoader.parse(
      config("driver = \"mightyohm\"\nport = \"/dev/ttyUSB0\""), path: "t.toml")
    #expect(kit.detectors[0].link.port == "/dev/ttyUSB0")
    #expect(kit.detectors[0].link.baud == .fixed(9600))
    let gmc = try ConfigLoader.parse(
      config("driver = \"gmc\"\nport = \"/dev/ttyUSB0\"\nbaud = \"auto\""), path: "t.toml")
    #expect(gmc.detectors[0].link.baud == .auto([115200, 57600]))
    let gc10 = try ConfigLoader.parse(
      config("driver = \"gc10\"\nport = \"/dev/ttyUSB1\"\nbaud = 115200"), path: "t.toml")
    #expect(gc10.detectors[0].link.baud == .fixed(115200))
    // GC10 CPM values are sampled once a minute, so readings are a minute apart.
    #expect(gc10.detectors[0].readingIntervalSeconds == 60)
  }

  @Test func serialDriverNeedsAPort() {
    let failure = error("driver = \"mightyohm\"")
    #expect(failure?.keyPath == "detector[0].port")
    #expect(failure?.message.contains("missing required key 'port'") == true)
  }

  @Test func relativePortAndBadBaudAreRefused() {
    #expect(error("driver = \"gc10\"\nport = \"ttyUSB0\"")?.keyPath == "detector[0].port")
    let baud = error("driver = \"gc10\"\nport = \"/dev/ttyUSB0\"\nbaud = 12345")
    #expect(baud?.keyPath == "detector[0].baud")
    #expect(baud?.line == 6)
    #expect(baud?.message.contains("unsupported baud rate 12345") == true)
    let auto = error("driver = \"gc10\"\nport = \"/dev/ttyUSB0\"\nbaud = \"auto\"")
    #expect(auto?.message.contains("only for driver \"gmc\"") == true)
  }

  @Test func matchFindsTheDeviceByIdentity() throws {
    let config = try ConfigLoader.parse(
      config(
        """
        driver = "radpro"
          [detector.match]
          vendor_id = "0483"
          product_id = "5740"
          serial = "RP-1"
        """), path: "t.toml")
    #expect(config.detectors[0].link.port == nil)
    #expect(
      config.detectors[0].link.match
        == DeviceMatch(vendorID: "0483", productID: "5740", serial: "RP-1"))
  }

  @Test func matchErrorsAreSpecific() {
    let both = error(
      """
      driver = "radpro"
      port = "/dev/ttyACM0"
        [detector.match]
        serial = "RP-1"
      """)
    #expect(both?.keyPath == "detector[0].match")
    let generic = error(
      """
      driver = "gmc"
        [detector.match]
        vendor_id = "1a86"
        product_id = "7523"
      """)
    #expect(generic?.keyPath == "detector[0].match.serial")
    #expect(generic?.message.contains("generic id") == true)
    let badHex = error(
      """
      driver = "gmc"
        [detector.match]
        vendor_id = "1a8"
        usb_port = "1-2"
      """)
    #expect(badHex?.keyPath == "detector[0].match.vendor_id")
    #expect(badHex?.line == 6)
    let neither = error("driver = \"gmc\"")
    #expect(neither?.message.contains("or a [detector.match]") == true)
  }

  @Test func simulatedHasNoPort() {
    #expect(error("driver = \"simulated\"\nport = \"/dev/ttyUSB0\"")?.keyPath == "detector[0].port")
  }

  @Test func lineProfileNeedsAValidPatternWithANamedGroup() throws {
    let good = try ConfigLoader.parse(
      config(
        """
        driver = "line"
        port = "/dev/ttyACM0"
          [detector.line]
          pattern = 'counts=(?<counts>\\d+)'
          interval_s = 2.0
        """), path: "t.toml")
    #expect(good.detectors[0].options.line?.intervalSeconds == 2)
    #expect(good.detectors[0].readingIntervalSeconds == 2)
    let noGroup = error(
      """
      driver = "line"
      port = "/dev/ttyACM0"
        [detector.line]
        pattern = '(\\d+)'
      """)
    #expect(noGroup?.keyPath == "detector[0].line.pattern")
    #expect(noGroup?.message.contains("named group") == true)
    #expect(
      error("driver = \"line\"\nport = \"/dev/ttyACM0\"")?.keyPath == "detector[0].line")
    let wrongDriver = error(
      """
      driver = "gc10"
      port = "/dev/ttyACM0"
        [detector.line]
        pattern = '(?<cpm>\\d+)'
      """)
    #expect(wrongDriver?.keyPath == "detector[0].line")
  }
}
