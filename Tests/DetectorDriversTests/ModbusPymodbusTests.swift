import DoseCore
import Foundation
import Testing

@testable import DetectorDrivers

/// The Modbus driver against a real, independent peer: pymodbus's RTU serial server
/// (`scripts/test-peers/modbus_server.py`) on one end of a socat pty pair.
///
/// Needs `socat` and `python3 -m pip install "pymodbus[serial]==3.16.1"`; without them these
/// tests fail and say what to install.
@Suite(.serialized) struct ModbusPymodbusTests {
  func options(
    _ function: ModbusFunction, register: UInt16, type: ModbusDataType,
    quantity: ModbusOptions.Quantity = .counts
  ) -> ModbusOptions {
    var options = ModbusOptions(slave: 1, register: register, quantity: quantity)
    options.function = function
    options.dataType = type
    options.pollIntervalSeconds = 0.3
    return options
  }

  /// Counts the server adds per request (`--per-request`): one request a poll, so every
  /// reading must hold exactly this many, whenever the polls happen, across the wrap too.
  static let perRequest = 40

  func expectExactCounts(_ readings: [Reading], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(readings.count >= 8, sourceLocation: sourceLocation)
    for reading in readings {
      #expect(
        reading.counts == UInt64(Self.perRequest),
        "\(reading.counts) counts in \(reading.intervalSeconds) s", sourceLocation: sourceLocation)
      #expect(reading.intervalSeconds > 0, sourceLocation: sourceLocation)
    }
  }

  @Test func u16HoldingCounterAcrossItsWrap() async throws {
    // 65300 + 40 a request wraps at the 6th request, within the 8 readings.
    let peer = try await ModbusPeer.start(["--per-request", "40", "--u16-start", "65300"])
    defer { peer.stop() }
    let log = try await runModbusDetector(
      path: peer.port, options: options(.readHoldingRegisters, register: 0, type: .u16)
    ) { $0.readings.count >= 8 }
    #expect(log.disconnectReasons.isEmpty, "\(log.disconnectReasons)")
    expectExactCounts(log.readings)
  }

  @Test func u32InputCounterAcrossItsWrap() async throws {
    // 4294967000 + 40 a request wraps at the 8th request.
    let peer = try await ModbusPeer.start(["--per-request", "40", "--u32-start", "4294967000"])
    defer { peer.stop() }
    let log = try await runModbusDetector(
      path: peer.port, options: options(.readInputRegisters, register: 1, type: .u32)
    ) { $0.readings.count >= 8 }
    #expect(log.disconnectReasons.isEmpty, "\(log.disconnectReasons)")
    expectExactCounts(log.readings)
  }

  @Test func f32RateRegisterLowWordFirst() async throws {
    let peer = try await ModbusPeer.start(["--cps", "12.5"])
    defer { peer.stop() }
    // 12.5 cps written as cpm with scale 60: exercises both.
    var options = options(.readInputRegisters, register: 3, type: .f32, quantity: .cpm)
    options.wordOrder = .little
    options.scale = 60
    let log = try await runModbusDetector(path: peer.port, options: options) {
      $0.readings.count >= 3
    }
    #expect(log.readings.count >= 3)
    for reading in log.readings {
      #expect(reading.deviceRateCPS == 12.5)
      #expect(reading.counts == UInt64((12.5 * reading.intervalSeconds).rounded()))
    }
  }

  @Test func exceptionFromThePeerIsReported() async throws {
    let peer = try await ModbusPeer.start([])
    defer { peer.stop() }
    let log = try await runModbusDetector(
      path: peer.port, options: options(.readHoldingRegisters, register: 7, type: .u16)
    ) { !$0.disconnectReasons.isEmpty }
    let reason = log.disconnectReasons.first ?? "none"
    #expect(reason.contains("exception 2 (illegal data address)"), "\(reason)")
  }
}

/// socat's pty pair plus the pymodbus server, in a temporary directory; `stop()` ends both.
final class ModbusPeer: Sendable {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static let install = "python3 -m pip install \"pymodbus[serial]==3.16.1\""

  let directory: URL
  let socat: Process
  let server: Process
  /// The daemon's end of the pair.
  var port: String { directory.appendingPathComponent("a").path }

  private init(directory: URL, socat: Process, server: Process) {
    self.directory = directory
    self.socat = socat
    self.server = server
  }

  static var script: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // DetectorDriversTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // repository root
      .appendingPathComponent("scripts/test-peers/modbus_server.py").path
  }

  /// Starts socat and the server and waits (at most 5 s and 20 s) until both are ready.
  static func start(_ serverArguments: [String]) async throws -> ModbusPeer {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("dosed-pymodbus-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let a = directory.appendingPathComponent("a").path
    let b = directory.appendingPathComponent("b").path
    let socat = try launch(
      ["socat", "-d", "-d", "pty,raw,echo=0,link=\(a)", "pty,raw,echo=0,link=\(b)"],
      log: directory.appendingPathComponent("socat.log"))
    let server = Process()
    let peer = ModbusPeer(directory: directory, socat: socat, server: server)
    do {
      try await wait(seconds: 5, "socat's pty links (is socat installed? apt-get install socat)") {
        guard socat.isRunning else {
          throw Failure(description: "socat exited: \(peer.log("socat"))")
        }
        return FileManager.default.fileExists(atPath: a)
          && FileManager.default.fileExists(atPath: b)
      }
      try launch(
        ["python3", script, "--port", b] + serverArguments, process: server,
        log: directory.appendingPathComponent("server.log"),
        output: directory.appendingPathComponent("server.out"))
      try await wait(seconds: 20, "the pymodbus server to say READY") {
        if peer.log("server.out").contains("READY") { return true }
        guard server.isRunning else {
          let log = peer.log("server.log")
          let hint = log.contains("pymodbus is not installed") ? "" : " (\(install))"
          throw Failure(description: "the pymodbus server exited\(hint): \(log)")
        }
        return false
      }
    } catch {
      peer.stop()
      throw error
    }
    return peer
  }

  /// Ends both processes (SIGTERM, then SIGKILL after 1 s) and removes the directory.
  func stop() {
    for process in [server, socat] where process.processIdentifier > 0 {
      if process.isRunning { process.terminate() }
      let deadline = Date().addingTimeInterval(1)
      while process.isRunning && Date() < deadline { usleep(10_000) }
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        let killDeadline = Date().addingTimeInterval(1)
        while process.isRunning && Date() < killDeadline { usleep(10_000) }
      }
    }
    try? FileManager.default.removeItem(at: directory)
  }

  private func log(_ name: String) -> String {
    let file = directory.appendingPathComponent(name.contains(".") ? name : name + ".log")
    return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
  }

  @discardableResult
  private static func launch(
    _ arguments: [String], process: Process = Process(), log: URL, output: URL? = nil
  ) throws -> Process {
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: log)
    if let output {
      _ = FileManager.default.createFile(atPath: output.path, contents: nil)
      process.standardOutput = try FileHandle(forWritingTo: output)
    } else {
      process.standardOutput = FileHandle.nullDevice
    }
    try process.run()
    return process
  }

  private static func wait(
    seconds: Double, _ what: String, _ ready: () throws -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try !ready() {
      guard ContinuousClock.now < deadline else {
        throw Failure(description: "timed out after \(seconds) s waiting for \(what)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }
}
