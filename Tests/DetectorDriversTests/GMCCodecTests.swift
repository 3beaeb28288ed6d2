import Testing

@testable import DetectorDrivers

/// Byte sequences from GQ-RFC1201/1801 and the quirks in devices.md §1.
struct GMCCodecTests {
  @Test func requestsAreAngleBracketFramedASCII() {
    #expect(GMCCodec.getVersion == [0x3C, 0x47, 0x45, 0x54, 0x56, 0x45, 0x52, 0x3E, 0x3E])
    #expect(GMCCodec.getSerial == Array("<GETSERIAL>>".utf8))
    #expect(GMCCodec.getCPS == Array("<GETCPS>>".utf8))
    #expect(GMCCodec.getCPM == Array("<GETCPM>>".utf8))
    #expect(GMCCodec.getDateTime == Array("<GETDATETIME>>".utf8))
  }

  @Test func versionSplitsModelAndFirmware() throws {
    let v320 = try #require(GMCCodec.version(Array("GMC-320Re 4.26".utf8)))
    #expect(v320.model == "GMC-320")
    #expect(v320.firmware == "4.26")
    let v500 = try #require(GMCCodec.version(Array("GMC-500+Re 1.18".utf8)))
    #expect(v500.model == "GMC-500+")
    #expect(v500.firmware == "1.18")
  }

  @Test func versionWithEmbeddedNULEndsTheModelThere() throws {
    // GMC-320+V5 (devices.md §1.4, GeigerLog quoting GQ's EmfDev).
    let bytes = Array("GMC-320+V5".utf8) + [0] + Array("RRe 5.73".utf8)
    let version = try #require(GMCCodec.version(bytes))
    #expect(version.model == "GMC-320+V5")
    #expect(version.firmware == "5.73")
    #expect(!version.text.contains("\0"))
  }

  @Test func versionWithoutGMCPrefixIsRejected() {
    #expect(GMCCodec.version(Array("OK FS2011;Rad".utf8)) == nil)
    #expect(GMCCodec.version([0x80, 0x1C, 0x00, 0x00]) == nil)
  }

  @Test func cpsWidthFollowsTheModelTable() {
    for twoBytes in ["GMC-300Re 4.20", "GMC-320Re 4.26", "GMC-320SRe 1.15", "GMC-500Re 1.08"] {
      #expect(GMCCodec.cpsWidth(forVersion: twoBytes) == 2, "\(twoBytes)")
    }
    for fourBytes in ["GMC-500+Re 1.18", "GMC-600Re 1.10", "GMC-600+Re 1.14", "GMC-800Re 1.08"] {
      #expect(GMCCodec.cpsWidth(forVersion: fourBytes) == 4, "\(fourBytes)")
    }
    #expect(GMCCodec.cpsWidth(forVersion: "GMC-320+V5") == 2)
  }

  @Test func twoByteCPSIsMaskedToFourteenBits() {
    #expect(GMCCodec.cps([0x80, 0x1C]) == 28)
    #expect(GMCCodec.cps([0x00, 0x1C]) == 28)
    // RFC1201's heartbeat example calls `10 1C` 28: a doc bug (devices.md §1.4); bit 12 stays.
    #expect(GMCCodec.cps([0x10, 0x1C]) == 0x101C)
    #expect(GMCCodec.cps([0xFF, 0xFF]) == 16383)
  }

  @Test func fourByteCPSIsBigEndian() {
    #expect(GMCCodec.cps([0x00, 0x00, 0x00, 0x1C]) == 28)
    #expect(GMCCodec.cps([0x00, 0x01, 0x86, 0xA0]) == 100_000)
    #expect(GMCCodec.cps([0x1C]) == nil)
    #expect(GMCCodec.cps([0, 0, 0x1C]) == nil)
  }

  @Test func encodedCPSRoundTrips() {
    #expect(GMCCodec.encodeCPS(28, width: 2) == [0x80, 0x1C])
    #expect(GMCCodec.encodeCPS(28, width: 4) == [0x00, 0x00, 0x00, 0x1C])
    #expect(GMCCodec.encodeCPS(28, width: 2, highBit: false) == [0x00, 0x1C])
  }

  @Test func serialIsUpperCaseHex() {
    #expect(GMCCodec.serial([0xF4, 0x88, 0xE0, 0x0B, 0xB5, 0xA4, 0xE0]) == "F488E00BB5A4E0")
    #expect(GMCCodec.serial([0xF4, 0x88]) == nil)
  }

  @Test func dateTimeDecodesAndValidates() throws {
    // RFC1201 §23: YY MM DD HH MM SS 0xAA.
    let time = try #require(GMCCodec.dateTime([0x19, 0x03, 0x1F, 0x17, 0x3B, 0x3A, 0xAA]))
    #expect(time == GMCDateTime(year: 2025, month: 3, day: 31, hour: 23, minute: 59, second: 58))
    #expect(GMCCodec.dateTime([0x19, 0x03, 0x1F, 0x17, 0x3B, 0x3A, 0x00]) == nil)
    #expect(GMCCodec.dateTime([0x19, 0x0D, 0x1F, 0x17, 0x3B, 0x3A, 0xAA]) == nil)
    #expect(GMCCodec.dateTime([0x19, 0x03, 0x1F, 0x17, 0x3B, 0xAA]) == nil)
  }

  @Test func deviceSecondsAdvanceAcrossMidnightAndMonthEnds() {
    let before = GMCDateTime(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59)
    let after = GMCDateTime(year: 2024, month: 3, day: 1, hour: 0, minute: 0, second: 0)
    #expect(after.secondsSince2000 - before.secondsSince2000 == 1)
    #expect(
      GMCDateTime(year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        .secondsSince2000 == 0)
    for seconds in [0, 86_399, 794_145_600, 825_292_799] {
      #expect(GMCDateTime(secondsSince2000: seconds).secondsSince2000 == seconds)
    }
    // 2025-03-01 12:00:00 is 794 145 600 s after 2000-01-01 (checked with Python datetime).
    #expect(GMCDateTime(secondsSince2000: 794_145_600).bytes == [25, 3, 1, 12, 0, 0, 0xAA])
  }
}
