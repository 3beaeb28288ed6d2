import ConfigLines
import Foundation
import Testing

@testable import DoseDaemon

@Suite struct TOMLLineLocatorTests {
  @Test func mapsHeadersKeysAndNestedArraysOfTables() {
    let locator = TOMLLineLocator(
      source: """
        # comment [not a header]
        [daemon]  # trailing comment
        socket = "/x"  # a = b

        [[detector]]
        id = "a"
        list = [
          "x = 1",
          "[fake]",
        ]
        text = \"\"\"
        [also.fake]
        key = 2
        \"\"\"
        [[detector]]
        id = "b"
          [detector.simulated]
          "quoted key" = 1
          dotted.inner = 2
          [[detector.simulated.source]]
          nuclide = "Lu-177"
          [[detector.simulated.source]]
          nuclide = "I-131"
        [[ location ]]
        id = "r"
        """)
    #expect(locator.line(for: "daemon") == 2)
    #expect(locator.line(for: "daemon.socket") == 3)
    #expect(locator.line(for: "detector") == 5)
    #expect(locator.line(for: "detector[0]") == 5)
    #expect(locator.line(for: "detector[0].id") == 6)
    #expect(locator.line(for: "detector[0].list") == 7)
    #expect(locator.line(for: "detector[0].list[1]") == 7)
    #expect(locator.line(for: "detector[0].text") == 11)
    #expect(locator.lines["fake"] == nil)
    #expect(locator.lines["also.fake"] == nil)
    #expect(locator.lines["detector[0].key"] == nil)
    #expect(locator.line(for: "detector[1]") == 15)
    #expect(locator.line(for: "detector[1].id") == 16)
    #expect(locator.line(for: "detector[1].simulated") == 17)
    #expect(locator.line(for: "detector[1].simulated.quoted key") == 18)
    #expect(locator.line(for: "detector[1].simulated.dotted.inner") == 19)
    #expect(locator.line(for: "detector[1].simulated.source[0].nuclide") == 21)
    #expect(locator.line(for: "detector[1].simulated.source[1].nuclide") == 23)
    #expect(locator.line(for: "detector[1].simulated.source[1].missing") == 22)
    #expect(locator.line(for: "location[0].id") == 25)
    #expect(locator.line(for: "nothing.here") == nil)
  }

  @Test func toleratesByteOrderMarkAndCRLF() {
    let locator = TOMLLineLocator(source: "\u{FEFF}[daemon]\r\nsocket = \"/x\"\r\n")
    #expect(locator.line(for: "daemon") == 1)
    #expect(locator.line(for: "daemon.socket") == 2)
  }
}
