import Testing

@testable import DetectorDrivers

/// Sample lines from the devices' documentation (shared reference devices.md §3, §4, §7).
struct LineParserTests {
  @Test func mightyOhmCPSLine() {
    let parser = MightyOhmParser()
    #expect(parser.parse("CPS, 3, CPM, 28, uSv/hr, 0.15, SLOW") == .counts(3, intervalSeconds: 1))
    #expect(
      parser.parse("CPS, 312, CPM, 18720, uSv/hr, 106.70, INST") == .counts(312, intervalSeconds: 1)
    )
    // Noise before the record costs only the noise.
    #expect(
      parser.parse("\u{07}x#\u{FFFD}CPS, 4, CPM, 240, uSv/hr, 1.37, SLOW")
        == .countsAfterNoise(4, intervalSeconds: 1, skippedBytes: 6))
    // dreg2 fork: overflow marker.
    #expect(parser.parse("CPS, 12*, CPM, 700") == .counts(12, intervalSeconds: 1))
  }

  @Test func mightyOhmBannerAndJunk() {
    let parser = MightyOhmParser()
    #expect(
      parser.parse("mightyohm.com Geiger Counter 1.00")
        == .identity(model: "MightyOhm Geiger counter", firmware: "1.00", serial: nil))
    #expect(parser.parse("http://mightyohm.com/geiger") == .junk)
    #expect(parser.parse("CPS, lots, CPM, 1") == .junk)
    #expect(parser.parse("CPM(SLOW): 20, uSv/h: 0.11") == .junk)
  }

  @Test func gc10BareCPM() {
    let parser = GC10Parser()
    #expect(parser.parse("60") == .countsPerMinute(60))
    #expect(parser.parse(" 1234 ") == .countsPerMinute(1234))
    #expect(parser.parse("GC10 v1.2") == .junk)
    #expect(parser.parse("-5") == .junk)
    #expect(parser.parse("99999999999") == .junk)
  }

  @Test func bGeigieSentenceWithValidChecksum() {
    // Lines of a real bGeigie Nano log (bidouilles/bGeigieNano README, "Sample log"); their
    // checksums 69 and 6E agree with the XOR rule. (The Safecast README's example ends in *6D,
    // which the XOR rule gives as 58: a documentation slip, so it is not used here.)
    let parser = BGeigieParser()
    let first = "$BNRDD,1,2012-07-05T12:02:36Z,4,3,4,V,3543.1917,N,13942.0190,E,25.30,A,9999,0*69"
    let second = "$BNRDD,1,2012-07-05T12:02:41Z,5,1,5,V,3543.1909,N,13942.0200,E,25.30,A,9999,0*6E"
    #expect(parser.parse(first) == .counts(3, intervalSeconds: 5))
    #expect(parser.parse(second) == .counts(1, intervalSeconds: 5))
  }

  @Test func bGeigieChecksumIsXorBetweenDollarAndStar() {
    // Hand: 'A' ^ 'B' = 0x41 ^ 0x42 = 0x03.
    #expect(BGeigieParser.checksum("AB") == 0x03)
    let body = "BNRDD,1,2012-07-05T12:02:36Z,4,3,4,V,3543.1917,N,13942.0190,E,25.30,A,9999,0"
    #expect(BGeigieParser.checksum(body[...]) == 0x69)
  }

  @Test func bGeigieRejectsBadChecksumsAndHeaders() {
    let parser = BGeigieParser()
    let good = "$BNRDD,1,2012-07-05T12:02:36Z,4,3,4,V,3543.1917,N,13942.0190,E,25.30,A,9999,0"
    #expect(parser.parse(good + "*69") == .counts(3, intervalSeconds: 5))
    #expect(parser.parse(good + "*6A") == .checksumFailure)
    #expect(parser.parse(good + "*ZZ") == .checksumFailure)
    #expect(parser.parse("# NEW LOG") == .junk)
    #expect(parser.parse("$GPGGA,1,2*41") != .counts(1, intervalSeconds: 5))
  }

  @Test func regexProfileWithCountsOrCPM() throws {
    let counts = try RegexLineParser(pattern: #"counts=(?<counts>\d+)"#, intervalSeconds: 2)
    #expect(counts.parse("t=17 counts=42 v=3.3") == .counts(42, intervalSeconds: 2))
    #expect(counts.parse("hello") == .junk)
    let cpm = try RegexLineParser(pattern: #"^CPM: (?<cpm>\d+)$"#)
    #expect(cpm.parse("CPM: 120") == .countsPerMinute(120))
  }

  @Test func regexProfileNeedsANamedGroup() {
    #expect(throws: RegexLineParser.InvalidPattern.self) {
      try RegexLineParser(pattern: #"(\d+)"#)
    }
    #expect(throws: RegexLineParser.InvalidPattern.self) {
      try RegexLineParser(pattern: #"(?<counts>\d+"#)
    }
  }
}
