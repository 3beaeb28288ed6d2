import DeviceEmulators
import DoseBench
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real `dosed` binary as the fault-injection tests run it (issue 9): its own directory under
/// /tmp holding the ward file, the socket and the state directory. Started by `start()` (again
/// after a kill, on the same state); killed if still running and its directory removed when the
/// value goes away.
final class DosedProcess: @unchecked Sendable {
  let directory: String
  let socket: String
  let stateDirectory: String
  let configPath: String
  /// Extra command-line arguments, e.g. `--time-scale`.
  let arguments: [String]
  /// Variables added to the test's environment (set before `start()`).
  var environment: [String: String]
  /// A program and its arguments that run `dosed` in turn (`exec "$@"`), e.g. to give it its
  /// own mount namespace (set before `start()`).
  var launcher: [String] = []
  private(set) var process = Process()

  var pid: Int32 { process.processIdentifier }

  /// `ward` is the configuration; nil to write it later with `write(ward:)`, when it names
  /// files in `directory` (a counter's port).
  init(
    name: String, ward: String? = nil, arguments: [String] = [],
    environment: [String: String] = [:]
  ) throws {
    directory = "/tmp/dosed-\(name)-\(UUID().uuidString.prefix(8))"
    socket = directory + "/dosed.sock"
    stateDirectory = directory + "/state"
    configPath = directory + "/ward.toml"
    self.arguments = arguments
    self.environment = environment
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    if let ward { try write(ward: ward) }
  }

  func write(ward: String) throws {
    try ward.write(toFile: configPath, atomically: true, encoding: .utf8)
  }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Starts the daemon (a new process on the same directory after a stop or kill).
  func start() throws {
    let dosed = ExecutableTests.binaries.appendingPathComponent("dosed").path
    let command =
      [dosed, "--config", configPath, "--socket", socket, "--state-dir", stateDirectory]
      + arguments
    process = Process()
    process.executableURL = URL(fileURLWithPath: launcher.first ?? dosed)
    process.arguments =
      launcher.isEmpty ? Array(command.dropFirst()) : launcher.dropFirst() + command
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
  }

  /// SIGTERM, and the exit status once it has gone.
  @discardableResult func stop() -> Int32 {
    process.terminate()
    process.waitUntilExit()
    return process.terminationStatus
  }

  func killNine() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Open descriptors of the daemon, from /proc/PID/fd.
  var openDescriptors: Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
  }

  /// A path as the daemon sees it, through its own root (its mount namespace, if it has one).
  func seen(_ path: String) -> String { "/proc/\(pid)/root" + path }

  func request(_ command: String) async throws -> Data {
    let socket = socket
    return try await offPool { try DoseClient(path: socket, timeout: 5).request(command) }
  }

  func request<Request: Encodable & Sendable>(_ value: Request) async throws -> Data {
    let socket = socket
    return try await offPool { try DoseClient(path: socket, timeout: 5).request(value) }
  }

  /// The status, or nil while the daemon does not answer.
  func status() async -> StatusReply? {
    guard let line = try? await request("status") else { return nil }
    return try? WireCoding.decoder().decode(StatusReply.self, from: line)
  }

  func detector(_ id: String) async -> DetectorStatus? {
    await status()?.detectors.first { $0.id == id }
  }

  func location(_ id: String) async -> LocationStatus? {
    await status()?.locations.first { $0.id == id }
  }

  func events(detector: String? = nil) async throws -> [RecordedEvent] {
    let reply = try await request(EventsRequest(id: .number(1), detector: detector))
    return try WireCoding.decoder().decode(EventsReply.self, from: reply).events
  }

  func waitAnswering(_ what: String = "dosed answers") async throws {
    try await eventually(what) { (try? await request("version")) != nil }
  }
}

extension DosedProcess {
  /// A MightyOhm kit on `port` watching an occupied room: the serial ward of the storm, flood
  /// and stall tests (9600 baud, a line a second, 100 CPM per µSv/h).
  static func kitWard(port: String) -> String {
    """
    [[detector]]
    id = "kit"
    driver = "mightyohm"
    port = "\(port)"
    tube = "SBM-20"
    sensitivity_cpm_per_usv_h = 100.0
    calibration_source = "test"

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["kit"]
    warn_usv_h = 50.0
    alarm_usv_h = 100.0
    state = "occupied"
    """
  }

  /// A daemon watching the kit ward whose port is a bare pseudo-terminal the test writes to
  /// itself (`talkLikeAKit`, or anything else), started.
  static func startWithKitTerminal(name: String) throws -> (DosedProcess, PseudoTerminal) {
    let daemon = try DosedProcess(name: name)
    let link = daemon.directory + "/ttyKIT"
    let terminal = try PseudoTerminal(link: link)
    try daemon.write(ward: kitWard(port: link))
    try daemon.start()
    return (daemon, terminal)
  }

  /// Writes the MightyOhm kit's line (`CPS, …, CPM, …, uSv/hr, …, SLOW`, its real format) on
  /// `fd` once a second for `seconds`, off the cooperative pool; returns when the last is sent.
  static func talkLikeAKit(
    _ fd: Int32, seconds: Int, line: String = "CPS, 00020, CPM, 01200, uSv/hr, 12.00, SLOW"
  ) async throws -> ContinuousClock.Instant {
    try await offPool {
      for index in 0..<seconds {
        let bytes = Array((line + "\r\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if index < seconds - 1 { Thread.sleep(forTimeInterval: 1) }
      }
      return ContinuousClock.now
    }
  }

  /// `count` simulated SBM-20 detectors `d0…`, with an extra location table appended.
  static func simulatedWard(detectors count: Int, then locations: String) -> String {
    BenchWard.simulatedDetectors(count) + locations
  }
}
