import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers
@testable import DeviceEmulators

/// Text-line counters end to end: emulator on a real pseudo-terminal ↔ SerialDetector.
@Suite(.serialized) struct LineEndToEndTests {
  func link() -> String { "/tmp/dosed-line-\(UUID().uuidString.prefix(8))" }

  func detector(_ parser: any LineParser, path: String, baud: Int = 9600) -> SerialDetector {
    SerialDetector(id: "d", path: path, bauds: [baud]) {
      LineSession(detectorID: "d", parser: parser)
    }
  }

  /// Runs the detector until `until` holds (or 15 s pass) and returns its events.
  func collect(
    _ detector: SerialDetector, clock: DoseClock = DoseClock(),
    during: (@Sendable () async throws -> Void)? = nil,
    until: @escaping @Sendable ([DriverEvent]) -> Bool
  ) async throws -> [DriverEvent] {
    let log = EventLog()
    let task = Task { await detector.run(clock: clock) { log.append($0) } }
    defer { task.cancel() }
    let deadline = ContinuousClock.now + .seconds(15)
    while !until(log.all) && ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(50))
    }
    task.cancel()
    await task.value
    return log.all
  }

  static func readings(_ events: [DriverEvent]) -> [Reading] {
    events.compactMap {
      if case .reading(let reading) = $0 { return reading }
      return nil
    }
  }

  @Test func mightyOhmDeliversExactSecondsAtTheEmulatedRate() async throws {
    let path = link()
    let host = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 3000, seed: 4)), link: path)
    host.start()
    defer { host.unplug() }
    let events = try await collect(detector(MightyOhmParser(), path: path)) {
      Self.readings($0).count >= 4
    }
    guard case .connected(_, let identity) = events.first else {
      Issue.record("expected connected first, got \(events.first.map { "\($0)" } ?? "nothing")")
      return
    }
    #expect(identity.port == path)
    #expect(identity.baud == 9600)
    let readings = Self.readings(events)
    #expect(readings.count >= 4)
    #expect(readings.allSatisfy { $0.intervalSeconds == 1 })
    let counts = Double(readings.map(\.counts).reduce(0, +))
    let expected = 50.0 * Double(readings.count)
    #expect(abs(counts - expected) < 5 * expected.squareRoot())
  }

  @Test func regexProfileReadsAHomeMadeCounter() async throws {
    // A home-made counter that happens to print MightyOhm-style lines, described by a pattern.
    let path = link()
    let host = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 1200, seed: 8)), link: path)
    host.start()
    defer { host.unplug() }
    let parser = try RegexLineParser(pattern: #"CPS, (?<counts>\d+),"#, intervalSeconds: 1)
    let events = try await collect(detector(parser, path: path)) {
      Self.readings($0).count >= 4
    }
    let readings = Self.readings(events)
    #expect(readings.count >= 4)
    #expect(readings.allSatisfy { $0.intervalSeconds == 1 })
    let counts = Double(readings.map(\.counts).reduce(0, +))
    let expected = 20.0 * Double(readings.count)
    #expect(abs(counts - expected) < 5 * expected.squareRoot())
  }

  @Test func bGeigieCountsChecksumFailures() async throws {
    let path = link()
    // Every second sentence corrupt; sentences come every 5 s, so speed the emulator up by
    // feeding it a 5-s period... the real period is 5 s: wait for two sentences.
    let host = try EmulatorHost(
      emulator: BGeigieEmulator(source: CountSource(cpm: 600, seed: 2), corruptEvery: 2),
      link: path)
    host.start()
    defer { host.unplug() }
    let events = try await collect(detector(BGeigieParser(), path: path)) { events in
      events.contains {
        if case .counters(_, let counters) = $0 { return counters.checksumFailures >= 1 }
        return false
      } && Self.readings(events).count >= 1
    }
    let readings = Self.readings(events)
    #expect(readings.count >= 1)
    #expect(readings.allSatisfy { $0.intervalSeconds == 5 })
    #expect(
      events.contains {
        if case .counters(_, let counters) = $0 { return counters.checksumFailures == 1 }
        return false
      })
  }

  @Test func unplugIsReportedAtOnceAndReplugRecovers() async throws {
    let path = link()
    let first = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 600, seed: 1)), link: path)
    first.start()
    let log = EventLog()
    let detector = detector(MightyOhmParser(), path: path)
    let task = Task { await detector.run(clock: DoseClock()) { log.append($0) } }
    defer { task.cancel() }
    func wait(_ what: String, _ condition: @escaping ([DriverEvent]) -> Bool) async throws {
      let deadline = ContinuousClock.now + .seconds(30)
      while !condition(log.all) {
        guard ContinuousClock.now < deadline else {
          Issue.record("timed out waiting for \(what); events: \(log.all)")
          return
        }
        try await Task.sleep(for: .milliseconds(20))
      }
    }
    try await wait("a reading") { !Self.readings($0).isEmpty }
    let plugged = log.all.count
    first.unplug()
    try await wait("disconnected") {
      $0.dropFirst(plugged).contains {
        if case .disconnected = $0 { return true }
        return false
      }
    }
    // "At once": noticed from the hang-up itself ("device gone"), not from a read timeout.
    let reasons = log.all.dropFirst(plugged).compactMap { event -> String? in
      if case .disconnected(_, let reason) = event { return reason }
      return nil
    }
    #expect(reasons.first?.hasPrefix("device gone") == true, "\(reasons)")
    let before = Self.readings(log.all).count
    let second = try EmulatorHost(
      emulator: MightyOhmEmulator(source: CountSource(cpm: 600, seed: 9)), link: path)
    second.start()
    defer { second.unplug() }
    try await wait("a reading after replug") { Self.readings($0).count > before }
    let connects = log.all.filter {
      if case .connected = $0 { return true }
      return false
    }
    #expect(connects.count == 2)
    task.cancel()
    await task.value
  }

  @Test func missingPortIsDisconnectedWithTheReason() async throws {
    let events = try await collect(detector(MightyOhmParser(), path: "/tmp/no-such-tty-dosed")) {
      !$0.isEmpty
    }
    guard case .disconnected(_, let reason) = events.first else {
      Issue.record("expected disconnected, got \(events)")
      return
    }
    #expect(reason.contains("/tmp/no-such-tty-dosed"))
    #expect(reason.contains("No such file"))
  }

  @Test func aSecondOpenOfTheSamePortIsRefused() throws {
    let path = link()
    let host = try EmulatorHost(
      emulator: GC10Emulator(source: CountSource(cpm: 60)), link: path)
    defer { host.unplug() }
    let first = try SerialPort(path: path, baud: 9600)
    #expect(throws: SerialError.busy(path: path)) { try SerialPort(path: path, baud: 9600) }
    _ = first
  }

  @Test func gc10SamplesOneCPMValuePerMinute() async throws {
    // At 60× the session's minute is one real second; the emulator still prints every second,
    // so most lines are skipped and none is used twice.
    let path = link()
    let host = try EmulatorHost(emulator: GC10Emulator(source: CountSource(cpm: 300)), link: path)
    host.start()
    defer { host.unplug() }
    let events = try await collect(detector(GC10Parser(), path: path), clock: DoseClock(scale: 60))
    {
      Self.readings($0).count >= 2
    }
    let readings = Self.readings(events)
    #expect(readings.count >= 2)
    #expect(readings.allSatisfy { $0.intervalSeconds == 60 })
    for (a, b) in zip(readings, readings.dropFirst()) {
      #expect(b.monotonicSeconds - a.monotonicSeconds >= 60)
    }
  }
}
