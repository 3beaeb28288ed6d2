import DetectorDrivers
import DoseCore
import DoseProtocol
import Testing

@testable import DoseDaemon

struct RequestParserTests {
  func parse(_ text: String) -> RequestParser.Outcome {
    RequestParser.parse(Array(text.utf8))
  }

  @Test func idsAreNumbersStringsOrAbsent() {
    #expect(parse(#"{"id":4,"cmd":"status"}"#) == .command(.status, id: .number(4)))
    #expect(parse(#"{"id":"a","cmd":"watch"}"#) == .command(.watch, id: .string("a")))
    #expect(parse(#"{"cmd":"version"}"#) == .command(.version, id: nil))
    // JSON null is the same as no id.
    #expect(parse(#"{"id":null,"cmd":"detectors"}"#) == .command(.detectors, id: nil))
  }

  @Test func errorsKeepTheIdWhenThereIsOne() {
    guard case .error(let reply) = parse(#"{"id":9,"cmd":"launch"}"#) else {
      Issue.record("expected an error")
      return
    }
    #expect(reply.id == .number(9))
    #expect(reply.code == .unknownCommand)
  }

  @Test func blankLinesAreNotRequests() {
    #expect(parse("   ") == .empty)
    #expect(parse("") == .empty)
  }
}

/// Staleness settings the engine derives for each detector.
struct StalenessSettingsTests {
  func detector(interval: Double, staleAfter: Double?) -> DetectorConfig {
    var config = DetectorConfig(
      id: "d", driver: .simulated,
      calibration: .init(
        sensitivityCpmPerUSvH: 100, nuclide: "Cs-137", source: "test", deadTimeSeconds: 0))
    config.readingIntervalSeconds = interval
    config.staleAfterSeconds = staleAfter
    return config
  }

  @Test func configuredStaleAfterIsUsedAsItIsAtRealTime() {
    let settings = Engine.settings(
      for: detector(interval: 1, staleAfter: 2), clock: DoseClock(scale: 1))
    #expect(settings.staleAfterSeconds == 2)
  }

  @Test func defaultIsThreeIntervalsPlusASecond() {
    let settings = Engine.settings(
      for: detector(interval: 5, staleAfter: nil), clock: DoseClock(scale: 1))
    #expect(settings.staleAfterSeconds == 16)
  }

  @Test func scaledClockStretchesStaleness() {
    // At 3600× the simulated driver reads every 0.2 real s = 720 clock s: 3 × 720 + 3600.
    let settings = Engine.settings(
      for: detector(interval: 1, staleAfter: 5), clock: DoseClock(scale: 3600))
    #expect(settings.staleAfterSeconds == 5760)
  }
}

/// The one-pass scanner for the common request shape must agree with the general parser
/// wherever it answers, and must answer for what clients actually send.
@Suite struct SimpleRequestScannerTests {
  @Test func commonRequestsTakeTheFastPath() {
    let lines = [
      #"{"id":1,"cmd":"status"}"#, #"{"cmd":"status"}"#,
      #" { "cmd" : "detectors" , "id" : "a-1" } "#,
      #"{"id":null,"cmd":"version"}"#, #"{"id":-7,"cmd":"watch"}"#,
      #"{"cmd":"status","id":9223372036854775807}"#,
    ]
    for line in lines {
      let simple = SimpleRequestScanner.scan(Array(line.utf8))
      #expect(simple != nil, "\(line)")
      if let simple {
        #expect(
          RequestParser.parseInGeneral(Array(line.utf8))
            == .command(simple.command, id: simple.id), "\(line)")
      }
    }
  }

  @Test func everythingElseIsLeftToTheGeneralParser() {
    let lines = [
      #"{"id":1.0,"cmd":"status"}"#, #"{"id":1e2,"cmd":"status"}"#, #"{"id":01,"cmd":"status"}"#,
      #"{"id":9223372036854775808,"cmd":"status"}"#, #"{"cmd":"status","cmd":"version"}"#,
      #"{"cmd":"st\u0061tus"}"#, #"{"cmd":"status","x":1}"#, #"{"cmd":"reboot"}"#,
      #"{"cmd":"status"} x"#, #"{"cmd":"status",}"#, #"{"id":true,"cmd":"status"}"#, "{}",
      #"["status"]"#, #"{"id":-,"cmd":"status"}"#, #"{"id":nul,"cmd":"status"}"#,
    ]
    for line in lines {
      #expect(SimpleRequestScanner.scan(Array(line.utf8)) == nil, "\(line)")
    }
  }

  /// Random variations and byte mutations of valid requests: wherever the scanner answers, the
  /// general parser gives the same command and id.
  @Test func agreesWithTheGeneralParserOnRandomLines() {
    var random = SeededGenerator(seed: 20_261_127)
    let pieces = [
      #"{"id":1,"cmd":"status"}"#, #"{"cmd":"version","id":"x"}"#,
      #"{ "id" : null , "cmd" : "watch" }"#,
      #"{"id":-12,"cmd":"devices"}"#, #"{"id":"","cmd":"alarms"}"#,
    ]
    let alphabet = Array(#"{}[]",:0123456789-+.eE nul\tabcdistmdv"#.utf8) + [0x00, 0xFF, 0x0A]
    var answered = 0
    for _ in 0..<20_000 {
      var bytes = Array(pieces[Int.random(in: 0..<pieces.count, using: &random)].utf8)
      for _ in 0..<Int.random(in: 0...3, using: &random) {
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0: bytes[position] = alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
        case 1:
          bytes.insert(
            alphabet[Int.random(in: 0..<alphabet.count, using: &random)], at: position)
        default: if bytes.count > 1 { bytes.remove(at: position) }
        }
      }
      guard let simple = SimpleRequestScanner.scan(bytes) else { continue }
      answered += 1
      #expect(
        RequestParser.parseInGeneral(bytes) == .command(simple.command, id: simple.id),
        "\(String(decoding: bytes, as: UTF8.self))")
    }
    #expect(answered > 1000, "the scanner answered only \(answered) of 20 000 lines")
  }
}
