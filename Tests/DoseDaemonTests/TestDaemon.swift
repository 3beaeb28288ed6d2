// eventually, Timeout, freePort: shared with the client test targets.
@_exported import ClientTestSupport
import DetectorDrivers
import DoseProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import DoseDaemon

/// A real daemon in-process: real config parsing, engine, simulated detectors and a real Unix
/// socket in a temporary directory.
struct TestDaemon {
  let directory: String
  let socketPath: String
  let service: DosedService
  /// The daemon's clock when it runs on manual time (`advance` moves it).
  let manualClock: ManualClock?
  private let task: Task<Void, any Error>

  /// - Parameters:
  ///   - timeScale: simulated time's rate; with `manualTime`, the rate whose cadence the
  ///     daemon's loops keep (evaluation every 0.25 × scale clock seconds).
  ///   - manualTime: run on a `ManualClock` that moves only with `advance`, its wall time
  ///     starting at the configured simulation start or now.
  ///   - directory: reuse a stopped daemon's directory (and so its database) to test a
  ///     restart; a new one by default.
  static func start(
    _ toml: String, timeScale: Double = 1, manualTime: Bool = false, directory: String? = nil,
    environment: [String: String] = [:], editable: EditableConfig? = nil,
    logger: Logger = Logger(label: "dosed-test") { _ in SwiftLogNoOpLogHandler() }
  ) async throws -> TestDaemon {
    // sun_path holds 108 bytes: keep the directory short.
    let directory = directory ?? "/tmp/dosed-test-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var config = try parse(toml)
    config.daemon.socketPath = directory + "/dosed.sock"
    config.daemon.stateDirectory = directory + "/state"
    // A reload reads the editable text, with this daemon's socket and state directory (as the
    // real daemon re-applies its command-line overrides).
    let overrides = config.daemon
    let manualClock = manualTime ? ManualClock() : nil
    let clock = manualClock.map {
      DoseClock(source: $0, start: config.simulation.startAt ?? Date(), scale: timeScale)
    }
    let service = DosedService(
      config: config, timeScale: timeScale, logger: logger, environment: environment,
      loadConfig: {
        var next = try parse(editable?.text ?? toml)
        next.daemon.socketPath = overrides.socketPath
        next.daemon.stateDirectory = overrides.stateDirectory
        return next
      }, clock: clock)
    let task = Task { try await service.run() }
    let daemon = TestDaemon(
      directory: directory, socketPath: config.daemon.socketPath, service: service,
      manualClock: manualClock, task: task)
    StopsDaemons.registry?.add(daemon)
    // A bound on a hang only: many suites start daemons at once, and beside a CPU hog a start
    // has taken over 15 s.
    try await eventually("the socket accepts connections", seconds: 60) {
      (try? await daemon.request("version")) != nil
    }
    if let manualClock {
      // Every loop on the clock (evaluation, pruning, each simulated detector) must be asleep
      // on it before the first advance, or a late one would skip the time advanced.
      let loops = 2 + config.detectors.filter { $0.driver == .simulated }.count
      try await eventually("the daemon's \(loops) loops wait on the manual clock") {
        manualClock.sleeperCount == loops
      }
    }
    return daemon
  }

  /// The test's configuration. The daemon's sessions share this process's few cooperative
  /// threads with every other suite: on a loaded machine a session can read a client's first
  /// line later than the 10 s login grace allows, so the grace is a minute unless the test
  /// sets `login_grace_s` itself (the tests of the grace do).
  private static func parse(_ toml: String) throws -> DaemonConfig {
    var config = try ConfigLoader.parse(toml, path: "test.toml")
    if !toml.contains("login_grace_s") { config.daemon.clients.loginGraceSeconds = 60 }
    return config
  }

  /// On a manual clock: advances 15 s of clock time at a time until every detector reads.
  func advanceUntilEveryDetectorIsOK() async throws {
    try await advance("every detector ok", step: 15, limit: 900) {
      try await status().detectors.allSatisfy { $0.state == "ok" }
    }
  }

  /// Moves the manual clock on by `seconds`: the evaluation loop and the simulated detectors
  /// run at each of their periods within it, in order, each time at exactly its deadline.
  func advance(by seconds: Double) async throws {
    let clock = try #require(manualClock, "advance needs a daemon on manual time")
    await step(clock, by: seconds)
  }

  /// Each wake-up's readings are in the engine before time moves on.
  private func step(_ clock: ManualClock, by seconds: Double) async {
    let events = service.driverEvents
    await clock.advance(by: seconds) { await events.drained() }
  }

  /// Sends a waste survey and advances the manual clock in `step`s until it is answered. The
  /// survey counts the readings after the daemon took it on, so the clock moves only once it
  /// has (or has refused it).
  func survey(_ request: WasteSurveyRequest, step: Double) async throws -> WastePackageDetail {
    let clock = try #require(manualClock, "a survey on manual time needs a manual clock")
    let engine = service.engine
    let answered = Answered()
    let reply = Task {
      defer { answered.set() }
      return try await send(request, as: WasteReply.self).package
    }
    func counting() async -> Bool { await !engine.surveys.isEmpty }
    try await eventually("the daemon takes the survey on") {
      if answered.isSet { return true }
      return await counting()
    }
    let end = clock.seconds + 86_400
    while !answered.isSet, clock.seconds < end, await counting() {
      await self.step(clock, by: step)
    }
    return try await reply.value
  }

  /// Whether a request has been answered, from any task.
  final class Answered: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
  }

  /// Advances in `step`s until `condition` holds, for at most `limit` seconds of clock time;
  /// throws naming what did not happen by then.
  func advance(
    _ what: String, step: Double, limit: Double, until condition: () async throws -> Bool
  ) async throws {
    let clock = try #require(manualClock, "advance needs a daemon on manual time")
    let end = clock.seconds + limit
    while try await !condition() {
      guard clock.seconds < end else {
        throw Timeout(description: "not \(what) within \(limit) s of clock time")
      }
      await self.step(clock, by: step)
    }
  }

  /// Runs a whole conversation with the daemon on its own thread: the client blocks, and a
  /// blocked cooperative thread could starve the daemon under test.
  func talk<T: Sendable>(_ body: @escaping @Sendable (DoseClient) throws -> T) async throws -> T {
    let path = socketPath
    // A minute: a hang bound only (the sessions share this process's threads, see `start`).
    return try await offPool { try body(DoseClient(path: path, timeout: 60)) }
  }

  /// One request, its raw reply line.
  func request(_ command: String) async throws -> Data {
    try await talk { try $0.request(command) }
  }

  func status() async throws -> StatusReply {
    try WireCoding.decoder().decode(StatusReply.self, from: await request("status"))
  }

  /// The raw `status` reply as a JSON dictionary, to check field names and types.
  func rawStatus() async throws -> [String: Any] {
    try json(await request("status"))
  }

  /// Sends a request object (control commands) and decodes the reply as `T`, or throws the
  /// daemon's error reply.
  func send<T: Decodable>(_ request: some Encodable & Sendable, as type: T.Type) async throws -> T {
    let line = try await talk { try $0.request(request) }
    if WireCoding.messageClass(of: line) == "error" {
      throw try WireCoding.decoder().decode(ErrorReply.self, from: line)
    }
    return try WireCoding.decoder().decode(type, from: line)
  }

  /// Stops the daemon; `keepFiles` leaves its directory (database) for a restart.
  func stop(keepFiles: Bool = false) async {
    task.cancel()
    _ = await task.result
    if !keepFiles { try? FileManager.default.removeItem(atPath: directory) }
  }
}

/// Configuration text a test edits between reloads.
final class EditableConfig: Sendable {
  private let value: Mutex<String>

  init(_ text: String) {
    value = Mutex(text)
  }

  var text: String {
    get { value.withLock { $0 } }
    set { value.withLock { $0 = newValue } }
  }
}

/// Runs blocking work on a fresh thread and awaits its result.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}

func json(_ line: Data) throws -> [String: Any] {
  try #require(JSONSerialization.jsonObject(with: line) as? [String: Any])
}

/// A small ward: an occupied room with a patient, a clear room, a waste store.
let smallWard = """
  [[detector]]
  id = "r1"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    seed = 11
    [[detector.simulated.source]]
    dose_rate_usv_h = 25.0
    nuclide = "Lu-177"

  [[detector]]
  id = "r2"
  driver = "simulated"
  tube = "SBM-20"

  [[detector]]
  id = "store"
  driver = "simulated"
  tube = "LND-7317"
    [detector.simulated]
    [[detector.simulated.source]]
    dose_rate_usv_h = 2.0
    half_life_h = 192.0

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["r1"]
  warn_usv_h = 60.0
  alarm_usv_h = 200.0
  state = "occupied"
  nuclide = "Lu-177"

  [[location]]
  id = "room-2"
  kind = "isolation_room"
  detectors = ["r2"]
  warn_usv_h = 2.0
  alarm_usv_h = 10.0
  state = "clear"

  [[location]]
  id = "store"
  kind = "waste_store"
  detectors = ["store"]
  warn_usv_h = 10.0
  alarm_usv_h = 50.0
    [[location.package]]
    id = "P1"
    nuclide = "I-131"
    sealed_at = 2020-01-01T00:00:00Z
    surface_usv_h = 5.0
    [[location.package]]
    id = "P2"
    nuclide = "Lu-177"
    route = "nca"
    sealed_at = 2099-01-01T00:00:00Z
    surface_usv_h = 5.0
  """

/// One occupied room whose detector reads 50 µSv/h against an alarm level of 20: the dose alarm
/// `dose:room:alarm` is raised within seconds at 60×.
let alarmingWard = """
  [[detector]]
  id = "hot"
  driver = "simulated"
  tube = "SBM-20"
    [detector.simulated]
    [[detector.simulated.source]]
    dose_rate_usv_h = 50.0
    half_life_h = 1000.0

  [[location]]
  id = "room"
  kind = "isolation_room"
  detectors = ["hot"]
  warn_usv_h = 5.0
  alarm_usv_h = 20.0
  state = "occupied"
  """
