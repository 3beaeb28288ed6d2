import DoseProtocol
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The connection-lockout scenario against a running `dosed`, with
/// real uids: an unprivileged reader (uid 65534) opens 500 connections at once and floods
/// 10 000 malformed requests over the ones it is let in on, again and again; meanwhile root,
/// a member of the admin group and another reader each connect afresh every 50 ms and ask
/// `status`, and root and the admin run a control action. Each client is `dosebench --client`
/// in its own process, started with `setpriv` under its uid: needs root and util-linux.
/// Used by `AdmissionAbuseTests` (what everyone gets) and the `abuse` bench (how fast).
public struct AdmissionScenario: Sendable {
  public var socket: String
  /// The `dosebench` that runs the clients.
  public var helper: String
  /// The daemon's `[daemon] admin_group`'s gid: the admin probe's primary group.
  public var adminGID: UInt32
  /// A control request line root and the admin send after each `status` (e.g. `alarm_ack`).
  public var control: String?
  public var hostileUID: UInt32 = 65534
  public var adminUID: UInt32 = 60101
  public var readerUID: UInt32 = 60102
  public var connections = 500
  /// How long the probes run while the flood goes on.
  public var seconds = 3.0

  public init(socket: String, helper: String, adminGID: UInt32, control: String?) {
    self.socket = socket
    self.helper = helper
    self.adminGID = adminGID
    self.control = control
  }

  /// A group other than root's and nogroup that the system knows, to be the admin group:
  /// the admin probe gets it as its primary group.
  public static func adminGroup() -> (name: String, gid: UInt32)? {
    for name in ["staff", "adm", "daemon", "users"] {
      var entry = group()
      var result: UnsafeMutablePointer<group>?
      var buffer = [CChar](repeating: 0, count: 16384)
      guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil,
        entry.gr_gid != 0, entry.gr_gid != 65534
      else { continue }
      return (name, entry.gr_gid)
    }
    return nil
  }

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public func run() throws -> AdmissionResult {
    let hostile = try spawn(
      uid: hostileUID, gid: hostileUID,
      ["--client", "hostile", "--socket", socket, "--connections", String(connections)])
    // Its first line: the connections are open, let in or refused.
    guard let held = hostile.readLine(),
      (try? JSONDecoder().decode(AdmissionAbuse.HostileOutcome.self, from: held)) != nil
    else {
      throw Failure(description: "the hostile reader did not start: \(hostile.errors())")
    }
    let probeArguments = ["--client", "probe", "--socket", socket, "--seconds", String(seconds)]
    let probes = try [
      (
        "root",
        spawn(uid: nil, gid: nil, probeArguments + (control.map { ["--control", $0] } ?? []))
      ),
      (
        "admin",
        spawn(
          uid: adminUID, gid: adminGID, probeArguments + (control.map { ["--control", $0] } ?? []))
      ),
      ("reader", spawn(uid: readerUID, gid: readerUID, probeArguments)),
    ]
    var summaries: [AdmissionProbe] = []
    for (name, process) in probes {
      guard let line = process.readLine(),
        let outcome = try? JSONDecoder().decode(AdmissionAbuse.ProbeOutcome.self, from: line)
      else {
        throw Failure(description: "the \(name) probe failed: \(process.errors())")
      }
      process.wait()
      summaries.append(AdmissionProbe(name: name, outcome))
    }
    // Its stdin closed, the hostile reader ends its last flood and reports.
    hostile.closeInput()
    guard let last = hostile.readLine(),
      let final = try? JSONDecoder().decode(AdmissionAbuse.HostileOutcome.self, from: last)
    else {
      throw Failure(description: "the hostile reader did not report: \(hostile.errors())")
    }
    hostile.wait()
    return AdmissionResult(hostile: final, probes: summaries)
  }

  /// `helper ARGUMENTS` as `uid`/`gid` with no supplementary groups (root when nil).
  func spawn(uid: UInt32?, gid: UInt32?, _ arguments: [String]) throws -> HelperProcess {
    let process = Process()
    if let uid, let gid {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
      process.arguments =
        ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", helper] + arguments
    } else {
      process.executableURL = URL(fileURLWithPath: helper)
      process.arguments = arguments
    }
    return try HelperProcess(process)
  }
}

/// A helper process whose stdout is read line by line.
final class HelperProcess: @unchecked Sendable {
  let process: Process
  private let output = Pipe()
  private let input = Pipe()
  private let errorOutput = Pipe()
  private var buffer = Data()

  init(_ process: Process) throws {
    self.process = process
    process.standardOutput = output
    process.standardInput = input
    process.standardError = errorOutput
    try process.run()
  }

  /// The next line of its stdout, nil at the end.
  func readLine() -> Data? {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = buffer[buffer.startIndex..<newline]
        buffer = Data(buffer[(newline + 1)...])
        return Data(line)
      }
      let more = output.fileHandleForReading.availableData
      if more.isEmpty { return nil }
      buffer.append(more)
    }
  }

  func closeInput() {
    try? input.fileHandleForWriting.close()
  }

  func wait() {
    process.waitUntilExit()
  }

  /// Its stderr (after it ended) and exit status, for a failure message.
  func errors() -> String {
    closeInput()
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    let text = String(
      decoding: errorOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return "exit \(process.terminationStatus): \(text.prefix(500))"
  }
}

/// One identity's view during the scenario.
public struct AdmissionProbe: Sendable, Hashable, Codable {
  public var name: String
  public var answers: Int
  public var p50Ms: Double
  public var maxMs: Double
  public var controls: Int
  public var controlMaxMs: Double
  public var failureCount: Int
  public var failures: [String]

  init(name: String, _ outcome: AdmissionAbuse.ProbeOutcome) {
    self.name = name
    answers = outcome.statusMs.count
    let sorted = outcome.statusMs.sorted()
    p50Ms = sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    maxMs = sorted.last ?? .nan
    controls = outcome.controlMs.count
    controlMaxMs = outcome.controlMs.max() ?? .nan
    failureCount = outcome.failureCount
    failures = outcome.failures
  }

  enum CodingKeys: String, CodingKey {
    case name, answers, controls, failures
    case p50Ms = "p50_ms"
    case maxMs = "max_ms"
    case controlMaxMs = "control_max_ms"
    case failureCount = "failure_count"
  }
}

public struct AdmissionResult: Sendable, Hashable, Codable {
  public var hostile: AdmissionAbuse.HostileOutcome
  public var probes: [AdmissionProbe]

  public var summary: String {
    let refused = hostile.refused.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    return "admission: a reader (uid 65534) opening 500 connections (\(hostile.held) let in, "
      + "refused: \(refused.joined(separator: ", "))) and flooding \(hostile.sent) malformed "
      + "lines (\(hostile.replies) replies, \(String(format: "%.1f", hostile.floodSeconds)) s); "
      + "each probe connects afresh every 50 ms\n"
      + "  probe    answers  p50 ms  max ms  controls  control max ms  failures\n"
      + probes.map {
        "  " + $0.name.padding(toLength: 8, withPad: " ", startingAt: 0)
          + String(
            format: " %7d %7.1f %7.1f %9d %15.1f %9d", $0.answers, $0.p50Ms, $0.maxMs,
            $0.controls, $0.controlMaxMs, $0.failureCount)
      }.joined(separator: "\n")
  }
}
