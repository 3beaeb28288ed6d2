import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers

/// RadiaCode 10x codec (devices.md §5). Differential tests against the `radiacode` package
/// (`scripts/test-peers/radiacode_vectors.py`), literal vectors, and a fuzz run.
///
/// Needs `python3 -m pip install radiacode==0.4.0`; without it the differential tests fail and
/// say so.
@Suite struct RadiaCodeCodecTests {
  // MARK: Differential, against the Python package

  @Test func requestsAndRepliesMatchThePackage() async throws {
    let vectors = try await RadiaCodeVectors.load()
    let exchanges = try #require(vectors["exchanges"] as? [[String: Any]])
    #expect(exchanges.count == 20)
    for exchange in exchanges {
      let name = try #require(exchange["name"] as? String)
      let request = try #require(exchange["request"] as? String)
      let reply = try hexBytes(try #require(exchange["reply"] as? String))
      let sequence = UInt8(try #require(exchange["next_seq"] as? Int) + 31) % 32
      let expected = exchange["ok"]
      let failed = exchange["error"] != nil
      let swift = try RadiaCodeExchange.named(name)
      #expect(hex(swift.request.frame(sequence: sequence)) == request, "\(name)")
      // The device echoes the header; wrap the reply as it arrives on the wire.
      let header = swift.request.header(sequence: sequence)
      let frame = RadiaCodeBytes.u32(UInt32(4 + reply.count)) + header.bytes + reply
      let payload = try RadiaCodeFrame.payload(ofResponse: frame, to: header)
      #expect(payload == reply, "\(name)")
      let result = Result { try swift.parse(payload) }
      switch result {
      case .success(let value):
        #expect(!failed, "\(name): package failed, Swift gave \(value)")
        if !failed, let expected {
          #expect(same(value, expected), "\(name): Swift \(value) vs package \(expected)")
        }
      case .failure(let error):
        #expect(failed, "\(name): Swift threw \(error), package gave \(expected ?? "nil")")
      }
    }
  }

  @Test func dataBufferMatchesThePackage() async throws {
    let vectors = try await RadiaCodeVectors.load()
    let cases = try #require(vectors["databuf"] as? [[String: Any]])
    #expect(cases.count > 60)
    for testCase in cases {
      let name = try #require(testCase["name"] as? String)
      let decoded = RadiaCodeDataBuffer.decode(
        try hexBytes(try #require(testCase["data"] as? String)))
      guard let expected = testCase["ok"] as? [[String: Any]] else {
        // The package raises only for a record that runs past the end.
        guard case .truncatedRecord = decoded.end else {
          Issue.record("\(name): package raised, Swift ended with \(decoded.end)")
          continue
        }
        continue
      }
      let returned = decoded.records.filter(\.body.isReturnedByPackage)
      #expect(returned.count == expected.count, "\(name): \(decoded.records)")
      for (record, json) in zip(returned, expected) {
        #expect(matches(record, json), "\(name): \(record) vs \(json)")
      }
      if case .truncatedRecord = decoded.end { Issue.record("\(name): \(decoded.end)") }
    }
  }

  @Test func spectraMatchThePackage() async throws {
    let vectors = try await RadiaCodeVectors.load()
    let cases = try #require(vectors["spectra"] as? [[String: Any]])
    #expect(cases.count > 20)
    for testCase in cases {
      let name = try #require(testCase["name"] as? String)
      let data = try hexBytes(try #require(testCase["data"] as? String))
      let format = try #require(testCase["format"] as? Int)
      let result = Result { () throws(RadiaCodeError) in
        try RadiaCodeSpectrum.decode(data, format: format)
      }
      switch (result, testCase["ok"] as? [String: Any]) {
      case (.success(let spectrum), let expected?):
        #expect(same(spectrum, expected), "\(name): \(spectrum) vs \(expected)")
      case (.failure, nil):
        break
      case (let result, let expected):
        Issue.record("\(name): Swift \(result) vs package \(expected ?? ["error": "raised"])")
      }
    }
  }

  // MARK: Literal vectors

  /// SET_EXCHANGE, first request of a session (`radiacode.py` line 105), sequence 0:
  /// length 8 (4-byte header + 4 arguments), command 0x0007 little-endian, 0x00, 0x80 + 0,
  /// then the arguments `01 ff 12 ff`.
  @Test func setExchangeLiteral() {
    #expect(
      RadiaCodeRequest.setExchange.frame(sequence: 0)
        == [0x08, 0, 0, 0, 0x07, 0x00, 0x00, 0x80, 0x01, 0xFF, 0x12, 0xFF])
  }

  /// SET_TIME for 2024-03-05 14:07:09 (`radiacode.py` line 270): day 5, month 3, year 24, 0,
  /// second 9, minute 7, hour 14 (0x0e), 0; command 0x0A04 → `04 0a`; sequence 1 → 0x81.
  @Test func setTimeLiteral() throws {
    let time = RadiaCodeLocalTime(year: 2024, month: 3, day: 5, hour: 14, minute: 7, second: 9)
    #expect(
      try RadiaCodeRequest.setTime(time).frame(sequence: 1)
        == [0x0C, 0, 0, 0, 0x04, 0x0A, 0x00, 0x81, 5, 3, 24, 0, 9, 7, 14, 0])
    var late = time
    late.year = 2256
    #expect(throws: RadiaCodeError.self) { try RadiaCodeRequest.setTime(late) }
  }

  /// RD_VIRT_STRING (0x0826 → `26 08`) of DATA_BUF (0x100 → `00 01 00 00`), sequence 31 →
  /// 0x9f; the counter then wraps to 0 (`radiacode.py` line 158).
  @Test func readDataBufferLiteralAndSequenceWrap() {
    #expect(
      RadiaCodeRequest.read(.dataBuffer).frame(sequence: 31)
        == [0x08, 0, 0, 0, 0x26, 0x08, 0x00, 0x9F, 0x00, 0x01, 0x00, 0x00])
    var sequence = RadiaCodeSequence(startingAt: 30)
    #expect([sequence.advance(), sequence.advance(), sequence.advance()] == [30, 31, 0])
  }

  /// Response framing: length 8 = header + `01 00 00 00` (WR_VIRT_SFR acknowledgement).
  @Test func responseFramingErrors() throws {
    let header = RadiaCodeHeader(command: 0x0825, sequence: 2)
    let good: [UInt8] = [0x08, 0, 0, 0, 0x25, 0x08, 0x00, 0x82, 1, 0, 0, 0]
    let payload = try RadiaCodeFrame.payload(ofResponse: good, to: header)
    #expect(payload == [1, 0, 0, 0])
    try RadiaCodeReply.writeAcknowledged(payload)
    #expect(throws: RadiaCodeError.truncated(needed: 12, available: 11)) {
      try RadiaCodeFrame.payload(ofResponse: Array(good.dropLast()), to: header)
    }
    #expect(throws: RadiaCodeError.truncated(needed: 4, available: 2)) {
      try RadiaCodeFrame.payload(ofResponse: [8, 0], to: header)
    }
    #expect(throws: RadiaCodeError.lengthMismatch(declared: 8, actual: 9)) {
      try RadiaCodeFrame.payload(ofResponse: good + [0], to: header)
    }
    var echo = good
    echo[7] = 0x83  // the previous request's answer arriving late
    #expect(throws: RadiaCodeError.self) {
      try RadiaCodeFrame.payload(ofResponse: echo, to: header)
    }
    #expect(throws: RadiaCodeError.implausibleLength(0xFFFF_FFFF)) {
      try RadiaCodeFrame.responseSize(startingWith: [0xFF, 0xFF, 0xFF, 0xFF])
    }
    #expect(throws: RadiaCodeError.implausibleLength(3)) {
      try RadiaCodeFrame.responseSize(startingWith: [3, 0, 0, 0])
    }
    #expect(try RadiaCodeFrame.responseSize(startingWith: [8, 0, 0]) == nil)
    #expect(throws: RadiaCodeError.returnCode(0)) {
      try RadiaCodeReply.writeAcknowledged([0, 0, 0, 0])
    }
  }

  /// A RealTimeData record built by hand from `databuf.py` line 24 (`<ffHHHB`): seq 7,
  /// eid 0, gid 0, offset 100 ticks; 12.5 cps = 0x41480000, dose 0.5 = 0x3f000000,
  /// errors 35 → 3.5 %, 72 → 7.2 %, flags 0x0041, rt_flags 3; then an Event (gid 7,
  /// `<BBH`) DOSE_RATE_ALARM1 = 9 with seq 8.
  @Test func dataBufferLiteral() {
    let bytes: [UInt8] =
      [7, 0, 0, 100, 0, 0, 0, 0x00, 0x00, 0x48, 0x41, 0x00, 0x00, 0x00, 0x3F, 35, 0, 72, 0]
      + [0x41, 0x00, 3] + [8, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 9, 1, 2, 0]
    let buffer = RadiaCodeDataBuffer.decode(bytes)
    #expect(buffer.end == .complete)
    #expect(
      buffer.records == [
        RadiaCodeRecord(
          sequence: 7, timeOffsetTicks: 100,
          body: .realTime(
            countRate: 12.5, doseRate: 0.5, countRateErrorPercent: 3.5,
            doseRateErrorPercent: 7.2, flags: 0x41, realTimeFlags: 3)),
        RadiaCodeRecord(
          sequence: 8, timeOffsetTicks: -1, body: .event(event: 9, parameter: 1, flags: 2)),
      ])
    #expect(RadiaCodeEventID(rawValue: 9) == .doseRateAlarm1)
    // Sample block (eid 1, gid 2: 16 bytes a sample) of 1 sample, then an unknown gid 99.
    let samples: [UInt8] =
      [0, 1, 2, 0, 0, 0, 0, 1, 0, 10, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
    let unknown: [UInt8] = [1, 0, 99, 0, 0, 0, 0, 1, 2, 3]
    let stopped = RadiaCodeDataBuffer.decode(samples + unknown)
    #expect(stopped.records.map(\.body) == [.samples(gid: 2, count: 1, periodMilliseconds: 10)])
    #expect(stopped.end == .unknownRecord(eid: 0, gid: 99, remaining: 3))
  }

  /// Format 1 (`spectrum.py` lines 14-40): header `0x0021` = 2 values of width 1 (absolute
  /// u8: 5, 6); `0x0012` = 1 value of width 2 (i8 delta −1 → 5); `0x0014` = 1 value of
  /// width 4 (24-bit `00 00 ff` = −65536 → −65531).
  @Test func spectrumFormat1Literal() throws {
    let head: [UInt8] = [60, 0, 0, 0] + [UInt8](repeating: 0, count: 12)
    let runs: [UInt8] = [0x21, 0x00, 5, 6, 0x12, 0x00, 0xFF, 0x14, 0x00, 0x00, 0x00, 0xFF]
    let spectrum = try RadiaCodeSpectrum.decode(head + runs, format: 1)
    #expect(spectrum.durationSeconds == 60)
    #expect(spectrum.counts == [5, 6, 5, -65531])
    #expect(throws: RadiaCodeError.unsupportedSpectrumEncoding(6)) {
      try RadiaCodeSpectrum.decode(head + [0x16, 0x00], format: 1)
    }
    // 4095 zero channels in two bytes (0xfff0), five times: more than the bound.
    let zeros = [UInt8]([0xF0, 0xFF]).repeated(5)
    #expect(throws: RadiaCodeError.tooManyChannels) {
      try RadiaCodeSpectrum.decode(head + zeros, format: 1)
    }
    let text = Array("Name=x\r\nSpecFormatVersion=1\r\n".utf8)
    #expect(try RadiaCodeReply.spectrumFormat(configuration: text) == 1)
    #expect(try RadiaCodeReply.spectrumFormat(configuration: Array("A=1".utf8)) == 0)
  }

  // MARK: Fuzz

  @Test func randomBytesNeverCrashAnyParser() {
    var rng = SeededGenerator(seed: 0x5241_4449_4143_4F44)
    let header = RadiaCodeHeader(command: 0x0826, sequence: 5)
    var errors = 0
    for _ in 0..<10_000 {
      let count = Int(rng.next() % 96)
      var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      if rng.next() % 2 == 0, bytes.count >= 8 {
        // Half the time make the frame plausible so the deeper checks run too.
        bytes.replaceSubrange(0..<4, with: RadiaCodeBytes.u32(UInt32(bytes.count - 4)))
        bytes.replaceSubrange(4..<8, with: header.bytes)
      }
      let parsers: [() throws -> Void] = [
        { _ = try RadiaCodeFrame.responseSize(startingWith: bytes) },
        { _ = try RadiaCodeFrame.payload(ofResponse: bytes, to: header) },
        { _ = try RadiaCodeReply.virtualString(bytes) },
        { try RadiaCodeReply.writeAcknowledged(bytes) },
        { _ = try RadiaCodeReply.status(bytes) },
        { _ = try RadiaCodeReply.version(bytes) },
        { _ = try RadiaCodeReply.hardwareSerial(bytes) },
        { _ = try RadiaCodeReply.firmwareSignature(bytes) },
        { _ = try RadiaCodeReply.registers(bytes, for: [.countRate, .temperature]) },
        { _ = try RadiaCodeReply.energyCalibration(bytes) },
        { _ = try RadiaCodeReply.spectrumFormat(configuration: bytes) },
        { _ = try RadiaCodeSpectrum.decode(bytes, format: 0) },
        { _ = try RadiaCodeSpectrum.decode(bytes, format: 1) },
        { _ = RadiaCodeDataBuffer.decode(bytes) },
      ]
      for parse in parsers {
        do { try parse() } catch is RadiaCodeError { errors += 1 } catch {
          Issue.record("not a RadiaCodeError: \(error)")
        }
      }
    }
    #expect(errors > 10_000)
  }
}

// MARK: - Helpers

/// Runs the generator; fails with an install hint when the package is missing.
enum RadiaCodeVectors {
  static let install = "python3 -m pip install radiacode==0.4.0"

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static var script: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // DetectorDriversTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // repository root
      .appendingPathComponent("scripts/test-peers/radiacode_vectors.py").path
  }

  /// Runs the generator on a thread of its own: importing the package takes a while, and a
  /// blocked test thread would starve the timing-sensitive tests running beside it.
  static func load() async throws -> [String: Any] {
    let data = try await withCheckedThrowingContinuation {
      (done: CheckedContinuation<Data, any Error>) in
      Thread { done.resume(with: Result { try generate() }) }.start()
    }
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let version = json["package_version"] as? String
    guard version == json["expected_version"] as? String else {
      throw Failure(description: "radiacode \(version ?? "?") installed; \(install)")
    }
    return json
  }

  static func generate() throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw Failure(description: "cannot run python3 (\(error)); then \(install)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description:
          "radiacode_vectors.py exited \(process.terminationStatus): \(message) — \(install)")
    }
    return data
  }
}

/// The Swift side of each named exchange in the generator.
struct RadiaCodeExchange {
  let request: RadiaCodeRequest
  let parse: ([UInt8]) throws -> Any

  static let batch: [RadiaCodeRegister] = [
    .countRate, .doseRateMicroRoentgenPerHour, .doseMicroRoentgen, .temperature,
  ]

  static func named(_ name: String) throws -> RadiaCodeExchange {
    let none: ([UInt8]) throws -> Any = { _ in NSNull() }
    let string: ([UInt8]) throws -> Any = {
      String(decoding: try RadiaCodeReply.virtualString($0), as: UTF8.self)
    }
    let dataBuffer: ([UInt8]) throws -> Any = {
      RadiaCodeDataBuffer.decode(try RadiaCodeReply.virtualString($0)).records
    }
    switch name {
    case "set_exchange": return .init(request: .setExchange, parse: none)
    case "set_time":
      let time = RadiaCodeLocalTime(year: 2024, month: 3, day: 5, hour: 14, minute: 7, second: 9)
      return .init(request: try RadiaCodeRequest.setTime(time), parse: none)
    case "device_time_zero", "spectrum_reset", "dose_reset":
      let request: RadiaCodeRequest =
        name == "device_time_zero"
        ? .zeroDeviceTime : name == "dose_reset" ? .resetDose : .resetSpectrum
      return .init(request: request) {
        try RadiaCodeReply.writeAcknowledged($0)
        return NSNull()
      }
    case "fw_version": return .init(request: .getVersion) { try RadiaCodeReply.version($0) }
    case "configuration": return .init(request: .read(.configuration), parse: string)
    case "serial_number", "read_bad_retcode", "read_bad_length":
      return .init(request: .read(.serialNumber), parse: string)
    case "hw_serial_number":
      return .init(request: .getSerial) { try RadiaCodeReply.hardwareSerial($0) }
    case "fw_signature":
      return .init(request: .firmwareSignature) { try RadiaCodeReply.firmwareSignature($0) }
    case "status", "seq_wraps":
      return .init(request: .getStatus) { try RadiaCodeReply.status($0) }
    case "energy_calib":
      return .init(request: .read(.energyCalibration)) {
        try RadiaCodeReply.energyCalibration(try RadiaCodeReply.virtualString($0))
      }
    case "batch_read", "batch_read_invalid":
      return .init(request: try .read(batch)) { try RadiaCodeReply.registers($0, for: batch) }
    case "spectrum_v0":
      return .init(request: .read(.spectrum)) {
        try RadiaCodeSpectrum.decode(try RadiaCodeReply.virtualString($0), format: 0).counts
      }
    case "spectrum_accum_v1":
      return .init(request: .read(.accumulatedSpectrum)) {
        try RadiaCodeSpectrum.decode(try RadiaCodeReply.virtualString($0), format: 1).counts
      }
    case "data_buf_extra_nul": return .init(request: .read(.dataBuffer), parse: dataBuffer)
    default: throw RadiaCodeVectors.Failure(description: "no Swift exchange named \(name)")
    }
  }
}

/// Compares a Swift result with the package's JSON result (shape per exchange).
private func same(_ value: Any, _ expected: Any) -> Bool {
  switch value {
  case is NSNull: return expected is NSNull
  case let text as String: return text == expected as? String
  case let flags as UInt32:
    return expected as? String == "status flags: (\(flags),)"
  case let counts as [Int]: return counts == expected as? [Int]
  case let version as RadiaCodeFirmwareVersion:
    guard let parts = expected as? [[Any]], parts.count == 2 else { return false }
    return zip([version.boot, version.target], parts).allSatisfy { part, json in
      json.count == 3 && json[0] as? Int == Int(part.major)
        && json[1] as? Int == Int(part.minor) && json[2] as? String == part.date
    }
  case let signature as RadiaCodeFirmwareSignature:
    let word = String(signature.signature, radix: 16, uppercase: true)
    let text =
      "Signature: \(String(repeating: "0", count: 8 - word.count) + word), "
      + "FileName=\"\(signature.fileName)\", IdString=\"\(signature.idString)\""
    return text == expected as? String
  case let calibration as RadiaCodeCalibration:
    return [calibration.a0, calibration.a1, calibration.a2]
      == (expected as? [Double])?.map(Float.init)
  case let registers as [RadiaCodeRegisterValue]:
    guard let json = expected as? [Double], json.count == registers.count else { return false }
    return zip(registers, json).allSatisfy { register, number in
      switch register {
      case .unsigned(let value): return Double(value) == number
      case .signed(let value): return Double(value) == number
      case .float(let value): return value == Float(number)
      case .bool(let value): return (value ? 1.0 : 0.0) == number
      }
    }
  case let records as [RadiaCodeRecord]:
    guard let json = expected as? [[String: Any]], json.count == records.count else {
      return false
    }
    return zip(records, json).allSatisfy { matches($0, $1) }
  case let spectrum as RadiaCodeSpectrum:
    guard let json = expected as? [String: Any] else { return false }
    return json["duration"] as? Int == Int(spectrum.durationSeconds)
      && (json["a0"] as? Double).map(Float.init) == spectrum.calibration.a0
      && (json["a1"] as? Double).map(Float.init) == spectrum.calibration.a1
      && (json["a2"] as? Double).map(Float.init) == spectrum.calibration.a2
      && json["counts"] as? [Int] == spectrum.counts
  default: return false
  }
}

private func matches(_ record: RadiaCodeRecord, _ json: [String: Any]) -> Bool {
  func number(_ key: String) -> Double? { json[key] as? Double }
  // f32 fields compare as Float: Foundation's JSON parser is not always correctly rounded at
  // 17 significant digits, but it is always within half a Float ulp.
  func float(_ key: String) -> Float? { number(key).map(Float.init) }
  guard json["ticks"] as? Int == Int(record.timeOffsetTicks) else { return false }
  switch record.body {
  case .realTime(let cps, let dose, let cpsError, let doseError, let flags, let rtFlags):
    return json["type"] as? String == "realTime" && float("count_rate") == cps
      && float("dose_rate") == dose && number("count_rate_err") == cpsError
      && number("dose_rate_err") == doseError && json["flags"] as? Int == Int(flags)
      && json["rt_flags"] as? Int == Int(rtFlags)
  case .raw(let cps, let dose):
    return json["type"] as? String == "raw" && float("count_rate") == cps
      && float("dose_rate") == dose
  case .doseRateDB(let count, let cps, let dose, let doseError, let flags):
    return json["type"] as? String == "doseRateDB" && json["count"] as? Int == Int(count)
      && float("count_rate") == cps && float("dose_rate") == dose
      && number("dose_rate_err") == doseError && json["flags"] as? Int == Int(flags)
  case .rare(let duration, let dose, let temperature, let charge, let flags):
    return json["type"] as? String == "rare" && json["duration"] as? Int == Int(duration)
      && float("dose") == dose && number("temperature") == temperature
      && number("charge_level") == charge && json["flags"] as? Int == Int(flags)
  case .event(let event, let parameter, let flags):
    return json["type"] as? String == "event" && json["event"] as? Int == Int(event)
      && json["param"] as? Int == Int(parameter) && json["flags"] as? Int == Int(flags)
  default:
    return false
  }
}

private func hex(_ bytes: [UInt8]) -> String {
  bytes.map { String(format: "%02x", $0) }.joined()
}

private func hexBytes(_ text: String) throws -> [UInt8] {
  let digits = Array(text.utf8)
  guard digits.count % 2 == 0 else {
    throw RadiaCodeVectors.Failure(description: "odd hex length")
  }
  return try stride(from: 0, to: digits.count, by: 2).map { index in
    guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)
    else { throw RadiaCodeVectors.Failure(description: "bad hex \(text)") }
    return byte
  }
}

extension Array {
  fileprivate func repeated(_ times: Int) -> [Element] {
    (0..<times).flatMap { _ in self }
  }
}
