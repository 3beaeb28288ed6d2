import DoseProtocol
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `abuse`: a real `dosed` with 16 simulated detectors while its socket is abused the
/// way `SocketAbuseTests` does it (which checks what the daemon answers); here a well-behaved
/// client asks `status` every 20 ms throughout, and its latencies are reported per phase. The
/// target: every answer within 100 ms.
public struct AbuseBench: Sendable {
  public var dosed: String
  public var detectors = 16
  /// The `dosebench` whose `--client` modes play the connection-lockout scenario:
  /// run last, as root only (the clients take other uids through setpriv); nil = not run.
  public var helper: String?
  /// Issue 9: "the daemon answers a well-formed status within 100 ms throughout".
  public static let maxStatusMs = 100.0

  public init(dosed: String, helper: String? = nil) {
    self.dosed = dosed
    self.helper = helper
  }

  public func run() throws -> AbuseResult {
    SocketAbuse.raiseDescriptorLimit()
    let admins = lockoutPossible ? AdmissionScenario.adminGroup() : nil
    // For the lockout scenario: an admin group the probe can join, and a detector gone from
    // the start, whose fault alarm root and the admin acknowledge.
    let ward =
      (admins.map { "[daemon]\nadmin_group = \"\($0.name)\"\n\n" } ?? "")
      + SocketBench(dosed: dosed, dosectl: "").ward()
      + (admins == nil ? "" : "\n\n" + Self.goneDetector)
    let daemon = try BenchDaemon(dosed: dosed, ward: ward, name: "abuse")
    let socket = daemon.socket
    try SocketBench(dosed: dosed, dosectl: "").waitReady(socket)
    Thread.sleep(forTimeInterval: 2)
    let probe = try StatusProbe(socket: socket)
    var phases: [AbusePhase] = []
    /// Repeats `body` for at least `seconds`, so that the probe asks often meanwhile.
    func phase(_ name: String, seconds: Double = 2, _ body: () throws -> Void) rethrows {
      _ = probe.drain()
      let end = ContinuousClock.now + .seconds(seconds)
      repeat { try body() } while ContinuousClock.now < end
      phases.append(AbusePhase(name: name, probe.drain()))
    }
    Thread.sleep(forTimeInterval: 2)
    phases.append(AbusePhase(name: "quiet", probe.drain()))
    try phase("10000 malformed lines on 4 connections") {
      let lines = SocketAbuse.malformedLines()
      let failure = Mutex<Error?>(nil)
      DispatchQueue.concurrentPerform(iterations: 4) { part in
        do {
          _ = try SocketAbuse.flood(
            socket, lines: Array(lines[(part * 2500)..<((part + 1) * 2500)]))
        } catch { failure.withLock { $0 = error } }
      }
      if let error = failure.withLock({ $0 }) { throw error }
    }
    phase("20 lines of 64 KiB + 1 at once") {
      DispatchQueue.concurrentPerform(iterations: 20) { _ in
        _ = try? SocketAbuse.overlongLine(socket)
      }
    }
    var watchers: [Int32] = []
    phase("20 watchers that never read") {
      if watchers.isEmpty { watchers = SocketAbuse.silentWatchers(socket, count: 20) }
      Thread.sleep(forTimeInterval: 0.1)
    }
    phase("500 connections at once") { _ = SocketAbuse.crowd(socket, count: 500) }
    phase("300 clients vanishing mid-reply") {
      SocketAbuse.vanishMidReply(socket, count: 300, detector: "d0")
    }
    for fd in watchers { close(fd) }
    var admission: AdmissionResult?
    if let helper, let admins {
      admission = try lockout(socket: socket, directory: daemon.directory, helper: helper) {
        _ = probe.drain()
        let result = try AdmissionScenario(
          socket: socket, helper: helper, adminGID: admins.gid, control: $0
        ).run()
        phases.append(AbusePhase(name: "a reader's 500 connections + floods", probe.drain()))
        return result
      }
    }
    let last = probe.finish()
    if !last.failures.isEmpty || phases.contains(where: { !$0.failures.isEmpty }) {
      let failures = phases.flatMap(\.failures) + last.failures
      throw SocketBench.Failure(description: "status probe failed: \(failures.prefix(3))")
    }
    guard daemon.process.isRunning else {
      throw SocketBench.Failure(description: "dosed stopped during the abuse")
    }
    return AbuseResult(detectors: detectors, phases: phases, admission: admission)
  }

  var lockoutPossible: Bool {
    helper != nil && getuid() == 0
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
  }

  static let goneDetector = """
    [[detector]]
    id = "gone"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      [[detector.simulated.fault]]
      kind = "disconnect"
      start_h = 0.0

    """

  /// Opens the socket to every uid, waits (up to 30 s) for the gone detector's fault alarm
  /// and runs `body` with its acknowledgement as the control request.
  func lockout(
    socket: String, directory: String, helper: String,
    _ body: (String) throws -> AdmissionResult
  ) throws -> AdmissionResult {
    chmod(directory, 0o755)
    chmod(socket, 0o666)
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
      let line = try DoseClient(path: socket, timeout: 10).request("alarms")
      if String(decoding: line, as: UTF8.self).contains("fault:gone") { break }
      Thread.sleep(forTimeInterval: 0.2)
    }
    return try body(#"{"id":"ack","cmd":"alarm_ack","alarm":"fault:gone","note":"bench"}"#)
  }
}

/// The status probe's latencies during one phase of abuse.
public struct AbusePhase: Sendable, Hashable, Codable {
  public var name: String
  public var answers: Int
  public var p50Ms: Double
  public var p99Ms: Double
  public var maxMs: Double
  var failures: [String] = []

  init(name: String, _ result: StatusProbe.Result) {
    self.name = name
    answers = result.answers
    p50Ms = result.percentileMs(0.5)
    p99Ms = result.percentileMs(0.99)
    maxMs = result.slowestMs
    failures = result.failures
  }

  enum CodingKeys: String, CodingKey {
    case name, answers
    case p50Ms = "p50_ms"
    case p99Ms = "p99_ms"
    case maxMs = "max_ms"
  }
}

public struct AbuseResult: Sendable, Hashable, Codable {
  public var bench = "abuse"
  public var detectors: Int
  public var phases: [AbusePhase]
  /// The connection-lockout scenario's probes, when it ran.
  public var admission: AdmissionResult?

  public var slowestMs: Double { phases.map(\.maxMs).max() ?? .nan }

  enum CodingKeys: String, CodingKey {
    case bench, detectors, phases, admission
  }

  public var summary: String {
    "abuse: a client asking status every 20 ms while the socket of dosed (\(detectors) "
      + "simulated detectors) is abused\n"
      + "  " + "phase".padding(toLength: 40, withPad: " ", startingAt: 0)
      + " answers  p50 ms  p99 ms  max ms\n"
      + phases.map {
        "  " + $0.name.padding(toLength: 40, withPad: " ", startingAt: 0)
          + String(format: " %7d %7.1f %7.1f %7.1f", $0.answers, $0.p50Ms, $0.p99Ms, $0.maxMs)
      }.joined(separator: "\n")
      + (admission.map { "\n" + $0.summary } ?? "")
  }
}
