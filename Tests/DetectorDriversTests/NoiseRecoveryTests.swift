import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers
@testable import DeviceEmulators

/// Random bytes on the line: every driver skips them, counts them, and keeps reading.
@Suite(.serialized) struct NoiseRecoveryTests {
  func run(
    _ emulator: any DeviceEmulator, session: @escaping @Sendable () -> any SerialSession,
    baud: Int = 9600, readings wanted: Int
  ) async throws -> (readings: [Reading], counters: LinkCounters) {
    let path = "/tmp/dosed-noise-\(UUID().uuidString.prefix(8))"
    let host = try EmulatorHost(emulator: NoisyEmulator(emulator), link: path)
    host.start()
    defer { host.unplug() }
    let log = EventLog()
    let detector = SerialDetector(id: "n", path: path, bauds: [baud], makeSession: session)
    let task = Task { await detector.run(clock: DoseClock()) { log.append($0) } }
    let deadline = ContinuousClock.now + .seconds(20)
    func readings() -> [Reading] {
      log.all.compactMap {
        if case .reading(let reading) = $0 { return reading }
        return nil
      }
    }
    while readings().count < wanted && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(50))
    }
    task.cancel()
    await task.value
    let counters = log.all.reduce(into: LinkCounters()) { last, event in
      if case .counters(_, let counters) = event { last = counters }
    }
    return (readings(), counters)
  }

  @Test func mightyOhmSkipsNoise() async throws {
    let result = try await run(
      MightyOhmEmulator(source: CountSource(cpm: 600, seed: 5)),
      session: { LineSession(detectorID: "n", parser: MightyOhmParser()) }, readings: 4)
    #expect(result.readings.count >= 4)
    #expect(result.counters.junkLines + result.counters.bytesDropped > 0, "noise was counted")
    // Noise never turns into counts: a garbled line is junk, not a reading.
    #expect(result.readings.allSatisfy { $0.counts < 100 })
  }

  @Test func gmcSkipsNoise() async throws {
    let result = try await run(
      GMCEmulator(source: CountSource(cpm: 600, seed: 6)),
      session: { GMCSession(detectorID: "n") }, baud: 115200, readings: 4)
    #expect(result.readings.count >= 4)
    #expect(result.counters.bytesDropped > 0, "noise was counted")
    #expect(result.readings.allSatisfy { $0.counts < 100 })
  }

  @Test func radProSkipsNoise() async throws {
    let result = try await run(
      RadProEmulator(source: CountSource(cpm: 600, seed: 7)),
      session: { RadProSession(detectorID: "n") }, baud: 115200, readings: 4)
    #expect(result.readings.count >= 4)
    #expect(result.counters.bytesDropped + result.counters.junkLines > 0, "noise was counted")
    #expect(result.readings.allSatisfy { $0.counts < 100 })
  }
}
