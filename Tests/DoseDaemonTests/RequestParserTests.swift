import DetectorDrivers
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
