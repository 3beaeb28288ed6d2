import DeviceEmulators
import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers

/// GMC and Rad Pro sessions driven by `SerialDetector` against their emulators through real
/// pseudo-terminals: framing, identity, counting, garbage, unplug and replug. Every wait has a
/// deadline and sleeps asynchronously, so a bug fails the test instead of hanging it.
struct SerialEndToEndTests {
  /// A running detector and the events it has emitted so far.
  final class Run: Sendable {
    let log = EventLog()
    let task: Task<Void, Never>

    init(_ detector: SerialDetector) {
      let log = self.log
      task = Task { await detector.run(clock: DoseClock()) { log.append($0) } }
    }

    var events: [DriverEvent] { log.all }

    var readings: [Reading] {
      events.compactMap { event in
        if case .reading(let reading) = event { return reading }
        return nil
      }
    }

    var identities: [DeviceIdentity] {
      events.compactMap { event in
        if case .connected(_, let identity) = event { return identity }
        return nil
      }
    }

    var counters: LinkCounters {
      events.reduce(into: LinkCounters()) { last, event in
        if case .counters(_, let counters) = event { last = counters }
      }
    }

    /// Polls until `condition` holds or `seconds` pass; returns whether it held.
    func wait(_ seconds: Double, until condition: ([DriverEvent]) -> Bool) async -> Bool {
      let deadline = ContinuousClock.now + .seconds(seconds)
      while ContinuousClock.now < deadline {
        if condition(events) { return true }
        try? await Task.sleep(for: .milliseconds(20))
      }
      return condition(events)
    }

    func stop() async {
      task.cancel()
      await task.value
    }
  }

  static func linkPath(_ name: String) -> String {
    "/tmp/dosed-e2e-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  }

  static func readings(_ events: [DriverEvent]) -> Int {
    events.count { if case .reading = $0 { true } else { false } }
  }

  static func connections(_ events: [DriverEvent]) -> Int {
    events.count { if case .connected = $0 { true } else { false } }
  }

  /// Total counts over total live time agree with the emulator's rate within 5 Poisson sigmas.
  static func expectRate(_ readings: [Reading], cpm: Double) {
    let counts = Double(readings.map(\.counts).reduce(0, +))
    let live = readings.map(\.intervalSeconds).reduce(0, +)
    let expected = cpm / 60 * live
    #expect(live > 0)
    #expect(
      abs(counts - expected) < 5 * expected.squareRoot(),
      "\(counts) counts in \(live) s, expected \(expected)")
  }

  // MARK: GMC

  @Test func gmcIdentifiesAndCountsEachDeviceSecondOnce() async throws {
    let link = Self.linkPath("gmc")
    let host = try EmulatorHost(
      emulator: GMCEmulator(source: CountSource(cpm: 3000, seed: 11)), link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g1", path: link, bauds: [115200]) { GMCSession(detectorID: "g1") })
    let enough = await run.wait(60) { Self.readings($0) >= 6 }
    await run.stop()
    #expect(enough)
    let identity = try #require(run.identities.first)
    #expect(identity.model == "GMC-320")
    #expect(identity.firmware == "4.26")
    #expect(identity.serial == "F488E0B4B5A4E0")
    #expect(identity.port == link)
    #expect(identity.baud == 115200)
    let readings = run.readings
    #expect(readings.allSatisfy { $0.intervalSeconds == 1 && $0.detectorID == "g1" })
    // One reading per device second at most: never more readings than seconds elapsed.
    if let first = readings.first, let last = readings.last {
      #expect(Double(readings.count - 1) <= last.monotonicSeconds - first.monotonicSeconds + 1)
    }
    Self.expectRate(readings, cpm: 3000)
    #expect(run.counters.resyncs == 0)
  }

  @Test func gmcFourByteModelIsRead() async throws {
    let link = Self.linkPath("gmc4")
    let emulator = GMCEmulator(source: CountSource(cpm: 6000, seed: 12), version: "GMC-500+Re 1.18")
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g2", path: link, bauds: [115200]) { GMCSession(detectorID: "g2") })
    let enough = await run.wait(60) { Self.readings($0) >= 4 }
    await run.stop()
    #expect(
      enough, "events: \(run.events.filter { if case .reading = $0 { false } else { true } })")
    #expect(run.identities.first?.model == "GMC-500+")
    Self.expectRate(run.readings, cpm: 6000)
    #expect(run.counters.resyncs == 0)
  }

  @Test func gmcWithoutClockIsPacedByTheHost() async throws {
    let link = Self.linkPath("gmcold")
    let emulator = GMCEmulator(
      source: CountSource(cpm: 1200, seed: 13), version: "GMC-300Re 2.40", hasClock: false)
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g3", path: link, bauds: [115200]) { GMCSession(detectorID: "g3") })
    let enough = await run.wait(60) { Self.readings($0) >= 4 }
    await run.stop()
    try #require(enough)
    let readings = run.readings
    #expect(readings.allSatisfy { $0.intervalSeconds == 1 })
    // One GETCPS per host second: the median gap, and never more readings than seconds
    // elapsed. (Not each gap: a poll that a loaded machine wakes late is followed by one on
    // time, a shorter gap.)
    let gaps = zip(readings, readings.dropFirst()).map {
      $1.monotonicSeconds - $0.monotonicSeconds
    }.sorted()
    #expect(gaps[gaps.count / 2] > 0.8, "\(gaps)")
    if let first = readings.first, let last = readings.last {
      #expect(Double(readings.count - 1) <= last.monotonicSeconds - first.monotonicSeconds + 1)
    }
  }

  @Test func gmcGarbledRepliesResyncAndReadingsContinue() async throws {
    let link = Self.linkPath("gmcjunk")
    let emulator = GMCEmulator(source: CountSource(cpm: 3000, seed: 14), garbleEvery: 3)
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g4", path: link, bauds: [115200]) { GMCSession(detectorID: "g4") })
    // Truncated and doubled replies alternate: both kinds must have been seen and survived.
    let survived = await run.wait(60) { events in
      guard
        let firstResync = events.firstIndex(where: {
          if case .counters(_, let counters) = $0 { counters.resyncs >= 2 } else { false }
        })
      else { return false }
      return Self.readings(Array(events[firstResync...])) >= 2
    }
    await run.stop()
    #expect(survived)
    #expect(run.counters.bytesDropped > 0)
    #expect(run.readings.allSatisfy { $0.intervalSeconds == 1 })
    Self.expectRate(run.readings, cpm: 3000)
  }

  @Test func gmcWakesUpAfterAFailedFirstGETVER() async throws {
    let link = Self.linkPath("gmcwake")
    let emulator = GMCEmulator(source: CountSource(cpm: 600, seed: 15), ignoredVersionRequests: 1)
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g5", path: link, bauds: [115200]) { GMCSession(detectorID: "g5") })
    // The bound only ends a hang: the ignored GETVER costs a reply timeout and a reconnect in
    // real time, which a loaded machine stretches.
    let connected = await run.wait(60) { Self.connections($0) >= 1 }
    await run.stop()
    #expect(connected)
    #expect(run.identities.first?.baud == 115200)
  }

  @Test func gmcAutoBaudConnects() async throws {
    // A device set to 57600 hears only noise at 115200, so `auto` must go on to 57600.
    let link = Self.linkPath("gmcauto")
    let emulator = GMCEmulator(source: CountSource(cpm: 600, seed: 16))
    let host = try EmulatorHost(emulator: emulator, link: link, baud: 57600)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "g6", path: link, bauds: [115200, 57600]) { GMCSession(detectorID: "g6") })
    let reading = await run.wait(60) { Self.readings($0) >= 1 }
    await run.stop()
    #expect(reading)
    // Every connection is at 57600: 115200 never identifies the device. (A loaded test host may
    // miss a reply and retry; that shows up as a reconnect, still at 57600, not a failure.)
    #expect(!run.identities.isEmpty)
    #expect(run.identities.allSatisfy { $0.baud == 57600 })
  }

  @Test func gmcUnplugAndReplug() async throws {
    try await unplugAndReplug(name: "gmcplug") {
      GMCEmulator(source: CountSource(cpm: 3000, seed: 17))
    } session: {
      GMCSession(detectorID: "plug")
    }
  }

  // MARK: Rad Pro

  @Test func radProIdentifiesAndCountsAcrossTheWrapAround() async throws {
    let link = Self.linkPath("radpro")
    // 100 cps from 200 below 2³²: the counter wraps within the first two seconds.
    let emulator = RadProEmulator(
      source: CountSource(cpm: 6000, seed: 21), pulseCount: UInt32.max - 199)
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "r1", path: link, bauds: [115200]) { RadProSession(detectorID: "r1") })
    let enough = await run.wait(60) { Self.readings($0) >= 5 }
    await run.stop()
    try #require(enough)
    let identity = try #require(run.identities.first)
    #expect(identity.model == "FS2011 (STM32F051C8)")
    #expect(identity.firmware == "Rad Pro 3.1.1/en")
    #expect(identity.serial == "b5706d937087f975b5812810")
    let readings = run.readings
    #expect(readings.map(\.counts).reduce(0, +) > 200)
    // About a second each, measured on the host: the median (a poll that a loaded machine
    // wakes late makes one interval long and the next short).
    #expect(readings.allSatisfy { $0.intervalSeconds > 0 })
    let intervals = readings.map(\.intervalSeconds).sorted()
    #expect((0.8...1.6).contains(intervals[intervals.count / 2]), "\(intervals)")
    // Intervals tile the host timeline: each starts where the previous reply was stamped.
    for (previous, next) in zip(readings, readings.dropFirst()) {
      #expect(abs(next.monotonicSeconds - next.intervalSeconds - previous.monotonicSeconds) < 1e-9)
    }
    #expect(readings.allSatisfy { $0.deviceRateCPS != nil })
    Self.expectRate(readings, cpm: 6000)
    #expect(run.counters == LinkCounters())
  }

  @Test func radProGarbledRepliesAreCountedAndReadingsContinue() async throws {
    let link = Self.linkPath("radjunk")
    let emulator = RadProEmulator(source: CountSource(cpm: 3000, seed: 22), garbleEvery: 2)
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    defer { host.unplug() }
    let run = Run(
      SerialDetector(id: "r2", path: link, bauds: [115200]) { RadProSession(detectorID: "r2") })
    // Junk value, cut-off line and ERROR each come once within the first six polls.
    let survived = await run.wait(60) { events in
      guard
        let allSeen = events.firstIndex(where: {
          guard case .counters(_, let counters) = $0 else { return false }
          return counters.junkLines >= 1 && counters.resyncs >= 1 && counters.deviceErrors >= 1
        })
      else { return false }
      return Self.readings(Array(events[allSeen...])) >= 1
    }
    await run.stop()
    #expect(survived)
    Self.expectRate(run.readings, cpm: 3000)
  }

  @Test func radProUnplugAndReplug() async throws {
    try await unplugAndReplug(name: "radplug") {
      RadProEmulator(source: CountSource(cpm: 3000, seed: 23))
    } session: {
      RadProSession(detectorID: "plug")
    }
  }

  @Test(arguments: [false, true])
  func radProSensitivityUnderEitherName(legacy: Bool) async throws {
    let host = try EmulatorHost(
      emulator: RadProEmulator(
        source: CountSource(cpm: 60, seed: 24), legacySensitivityName: legacy),
      link: Self.linkPath("radsens"))
    host.start()
    defer { host.unplug() }
    let path = host.path
    // A blocking serial exchange: keep it off the cooperative pool.
    let result: (Double?, LinkCounters)? = await withCheckedContinuation { done in
      Thread.detachNewThread {
        let port: SerialPort
        do {
          port = try SerialPort(path: path, baud: 115200)
        } catch {
          print("radsens open failed: \(error)")
          return done.resume(returning: nil)
        }
        let link = SerialLink(port: port, stop: StopFlag())
        var session = RadProSession(detectorID: "s")
        _ = try? session.start(link: link, clock: DoseClock())
        done.resume(returning: (session.sensitivity, link.counters))
      }
    }
    #expect(result?.0 == 108.345)
    #expect(result?.1.deviceErrors == 0)
  }

  // MARK: Shared

  /// Unplugging reports `disconnected` from the hang-up; a device on the same path again is
  /// found (backoff starts at 0.5 s) and counted.
  func unplugAndReplug(
    name: String, emulator: () -> any DeviceEmulator,
    session: @escaping @Sendable () -> any SerialSession
  ) async throws {
    let link = Self.linkPath(name)
    let first = try EmulatorHost(emulator: emulator(), link: link)
    first.start()
    let run = Run(SerialDetector(id: "plug", path: link, bauds: [115200], makeSession: session))
    let counting = await run.wait(60) { Self.readings($0) >= 2 }
    #expect(counting)
    let before = run.events.count
    first.unplug()
    let lost = await run.wait(60) { events in
      events.dropFirst(before).contains { if case .disconnected = $0 { true } else { false } }
    }
    #expect(lost)
    // Noticed from the hang-up itself ("device gone"), not from a read timeout.
    let reasons = run.events.dropFirst(before).compactMap { event -> String? in
      if case .disconnected(_, let reason) = event { return reason }
      return nil
    }
    #expect(reasons.first?.hasPrefix("device gone") == true, "\(reasons)")

    let second = try EmulatorHost(emulator: emulator(), link: link)
    second.start()
    defer { second.unplug() }
    let resumed = await run.wait(60) { events in
      guard
        let again = events.lastIndex(where: { if case .connected = $0 { true } else { false } }),
        Self.connections(events) >= 2
      else { return false }
      return Self.readings(Array(events[again...])) >= 2
    }
    await run.stop()
    #expect(resumed)
  }
}
