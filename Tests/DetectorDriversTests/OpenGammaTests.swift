import DeviceEmulators
import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers

struct OpenGammaCodecTests {
  @Test func eventLinesWithAndWithoutTrailingSemicolon() {
    #expect(OpenGammaCodec.events("389;874;359;") == [389, 874, 359])
    #expect(OpenGammaCodec.events("389;874;359") == [389, 874, 359])
    #expect(OpenGammaCodec.events("4095;0;") == [4095, 0])
    #expect(OpenGammaCodec.classify("12;12;7;") == .events([12, 12, 7]))
    #expect(OpenGammaCodec.histogram([12, 12, 7]) == [12: 2, 7: 1])
  }

  @Test func junkIsNotEvents() {
    #expect(OpenGammaCodec.events("") == nil)
    #expect(OpenGammaCodec.events(";") == nil)
    #expect(OpenGammaCodec.events("1;;2;") == nil)
    #expect(OpenGammaCodec.events("4096;") == nil)
    #expect(OpenGammaCodec.events("12x;3;") == nil)
    #expect(OpenGammaCodec.events("-1;") == nil)
    #expect(
      OpenGammaCodec.classify("  \"geiger_mode\": false,") == .other("\"geiger_mode\": false,"))
    #expect(
      OpenGammaCodec.classify("[#] Set serial output mode to events.")
        == .message("Set serial output mode to events."))
    #expect(OpenGammaCodec.classify("[!] Invalid input 'x'.") == .error("Invalid input 'x'."))
  }

  @Test func identityAndSettings() throws {
    let identity = try #require(
      OpenGammaCodec.identity(info: ["-- Open Gamma Detector --", "Firmware Version: 4.3.2"]))
    #expect(identity.model == "Open Gamma Detector")
    #expect(identity.firmware == "4.3.2")
    #expect(OpenGammaCodec.identity(info: ["hello"]) == nil)
    let settings = try #require(
      OpenGammaCodec.settings(json: ["{", "\"geiger_mode\": true,", "\"enable_trng\": false", "}"]))
    #expect(settings.geigerMode && !settings.trngEnabled)
    #expect(OpenGammaCodec.settings(json: ["{", "}"]) == nil)
  }
}

struct OpenGammaEndToEndTests {
  @Test func identifiesAndStreamsSpectra() async throws {
    let link = SerialEndToEndTests.linkPath("og")
    let host = try EmulatorHost(
      emulator: OpenGammaEmulator(source: CountSource(cpm: 6000, seed: 21)), link: link)
    host.start()
    defer { host.unplug() }
    let run = SerialEndToEndTests.Run(
      SerialDetector(id: "og", path: link, bauds: [2_000_000]) {
        OpenGammaSession(detectorID: "og")
      })
    let enough = await run.wait(15) { SerialEndToEndTests.readings($0) >= 5 }
    await run.stop()
    #expect(enough, "events: \(run.events.prefix(5))")
    let identity = try #require(run.identities.first)
    #expect(identity.model == "Open Gamma Detector")
    #expect(identity.firmware == "4.3.2")
    let readings = run.readings
    for reading in readings {
      let spectrum = try #require(reading.spectrum)
      #expect(UInt64(spectrum.values.reduce(0, +)) == reading.counts)
      #expect(spectrum.keys.allSatisfy { $0 < 4096 })
    }
    SerialEndToEndTests.expectRate(readings, cpm: 6000)
    #expect(run.counters.junkLines == 0)
  }

  @Test func refusesGeigerMode() async throws {
    let link = SerialEndToEndTests.linkPath("ogg")
    let host = try EmulatorHost(
      emulator: OpenGammaEmulator(source: CountSource(cpm: 6000, seed: 22), geigerMode: true),
      link: link)
    host.start()
    defer { host.unplug() }
    let run = SerialEndToEndTests.Run(
      SerialDetector(id: "og", path: link, bauds: [2_000_000]) {
        OpenGammaSession(detectorID: "og")
      })
    let refused = await run.wait(10) { events in
      events.contains {
        if case .disconnected(_, let reason) = $0 { reason.contains("geiger mode") } else { false }
      }
    }
    await run.stop()
    #expect(refused, "events: \(run.events.prefix(5))")
    #expect(run.identities.isEmpty)
    #expect(run.readings.isEmpty)
  }
}
