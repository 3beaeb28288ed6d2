import DoseCore
import DoseProtocol
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `socket`: a real `dosed` with 16 simulated detectors, loaded by 32 clients asking `status`
/// as fast as they can while the detectors keep reading; its resident memory; and how long
/// `dosectl status` takes from process start to exit.
public struct SocketBench: Sendable {
  public var dosed: String
  public var dosectl: String
  public var detectors = 16
  public var clients = 32
  public var seconds = 5.0
  public var dosectlRuns = 50

  public init(dosed: String, dosectl: String) {
    self.dosed = dosed
    self.dosectl = dosectl
  }

  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  public func run() throws -> (SocketLoadResult, DosectlStartResult) {
    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "socket")
    let socket = daemon.socket
    try waitReady(socket)
    // Let every detector deliver and the window fill before measuring.
    Thread.sleep(forTimeInterval: 3)
    let idle = daemon.residentMB()
    let start = try dosectlStart(socket)
    let load = try loadTest(socket)
    let after = daemon.residentMB()
    // What the daemon itself owns (heap, stacks) against the code and read-only data mapped
    // from the binary and its libraries, which is shared and which the kernel can drop.
    let anonymous = daemon.residentMB("RssAnon")
    let file = daemon.residentMB("RssFile")
    return (
      SocketLoadResult(
        detectors: detectors, clients: clients, requestsPerSecond: load.rate,
        latencyMsP50: load.p50, latencyMsP99: load.p99, rssMBIdle: idle, rssMBAfterLoad: after,
        rssAnonMBAfterLoad: anonymous, rssFileMBAfterLoad: file),
      start
    )
  }

  func ward() -> String {
    var text = BenchWard.simulatedDetectors(detectors)
    let half = detectors / 2
    text += """
      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = [\((0..<half).map { "\"d\($0)\"" }.joined(separator: ", "))]
      warn_usv_h = 100.0
      alarm_usv_h = 200.0
      state = "occupied"

      [[location]]
      id = "room-2"
      kind = "isolation_room"
      detectors = [\((half..<detectors).map { "\"d\($0)\"" }.joined(separator: ", "))]
      warn_usv_h = 100.0
      alarm_usv_h = 200.0
      """
    return text
  }

  func waitReady(_ socket: String) throws {
    for _ in 0..<100 {
      if let client = try? DoseClient(path: socket, timeout: 1),
        (try? client.request("status")) != nil
      {
        return
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    throw Failure(description: "dosed did not answer on \(socket)")
  }

  /// `clients` threads, each with its own connection, `status` in a loop for `seconds`.
  func loadTest(_ socket: String) throws -> (rate: Double, p50: Double, p99: Double) {
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var latencies: [Double] = []
      var failures = 0
    }
    let results = Results()
    let group = DispatchGroup()
    let deadline = Date().addingTimeInterval(seconds)
    let clock = ContinuousClock()
    let started = clock.now
    for _ in 0..<clients {
      group.enter()
      Thread {
        defer { group.leave() }
        var mine: [Double] = []
        mine.reserveCapacity(100_000)
        guard let client = try? DoseClient(path: socket, timeout: 5) else {
          results.lock.withLock { results.failures += 1 }
          return
        }
        // The request bytes once: the load should measure the daemon, not the client.
        let request = (try? WireCoding.line(Request(id: .number(1), cmd: "status"))) ?? Data()
        while Date() < deadline {
          let begin = clock.now
          guard (try? client.sendRaw(request)) != nil, (try? client.readLine()) != nil else {
            results.lock.withLock { results.failures += 1 }
            return
          }
          let elapsed = begin.duration(to: clock.now)
          mine.append(elapsed.inSeconds * 1000)
        }
        results.lock.withLock { results.latencies += mine }
      }.start()
    }
    group.wait()
    let wall = started.duration(to: clock.now)
    let total = wall.inSeconds
    guard results.failures == 0 else {
      throw Failure(description: "\(results.failures) clients failed during the load test")
    }
    let sorted = results.latencies.sorted()
    func rank(_ q: Double) -> Double {
      sorted.isEmpty ? .nan : sorted[Swift.min(sorted.count - 1, Int(q * Double(sorted.count)))]
    }
    return (Double(sorted.count) / total, rank(0.5), rank(0.99))
  }

  /// Median wall time of `dosectl status --json`, process start to exit. Spawned with
  /// `posix_spawn` as a shell would: Foundation's `Process` adds its own set-up time (it closes
  /// every possible descriptor in the child), which is not dosectl's.
  func dosectlStart(_ socket: String) throws -> DosectlStartResult {
    var times: [Double] = []
    let clock = ContinuousClock()
    let arguments = [dosectl, "status", "--json", "--socket", socket]
    for _ in 0..<dosectlRuns {
      let begin = clock.now
      let status = try spawnAndWait(arguments)
      let elapsed = begin.duration(to: clock.now)
      guard status == 0 else {
        throw Failure(description: "dosectl status exited \(status)")
      }
      times.append(elapsed.inSeconds * 1000)
    }
    times.sort()
    return DosectlStartResult(runs: dosectlRuns, medianMs: times[times.count / 2])
  }

  /// Runs a program with stdout to /dev/null; its exit status.
  func spawnAndWait(_ arguments: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
    guard result == 0 else { throw Failure(description: "cannot start \(arguments[0])") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WEXITSTATUS
    return (status >> 8) & 0xff
  }
}

public struct SocketLoadResult: Sendable, Hashable, Codable {
  public var bench = "socket_load"
  public var detectors: Int
  public var clients: Int
  public var requestsPerSecond: Double
  public var latencyMsP50: Double
  public var latencyMsP99: Double
  public var rssMBIdle: Double
  public var rssMBAfterLoad: Double
  /// Of `rssMBAfterLoad`: anonymous memory (heap, stacks) and file-backed pages (code).
  public var rssAnonMBAfterLoad: Double
  public var rssFileMBAfterLoad: Double

  enum CodingKeys: String, CodingKey {
    case bench, detectors, clients
    case requestsPerSecond = "requests_per_s"
    case latencyMsP50 = "latency_ms_p50"
    case latencyMsP99 = "latency_ms_p99"
    case rssMBIdle = "rss_mb_idle"
    case rssMBAfterLoad = "rss_mb_after_load"
    case rssAnonMBAfterLoad = "rss_anon_mb_after_load"
    case rssFileMBAfterLoad = "rss_file_mb_after_load"
  }
}

public struct DosectlStartResult: Sendable, Hashable, Codable {
  public var bench = "dosectl_start"
  public var runs: Int
  public var medianMs: Double

  enum CodingKeys: String, CodingKey {
    case bench, runs
    case medianMs = "median_ms"
  }
}
