import DoseCore
import Foundation
import Synchronization
import Testing

@testable import DetectorDrivers
@testable import DeviceEmulators

// CRC literals below were computed independently in Python, with a bit-by-bit CRC-16/MODBUS
// and with pymodbus 3.16.1's `FramerRTU.compute_CRC`, which agreed on every frame.

@Suite struct ModbusRTUTests {
  @Test func crcCheckValueAndKnownFrames() {
    // The catalogue check value of CRC-16/MODBUS over ASCII "123456789".
    #expect(ModbusRTU.crc16(Array("123456789".utf8)) == 0x4B37)
    #expect(ModbusRTU.withCRC([0x01, 0x03, 0x00, 0x00, 0x00, 0x0A]).suffix(2) == [0xC5, 0xCD])
    #expect(ModbusRTU.withCRC([0x11, 0x03, 0x00, 0x6B, 0x00, 0x03]).suffix(2) == [0x76, 0x87])
    #expect(ModbusRTU.withCRC([0x01, 0x83, 0x02]).suffix(2) == [0xC0, 0xF1])
    #expect(ModbusRTU.hasValidCRC([0x01, 0x04, 0x04, 0x00, 0x00, 0xFF, 0xFF, 0xFA, 0x34]))
    #expect(!ModbusRTU.hasValidCRC([0x01, 0x04, 0x04, 0x00, 0x00, 0xFF, 0xFF, 0x34, 0xFA]))
  }

  @Test func readRequestBytes() {
    #expect(
      ModbusRTU.readRequest(slave: 1, function: .readHoldingRegisters, address: 0, quantity: 10)
        == [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD])
    #expect(
      ModbusRTU.readRequest(slave: 1, function: .readInputRegisters, address: 0, quantity: 2)
        == [0x01, 0x04, 0x00, 0x00, 0x00, 0x02, 0x71, 0xCB])
    #expect(
      ModbusRTU.readRequest(slave: 247, function: .readHoldingRegisters, address: 100, quantity: 2)
        == [0xF7, 0x03, 0x00, 0x64, 0x00, 0x02, 0x91, 0x42])
  }

  @Test func responseParsing() throws {
    let frame: [UInt8] = [0x01, 0x03, 0x04, 0x00, 0x01, 0x00, 0x02, 0x2A, 0x32]
    #expect(ModbusRTU.responseLength(quantity: 2) == frame.count)
    let registers = try ModbusRTU.parseResponse(
      frame, slave: 1, function: .readHoldingRegisters, quantity: 2)
    #expect(registers == [1, 2])

    var corrupt = frame
    corrupt[4] ^= 0x10
    #expect(throws: ModbusFrameError.crcMismatch) {
      try ModbusRTU.parseResponse(corrupt, slave: 1, function: .readHoldingRegisters, quantity: 2)
    }
    #expect(throws: ModbusFrameError.wrongSlave(expected: 2, found: 1)) {
      try ModbusRTU.parseResponse(frame, slave: 2, function: .readHoldingRegisters, quantity: 2)
    }
    // A well-formed reply to another function or of another length is malformed.
    #expect {
      try ModbusRTU.parseResponse(frame, slave: 1, function: .readInputRegisters, quantity: 2)
    } throws: { ($0 as? ModbusFrameError).map { "\($0)" }?.contains("function 3") == true }
    #expect {
      try ModbusRTU.parseResponse(frame, slave: 1, function: .readHoldingRegisters, quantity: 1)
    } throws: { ($0 as? ModbusFrameError).map { "\($0)" }?.contains("byte count 4") == true }
  }

  @Test func exceptionResponses() {
    let illegalAddress: [UInt8] = [0x01, 0x83, 0x02, 0xC0, 0xF1]
    #expect(throws: ModbusFrameError.exception(ModbusException(code: 2))) {
      try ModbusRTU.parseResponse(
        illegalAddress, slave: 1, function: .readHoldingRegisters, quantity: 1)
    }
    let inputRegisterException: [UInt8] = [0x01, 0x84, 0x02, 0xC2, 0xC1]
    #expect(throws: ModbusFrameError.exception(ModbusException(code: 2))) {
      try ModbusRTU.parseResponse(
        inputRegisterException, slave: 1, function: .readInputRegisters, quantity: 2)
    }
    let names = [1, 2, 3, 4, 6].map { ModbusException(code: UInt8($0)).name }
    #expect(
      names == [
        "illegal function", "illegal data address", "illegal data value",
        "server device failure", "server device busy",
      ])
    #expect("\(ModbusException(code: 2))" == "exception 2 (illegal data address)")
  }

  @Test func dataTypesAndWordOrders() {
    #expect(ModbusDataType.u16.value([0xFFFF], order: .big) == 65535)
    #expect(ModbusDataType.u32.value([0x0001, 0x0002], order: .big) == 65538)
    #expect(ModbusDataType.u32.value([0x0001, 0x0002], order: .little) == 131073)
    #expect(ModbusDataType.u32.raw([0xFFFF, 0xFFFE], order: .big) == 0xFFFF_FFFE)
    #expect(ModbusDataType.i32.value([0xFFFF, 0xFFFE], order: .big) == -2)
    #expect(ModbusDataType.i32.value([0xFFFE, 0xFFFF], order: .little) == -2)
    // IEEE 754 binary32: 12.5 = 0x41480000, -1 = 0xBF800000 (Python struct.pack('>f', …)).
    #expect(ModbusDataType.f32.value([0x4148, 0x0000], order: .big) == 12.5)
    #expect(ModbusDataType.f32.value([0x0000, 0x4148], order: .little) == 12.5)
    #expect(ModbusDataType.f32.value([0xBF80, 0x0000], order: .big) == -1)
    #expect(ModbusDataType.u16.registerCount == 1 && ModbusDataType.f32.registerCount == 2)
  }

  @Test func interFrameSilence() {
    // 3.5 characters of 11 bits at 9600 baud; fixed 1.75 ms above 19200.
    #expect(abs(ModbusSession.interFrameSilence(baud: 9600) - 0.004_010_4) < 1e-6)
    #expect(ModbusSession.interFrameSilence(baud: 38400) == 0.00175)
  }
}

// MARK: - Session against the Swift emulator

/// Events a detector reported, safe to append from its thread.
final class ModbusEventLog: Sendable {
  private let events = Mutex<[DriverEvent]>([])
  func append(_ event: DriverEvent) { events.withLock { $0.append(event) } }
  var all: [DriverEvent] { events.withLock { $0 } }

  var readings: [Reading] {
    all.compactMap {
      if case .reading(let reading) = $0 { return reading }
      return nil
    }
  }
  var disconnectReasons: [String] {
    all.compactMap {
      if case .disconnected(_, let reason) = $0 { return reason }
      return nil
    }
  }
  var lastCounters: LinkCounters? {
    all.compactMap {
      if case .counters(_, let counters) = $0 { return counters }
      return nil
    }.last
  }
}

/// Runs a Modbus detector on `path` until `until` holds or `seconds` pass, then stops it.
func runModbusDetector(
  path: String, options: ModbusOptions, seconds: Double = 15,
  until: @escaping @Sendable (ModbusEventLog) -> Bool
) async throws -> ModbusEventLog {
  let log = ModbusEventLog()
  let detector = SerialDetector(id: "probe", path: path, bauds: [9600]) {
    ModbusSession(detectorID: "probe", options: options)
  }
  let task = Task { await detector.run(clock: DoseClock()) { log.append($0) } }
  defer { task.cancel() }
  let deadline = ContinuousClock.now + .seconds(seconds)
  while !until(log) && ContinuousClock.now < deadline {
    try await Task.sleep(for: .milliseconds(20))
  }
  task.cancel()
  await task.value
  return log
}

/// The test's emulator, with replies rewritten by `mangle(replyNumber, reply)`.
struct MangledModbus: DeviceEmulator {
  var inner: ModbusEmulator
  var replies = 0
  let mangle: (Int, [UInt8]) -> [UInt8]

  mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    let reply = inner.receive(bytes, at: time)
    guard !reply.isEmpty else { return reply }
    replies += 1
    return mangle(replies, reply)
  }

  mutating func tick(at time: Double) -> [UInt8] { inner.tick(at: time) }
}

@Suite(.serialized) struct ModbusEmulatorSessionTests {
  func link() -> String { "/tmp/dosed-modbus-\(UUID().uuidString.prefix(8))" }

  func options(
    register: UInt16 = ModbusEmulator.counter32Register, type: ModbusDataType = .u32,
    slave: UInt8 = 1
  ) -> ModbusOptions {
    var options = ModbusOptions(slave: slave, register: register, quantity: .counts)
    options.dataType = type
    options.pollIntervalSeconds = 0.25
    return options
  }

  /// Σcounts against λ·Σinterval, within 5 Poisson sigmas.
  func expectPoisson(_ readings: [Reading], cps: Double) {
    let counts = Double(readings.map(\.counts).reduce(0, +))
    let expected = cps * readings.map(\.intervalSeconds).reduce(0, +)
    #expect(abs(counts - expected) < 5 * expected.squareRoot(), "\(counts) vs \(expected)")
  }

  @Test func countsRegisterDeliversPoissonCountsOverHostIntervals() async throws {
    let path = link()
    let host = try EmulatorHost(
      emulator: ModbusEmulator(source: CountSource(cpm: 6000, seed: 3)), link: path)
    host.start()
    defer { host.unplug() }
    let log = try await runModbusDetector(path: path, options: options()) {
      $0.readings.count >= 8
    }
    guard case .connected(_, let identity) = log.all.first else {
      Issue.record("expected connected first, got \(log.all)")
      return
    }
    #expect(identity.model == "Modbus RTU probe (slave 1)")
    #expect(identity.baud == 9600)
    let readings = log.readings
    #expect(readings.count >= 8)
    #expect(readings.allSatisfy { abs($0.intervalSeconds - 0.25) < 0.1 })
    #expect(readings.allSatisfy { $0.deviceRateCPS == nil })
    expectPoisson(readings, cps: 100)
  }

  @Test func u16CounterWrapsWithoutLosingCounts() async throws {
    let path = link()
    let emulator = ModbusEmulator(
      source: CountSource(cpm: 6000, seed: 5), initialTotal: 65_500)
    let host = try EmulatorHost(emulator: emulator, link: path)
    host.start()
    defer { host.unplug() }
    let options = options(register: ModbusEmulator.counter16Register, type: .u16)
    let log = try await runModbusDetector(path: path, options: options) {
      $0.readings.count >= 6
    }
    #expect(log.readings.allSatisfy { $0.counts < 200 })
    expectPoisson(log.readings, cps: 100)
  }

  @Test func unknownRegisterAndSilentSlaveAreReportedAsDisconnected() async throws {
    let path = link()
    let host = try EmulatorHost(
      emulator: ModbusEmulator(source: CountSource(cpm: 60)), link: path)
    host.start()
    defer { host.unplug() }
    let unknown = try await runModbusDetector(path: path, options: options(register: 7)) {
      !$0.disconnectReasons.isEmpty
    }
    #expect(unknown.disconnectReasons.first?.contains("exception 2 (illegal data address)") == true)
    let silent = try await runModbusDetector(path: path, options: options(slave: 9)) {
      !$0.disconnectReasons.isEmpty
    }
    #expect(silent.disconnectReasons.first?.contains("timed out") == true)
  }

  @Test func badCRCIsCountedAndSkipped() async throws {
    let path = link()
    let emulator = MangledModbus(inner: ModbusEmulator(source: CountSource(cpm: 600))) {
      number, reply in
      number == 3 ? reply.dropLast() + [reply.last! ^ 0xFF] : reply
    }
    let host = try EmulatorHost(emulator: emulator, link: path)
    host.start()
    defer { host.unplug() }
    let log = try await runModbusDetector(path: path, options: options()) {
      $0.readings.count >= 3
    }
    #expect(log.lastCounters?.checksumFailures == 1)
    #expect(log.disconnectReasons.isEmpty)
    // The reading after the bad reply spans both polls: no time is lost.
    #expect(log.readings.contains { $0.intervalSeconds > 0.4 })
  }

  @Test func threeExceptionsInARowMeanTheDeviceIsGone() async throws {
    let path = link()
    // Replies 1 (start) and 2 are good, then the device is busy for good (exception 6).
    let emulator = MangledModbus(inner: ModbusEmulator(source: CountSource(cpm: 600))) {
      number, reply in
      number <= 2 ? reply : ModbusRTU.withCRC([reply[0], reply[1] | 0x80, 6])
    }
    let host = try EmulatorHost(emulator: emulator, link: path)
    host.start()
    defer { host.unplug() }
    let log = try await runModbusDetector(path: path, options: options()) {
      !$0.disconnectReasons.isEmpty
    }
    #expect(log.readings.count == 1)
    // The third error ends the session before its counters are reported.
    #expect((log.lastCounters?.deviceErrors ?? 0) >= 2)
    let reason = log.disconnectReasons.first ?? ""
    #expect(reason.contains("failed 3 polls in a row"), "\(reason)")
    #expect(reason.contains("exception 6 (server device busy)"), "\(reason)")
  }
}
