import DoseCore
import Foundation
import Synchronization
import Testing

@testable import DetectorDrivers

/// RadiaCode session against a scripted device: an in-memory transport that answers each
/// request with a reply framed by the codec (the reply frame has the request's layout: length,
/// echoed header, payload).
@Suite struct RadiaCodeSessionTests {
  static let localTime = RadiaCodeLocalTime(
    year: 2026, month: 11, day: 27, hour: 9, minute: 15, second: 30)
  static let start = 100.0
  static let wall = Date(timeIntervalSince1970: 1_800_000_000)

  @Test func setUpSendsThePackagesSequence() throws {
    let device = ScriptedRadiaCode()
    var session = RadiaCodeSession(detectorID: "rc")
    let identity = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    let expected: [RadiaCodeRequest] = [
      .setExchange, try .setTime(Self.localTime), .zeroDeviceTime, .getVersion,
      .read(.configuration), .read(.dataBuffer),
    ]
    #expect(device.requests.count == expected.count)
    for (index, (sent, request)) in zip(device.requests, expected).enumerated() {
      #expect(sent == request.frame(sequence: UInt8(index)), "request \(index)")
    }
    // Literal bytes for the first three, from devices.md §5.2.
    #expect(device.requests[0] == [8, 0, 0, 0, 0x07, 0x00, 0x00, 0x80, 0x01, 0xFF, 0x12, 0xFF])
    #expect(
      device.requests[1] == [
        12, 0, 0, 0, 0x04, 0x0A, 0x00, 0x81, 27, 11, 26, 0, 30, 15, 9, 0,
      ])
    #expect(
      device.requests[2] == [12, 0, 0, 0, 0x25, 0x08, 0x00, 0x82, 0x04, 0x05, 0, 0, 0, 0, 0, 0])
    #expect(identity.firmware == "4.12")
    #expect(identity.model == "RadiaCode")
    #expect(session.spectrumFormat == 1)
    #expect(session.firmware?.boot.major == 4)
  }

  @Test func readingsComeFromRealTimeRecordsAndHostTime() throws {
    let device = ScriptedRadiaCode()
    // Left over from before the connection: drained by the set-up, never a reading.
    device.dataBuffers = [realTime([999])]
    var session = RadiaCodeSession(detectorID: "rc")
    _ = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)

    // Two RealTimeData records (10 and 20 cps) and a RareData record, 2 s after the set-up.
    device.dataBuffers = [realTime([10, 20]) + rareRecord(sequence: 2)]
    let first = try session.step(
      transport: device, monotonicSeconds: Self.start + 2, wallTime: Self.wall)
    #expect(first.count == 1)
    #expect(first.first?.counts == 30)
    #expect(first.first?.intervalSeconds == 2)
    #expect(first.first?.deviceRateCPS == 20)
    #expect(first.first?.monotonicSeconds == Self.start + 2)
    #expect(first.first?.wallTime == Self.wall)
    #expect(first.first?.detectorID == "rc")
    #expect(first.first?.spectrum == nil)

    // Nothing new: no reading, and the next one covers the whole gap.
    device.dataBuffers = [[]]
    #expect(
      try session.step(transport: device, monotonicSeconds: Self.start + 3, wallTime: Self.wall)
        .isEmpty)
    device.dataBuffers = [realTime([0.5])]
    let second = try session.step(
      transport: device, monotonicSeconds: Self.start + 5, wallTime: Self.wall)
    #expect(second.first?.intervalSeconds == 3)
    #expect(second.first?.counts == 1)  // 1.5 counts: the half is carried…
    device.dataBuffers = [realTime([0.5])]
    let third = try session.step(
      transport: device, monotonicSeconds: Self.start + 6, wallTime: Self.wall)
    #expect(third.first?.counts == 1)  // …and turns up here.
  }

  @Test func cumulativeSpectraBecomeOneIntervalReading() throws {
    let device = ScriptedRadiaCode()
    device.configuration = "SpecFormatVersion=0\n"
    device.spectra = [
      spectrum(duration: 100, [5, 0, 7, 1]),
      spectrum(duration: 110, [9, 0, 7, 4]),
    ]
    var session = RadiaCodeSession(detectorID: "rc", spectrumInterval: 10)
    _ = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    #expect(device.requests.last == RadiaCodeRequest.read(.spectrum).frame(sequence: 6))
    // Before the interval: DATA_BUF only, no reading (rate records are not readings here).
    device.dataBuffers = [realTime([30])]
    #expect(
      try session.step(transport: device, monotonicSeconds: Self.start + 5, wallTime: Self.wall)
        .isEmpty)
    #expect(device.spectra.count == 1)
    let readings = try session.step(
      transport: device, monotonicSeconds: Self.start + 10.5, wallTime: Self.wall)
    #expect(readings.count == 1)
    let reading = try #require(readings.first)
    #expect(reading.spectrum == [0: 4, 3: 3])
    #expect(reading.counts == 7)
    #expect(reading.intervalSeconds == 10.5)
    #expect(reading.monotonicSeconds == Self.start + 10.5)
    #expect(reading.deviceRateCPS == 30)
    #expect(reading.energyCalibration == [-5, 2.5, 0.25])
  }

  @Test func aSpectrumThatWentDownIsAResetAndANewBaseline() throws {
    let device = ScriptedRadiaCode()
    device.configuration = "SpecFormatVersion=0\n"
    device.spectra = [
      spectrum(duration: 100, [5, 2, 7]),
      spectrum(duration: 3, [6, 1, 7]),  // channel 1 went down: reset
      spectrum(duration: 13, [8, 1, 9]),
    ]
    var session = RadiaCodeSession(detectorID: "rc", spectrumInterval: 10)
    _ = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    #expect(
      try session.step(transport: device, monotonicSeconds: Self.start + 10, wallTime: Self.wall)
        .isEmpty)
    #expect(device.spectra.count == 1)
    let next = try session.step(
      transport: device, monotonicSeconds: Self.start + 20, wallTime: Self.wall)
    #expect(next.first?.spectrum == [0: 2, 2: 2])
    #expect(next.first?.counts == 4)
    #expect(next.first?.intervalSeconds == 10)
  }

  @Test func spectrumDifferenceRules() {
    let calibration = RadiaCodeCalibration(a0: 0, a1: 1, a2: 0)
    func make(_ duration: UInt32, _ counts: [Int]) -> RadiaCodeSpectrum {
      RadiaCodeSpectrum(durationSeconds: duration, calibration: calibration, counts: counts)
    }
    #expect(RadiaCodeSession.difference(from: make(1, [1, 2]), to: make(2, [1, 2]))?.total == 0)
    #expect(RadiaCodeSession.difference(from: make(1, [1, 2]), to: make(2, [1, 2, 3])) == nil)
    #expect(RadiaCodeSession.difference(from: make(5, [1, 2]), to: make(2, [3, 4])) == nil)
    #expect(RadiaCodeSession.difference(from: make(1, [0]), to: make(2, [1 << 40])) == nil)
  }

  @Test func nonsenseRatesAreIgnored() throws {
    let device = ScriptedRadiaCode()
    var session = RadiaCodeSession(detectorID: "rc")
    _ = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    device.dataBuffers = [realTime([-1, .nan, .infinity])]
    #expect(
      try session.step(transport: device, monotonicSeconds: Self.start + 1, wallTime: Self.wall)
        .isEmpty)
  }

  @Test func firmwareOlderThan4_8IsRefused() {
    let device = ScriptedRadiaCode()
    device.target = (major: 4, minor: 7)
    var session = RadiaCodeSession(detectorID: "rc")
    #expect(throws: RadiaCodeSessionError.unsupportedFirmware("4.7")) {
      try session.start(
        transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    }
    // Stopped right after GET_VERSION.
    #expect(device.requests.count == 4)
    #expect(
      RadiaCodeSessionError.unsupportedFirmware("4.7").description.contains("4.8 or later"))
  }

  @Test func transportFailureIsGone() throws {
    let device = ScriptedRadiaCode()
    var session = RadiaCodeSession(detectorID: "rc")
    _ = try session.start(
      transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
    device.failure = .gone("bulk IN: LIBUSB_ERROR_NO_DEVICE")
    do {
      _ = try session.step(transport: device, monotonicSeconds: Self.start + 1, wallTime: Self.wall)
      Issue.record("step succeeded on a vanished device")
    } catch {
      #expect(error == .transport(.gone("bulk IN: LIBUSB_ERROR_NO_DEVICE")))
      #expect(error.isGone)
    }

    let unplugged = ScriptedRadiaCode()
    unplugged.failure = .gone("bulk OUT: LIBUSB_ERROR_NO_DEVICE")
    var other = RadiaCodeSession(detectorID: "rc")
    #expect(throws: RadiaCodeSessionError.transport(.gone("bulk OUT: LIBUSB_ERROR_NO_DEVICE"))) {
      try other.start(
        transport: unplugged, localTime: Self.localTime, monotonicSeconds: Self.start)
    }
  }

  @Test func aReplyToAnotherRequestIsRejected() {
    let device = ScriptedRadiaCode()
    device.sequenceSkew = 1
    var session = RadiaCodeSession(detectorID: "rc")
    do {
      _ = try session.start(
        transport: device, localTime: Self.localTime, monotonicSeconds: Self.start)
      Issue.record("set-up accepted a reply with the wrong sequence number")
    } catch {
      guard case .reply(.headerMismatch) = error else {
        Issue.record("expected a header mismatch, got \(error)")
        return
      }
    }
  }
}

/// The threaded runner around the session, with scripted devices instead of libusb.
@Suite struct RadiaCodeDetectorTests {
  @Test func connectsReadsAndReconnectsAfterAnUnplug() async throws {
    let opens = Atomic<Int>(0)
    let detector = RadiaCodeDetector(id: "rc", target: "scripted", pollInterval: 0.05) {
      () throws(RadiaCodeTransportError) -> RadiaCodeDetector.Connection in
      let number = opens.add(1, ordering: .relaxed).newValue
      let device = ScriptedRadiaCode()
      device.steadyBuffer = realTime([40])
      // The first device vanishes after its set-up and three polls.
      if number == 1 { device.failAfter = 9 }
      return .init(transport: device, model: "RadiaCode-102", serial: "RC-102-0001", usbPort: "1-2")
    }
    let events = RadiaCodeEventLog()
    let task = Task { await detector.run(clock: DoseClock(), emit: events.append) }
    try await events.wait { log in
      let connections = log.filter(isConnected).count
      return connections == 2 && log.last.map(isReading) == true
    }
    task.cancel()
    await task.value
    let log = events.snapshot
    guard case .connected(_, let identity) = log.first else {
      Issue.record("first event is \(String(describing: log.first))")
      return
    }
    #expect(identity.model == "RadiaCode-102")
    #expect(identity.firmware == "4.12")
    #expect(identity.serial == "RC-102-0001")
    #expect(identity.port == "USB 1-2")
    let reasons = log.compactMap {
      if case .disconnected(_, let reason) = $0 { reason } else { nil }
    }
    #expect(reasons.count == 1)
    #expect(reasons.first?.hasPrefix("device gone") == true)
    let readings = log.compactMap { if case .reading(let reading) = $0 { reading } else { nil } }
    #expect(readings.count >= 3)
    for reading in readings {
      #expect(reading.deviceRateCPS == 40)
      #expect(abs(Double(reading.counts) - 40 * reading.intervalSeconds) < 1)
    }
  }

  @Test func anAbsentDeviceIsReportedOnce() async throws {
    let attempts = Atomic<Int>(0)
    let detector = RadiaCodeDetector(id: "rc", target: "0483:f123") {
      () throws(RadiaCodeTransportError) -> RadiaCodeDetector.Connection in
      attempts.add(1, ordering: .relaxed)
      throw .notFound("0483:f123")
    }
    let events = RadiaCodeEventLog()
    let task = Task { await detector.run(clock: DoseClock(), emit: events.append) }
    try await events.wait { _ in attempts.load(ordering: .relaxed) >= 2 }
    task.cancel()
    await task.value
    #expect(
      events.snapshot == [
        .disconnected(detectorID: "rc", reason: "no RadiaCode matching 0483:f123 is present")
      ])
  }

  @Test func matchBecomesASelector() throws {
    let plain = try RadiaCodeDetector.selector(for: DeviceMatch())
    #expect(plain == .init(vendorID: 0x0483, productID: 0xF123))
    let specific = try RadiaCodeDetector.selector(
      for: DeviceMatch(vendorID: "0483", productID: "F123", serial: "RC-1", usbPort: "1-2.3"))
    #expect(specific == .init(serial: "RC-1", usbPort: "1-2.3"))
    #expect(specific.summary == "0483:f123 serial RC-1 USB port 1-2.3")
    #expect(throws: RadiaCodeDetector.MatchError.invalidID("xyz")) {
      try RadiaCodeDetector.selector(for: DeviceMatch(vendorID: "xyz"))
    }
    #expect(throws: RadiaCodeDetector.MatchError.idPathUnsupported) {
      try RadiaCodeDetector.selector(for: DeviceMatch(idPath: "pci-0000:00:14.0-usb-0:2:1.0"))
    }
  }
}

private func isConnected(_ event: DriverEvent) -> Bool {
  if case .connected = event { return true }
  return false
}

private func isReading(_ event: DriverEvent) -> Bool {
  if case .reading = event { return true }
  return false
}

private final class RadiaCodeEventLog: Sendable {
  private let events = Mutex<[DriverEvent]>([])

  var snapshot: [DriverEvent] { events.withLock { $0 } }

  @Sendable func append(_ event: DriverEvent) { events.withLock { $0.append(event) } }

  /// Waits up to 5 s for `condition` to hold.
  func wait(_ condition: ([DriverEvent]) -> Bool) async throws {
    for _ in 0..<500 {
      if condition(snapshot) { return }
      try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out; events: \(snapshot)")
  }
}

/// A RadiaCode 10x in memory: answers the set-up and DATA_BUF reads, records what it was sent.
private final class ScriptedRadiaCode: RadiaCodeTransport {
  var requests: [[UInt8]] = []
  var target: (major: UInt16, minor: UInt16) = (4, 12)
  var configuration = "DeviceId=RC-102\nSpecFormatVersion=1\nChannelsCount=1024\n"
  /// Successive DATA_BUF contents; then `steadyBuffer`, or an empty buffer.
  var dataBuffers: [[UInt8]] = []
  var steadyBuffer: [UInt8] = []
  /// Successive SPECTRUM contents; then an empty spectrum.
  var spectra: [[UInt8]] = []
  var failure: RadiaCodeTransportError?
  /// After this many exchanges the device is unplugged.
  var failAfter = Int.max
  /// Added to the echoed sequence number, to play a desynchronised device.
  var sequenceSkew: UInt8 = 0

  func exchange(_ request: [UInt8], timeout: Double) throws(RadiaCodeTransportError) -> [UInt8] {
    requests.append(request)
    if let failure { throw failure }
    if requests.count > failAfter { throw .gone("bulk OUT: LIBUSB_ERROR_NO_DEVICE") }
    let command = UInt16(request[4]) | UInt16(request[5]) << 8
    let sequence = (request[7] &+ sequenceSkew) & 0x1F
    let arguments = Array(request[8...])
    let payload: [UInt8]
    switch RadiaCodeCommand(rawValue: command) {
    case .writeRegister: payload = RadiaCodeBytes.u32(1)
    case .getVersion:
      payload =
        RadiaCodeBytes.u16(0) + RadiaCodeBytes.u16(4) + pascal("Jan 10 2022")
        + RadiaCodeBytes.u16(target.minor) + RadiaCodeBytes.u16(target.major)
        + pascal("Sep 12 2024\0")
    case .readString:
      let id = RadiaCodeBytes.u32(arguments, at: 0)
      let data: [UInt8]
      switch RadiaCodeVirtualString(rawValue: id) {
      case .configuration: data = Array(configuration.utf8)
      case .dataBuffer: data = dataBuffers.isEmpty ? steadyBuffer : dataBuffers.removeFirst()
      case .spectrum: data = spectra.isEmpty ? [] : spectra.removeFirst()
      default: data = []
      }
      payload = RadiaCodeBytes.u32(1) + RadiaCodeBytes.u32(UInt32(data.count)) + data
    default: payload = []  // SET_EXCHANGE, SET_TIME: the package ignores the reply.
    }
    return RadiaCodeFrame.request(command: command, sequence: sequence, arguments: payload)
  }

  private func pascal(_ text: String) -> [UInt8] {
    [UInt8(text.utf8.count)] + Array(text.utf8)
  }
}

/// RealTimeData records (eid 0, gid 0, `<ffHHHB`) with consecutive sequence numbers from 0.
private func realTime(_ rates: [Float]) -> [UInt8] {
  var bytes: [UInt8] = []
  for (index, rate) in rates.enumerated() {
    bytes += [UInt8(index), 0, 0] + RadiaCodeBytes.u32(UInt32(index * 100))
    bytes += RadiaCodeBytes.u32(rate.bitPattern) + RadiaCodeBytes.u32(Float(0.0003).bitPattern)
    bytes += RadiaCodeBytes.u16(50) + RadiaCodeBytes.u16(60) + RadiaCodeBytes.u16(0x41) + [3]
  }
  return bytes
}

/// A SPECTRUM virtual string in format 0 (`SpecFormatVersion=0`): `<Ifff` duration, a0 −5,
/// a1 2.5, a2 0.25, then `<I` per channel.
private func spectrum(duration: UInt32, _ counts: [Int]) -> [UInt8] {
  var bytes = RadiaCodeBytes.u32(duration)
  for value in [Float(-5), 2.5, 0.25] { bytes += RadiaCodeBytes.u32(value.bitPattern) }
  return bytes + counts.flatMap { RadiaCodeBytes.u32(UInt32($0)) }
}

/// A RareData record (eid 0, gid 3, `<IfHHH`).
private func rareRecord(sequence: UInt8) -> [UInt8] {
  [sequence, 0, 3] + RadiaCodeBytes.u32(0) + RadiaCodeBytes.u32(3600)
    + RadiaCodeBytes.u32(Float(0.01).bitPattern) + RadiaCodeBytes.u16(4500)
    + RadiaCodeBytes.u16(9000) + RadiaCodeBytes.u16(0)
}
