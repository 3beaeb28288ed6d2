import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

@Suite struct QuantitiesTests {
  @Test func activities() throws {
    #expect(try Quantities.activity("7.4GBq") == 7.4e9)
    #expect(try Quantities.activity("200 MBq") == 2e8)
    #expect(try Quantities.activity("10kBq") == 1e4)
    #expect(try Quantities.activity("5Bq") == 5)
    // 1 Ci = 3.7·10¹⁰ Bq by definition.
    #expect(try Quantities.activity("200mCi") == 7.4e9)
    #expect(throws: Quantities.Failure.self) { try Quantities.activity("7.4") }
    #expect(throws: Quantities.Failure.self) { try Quantities.activity("-1GBq") }
    #expect(throws: Quantities.Failure.self) { try Quantities.activity("GBq") }
  }

  @Test func doseRates() throws {
    #expect(try Quantities.doseRate("27uSv/h") == 27)
    #expect(try Quantities.doseRate("27µSv/h") == 27)
    #expect(try Quantities.doseRate("0.07mSv/h") == 70)
    #expect(try Quantities.doseRate("500nSv/h") == 0.5)
    #expect(throws: Quantities.Failure.self) { try Quantities.doseRate("27uGy/h") }
  }

  @Test func durationsAndTimes() throws {
    #expect(try Quantities.duration("24h") == 86_400)
    #expect(try Quantities.duration("30m") == 1800)
    #expect(try Quantities.duration("7d") == 604_800)
    #expect(try Quantities.duration("90s") == 90)
    #expect(throws: Quantities.Failure.self) { try Quantities.duration("1w") }
    let tenUTC = Date(timeIntervalSince1970: 1_795_773_600)
    #expect(try Quantities.time("2026-11-27T10:00:00Z") == tenUTC)
    #expect(try Quantities.time("2026-11-27T11:00:00+01:00") == tenUTC)
    #expect(throws: Quantities.Failure.self) { try Quantities.time("2026-11-27 10:00") }
    #expect(try Quantities.time("2026-11-27T11:00:00.250+01:00") == tenUTC + 0.25)
    #expect(try Quantities.time("2026-11-27T10:00:00.5Z") == tenUTC + 0.5)
    #expect(try Quantities.time("2026-11-27T05:30:00-04:30") == tenUTC)
    #expect(throws: Quantities.Failure.self) { try Quantities.time("2026-11-27T10:00:00") }
    #expect(throws: Quantities.Failure.self) { try Quantities.time("2026-11-27") }
    #expect(throws: Quantities.Failure.self) { try Quantities.time("yesterday") }
    // What the daemon writes into its event messages parses back.
    #expect(Engine.iso(tenUTC + 0.25) == "2026-11-27T10:00:00Z")
    #expect(try Quantities.time(Engine.iso(tenUTC)) == tenUTC)
  }

  @Test func massesAndNuclideActivities() throws {
    #expect(try Quantities.mass("1kg") == 1000)
    #expect(try Quantities.mass("250 g") == 250)
    #expect(throws: Quantities.Failure.self) { try Quantities.mass("1lb") }
    let pair = try Quantities.nuclideActivity("Lu-177m=10kBq")
    #expect(pair.nuclide == "Lu-177m" && pair.bq == 1e4)
    #expect(throws: Quantities.Failure.self) { try Quantities.nuclideActivity("Lu-177") }
    #expect(throws: Quantities.Failure.self) { try Quantities.nuclideActivity("=5MBq") }
  }
}
