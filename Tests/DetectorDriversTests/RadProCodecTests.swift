import Testing

@testable import DetectorDrivers

/// Requests and replies from Rad Pro docs/comm.md (devices.md §2.3).
struct RadProCodecTests {
  @Test func requestsAreGETLinesWithCRLF() {
    #expect(RadProCodec.request(RadProCodec.deviceID) == Array("GET deviceId\r\n".utf8))
    #expect(
      RadProCodec.request(RadProCodec.tubePulseCount) == [
        0x47, 0x45, 0x54, 0x20, 0x74, 0x75, 0x62, 0x65, 0x50, 0x75, 0x6C, 0x73, 0x65, 0x43,
        0x6F, 0x75, 0x6E, 0x74, 0x0D, 0x0A,
      ])
    #expect(RadProCodec.request(RadProCodec.tubeRate) == Array("GET tubeRate\r\n".utf8))
    #expect(
      RadProCodec.request(RadProCodec.tubeSensitivity) == Array("GET tubeSensitivity\r\n".utf8))
    #expect(
      RadProCodec.request(RadProCodec.tubeConversionFactor)
        == Array("GET tubeConversionFactor\r\n".utf8))
  }

  @Test func repliesAreOKValueOrERROR() {
    #expect(RadProCodec.reply("OK 1500") == .ok("1500"))
    #expect(RadProCodec.reply("OK 1500\r") == .ok("1500"))
    #expect(RadProCodec.reply("OK") == .ok(""))
    #expect(RadProCodec.reply("ERROR") == .error)
    #expect(RadProCodec.reply("ERROR\r") == .error)
    #expect(RadProCodec.reply("ok 1500") == .junk)
    #expect(RadProCodec.reply("OK1500") == .junk)
    #expect(RadProCodec.reply("") == .junk)
  }

  @Test func deviceIdSplitsIntoModelFirmwareSerial() throws {
    let value = "FS2011 (STM32F051C8);Rad Pro 2.0/en;b5706d937087f975b5812810"
    guard case .ok(let text) = RadProCodec.reply("OK " + value) else {
      Issue.record("deviceId reply not OK")
      return
    }
    let id = try #require(RadProCodec.identity(text))
    #expect(id.model == "FS2011 (STM32F051C8)")
    #expect(id.firmware == "Rad Pro 2.0/en")
    #expect(id.serial == "b5706d937087f975b5812810")
    let older = try #require(RadProCodec.identity("Bosean FS-600;Rad Pro 1.3"))
    #expect(older.serial == nil)
    #expect(RadProCodec.identity("") == nil)
    #expect(RadProCodec.identity("1500") == nil)
  }

  @Test func pulseCountIsAnUnsignedThirtyTwoBitDecimal() {
    #expect(RadProCodec.pulseCount("1500") == 1500)
    #expect(RadProCodec.pulseCount("4294967295") == UInt32.max)
    #expect(RadProCodec.pulseCount("4294967296") == nil)
    #expect(RadProCodec.pulseCount("-5") == nil)
    #expect(RadProCodec.pulseCount("+5") == nil)
    #expect(RadProCodec.pulseCount("12x4") == nil)
    #expect(RadProCodec.pulseCount("1.5") == nil)
    #expect(RadProCodec.pulseCount("") == nil)
  }

  @Test func pulsesSurviveTheWrapAround() {
    #expect(RadProCodec.pulses(from: 1500, to: 1618) == 118)
    #expect(RadProCodec.pulses(from: 4_294_967_290, to: 5) == 11)
    #expect(RadProCodec.pulses(from: UInt32.max, to: 0) == 1)
    #expect(RadProCodec.pulses(from: 7, to: 7) == 0)
  }

  @Test func decimalsForRateAndSensitivity() {
    #expect(RadProCodec.decimal("142.857") == 142.857)
    #expect(RadProCodec.decimal("153.800") == 153.8)
    #expect(RadProCodec.decimal("-1") == nil)
    #expect(RadProCodec.decimal("nan") == nil)
    #expect(RadProCodec.decimal("inf") == nil)
    #expect(RadProCodec.decimal("abc") == nil)
  }
}
