import DoseProtocol
import Foundation
import Synchronization

/// `history`: a real `dosed` with 16 simulated detectors in one location and a year of
/// minute records for each (8.4 million rows, written with the sqlite3 shell), queried the way
/// `dosectl history` and `dosectl export` do while a probe asks `status` every 20 ms. Reported:
/// each query's time and points, the longest gap between two evaluations seen in the snapshots'
/// `uptime_s` (target ≤ 0.5 s), and the daemon's resident memory before and after (target:
/// growth ≤ 20 MB).
public struct HistoryBench: Sendable {
  public var dosed: String
  public var detectors = 16
  public var days = 365
  /// Issue 14's targets.
  public static let maxEvaluationGapSeconds = 0.5
  public static let maxGrowthMB = 20.0

  public init(dosed: String) {
    self.dosed = dosed
  }

  func ward() -> String {
    let ids = (0..<detectors).map { "\"d\($0)\"" }.joined(separator: ", ")
    return BenchWard.simulatedDetectors(detectors, background: { _ in 0.1 }) + """
      [[location]]
      id = "ward"
      kind = "isolation_room"
      detectors = [\(ids)]
      warn_usv_h = 100.0
      alarm_usv_h = 200.0
      state = "clear"
      """
  }

  public func run() throws -> HistoryBenchResult {
    let first = try BenchDaemon(dosed: dosed, ward: ward(), name: "history")
    let bench = SocketBench(dosed: dosed, dosectl: "")
    try bench.waitReady(first.socket)
    first.stopKeepingFiles()
    let fillStart = ContinuousClock.now
    try fill(first.state + "/dosed.sqlite")
    let fillSeconds = Self.seconds(since: fillStart)

    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "history")
    try bench.waitReady(daemon.socket)
    Thread.sleep(forTimeInterval: 2)
    let before = daemon.residentMB()
    let gaps = try UptimeProbe(socket: daemon.socket)
    // The baseline in the same run: the longest gap while nobody queries.
    Thread.sleep(forTimeInterval: 3)
    let quiet = gaps.reset()
    var queries: [HistoryQueryResult] = []
    let client = try DoseClient(path: daemon.socket, timeout: 600)
    func ask(_ name: String, _ request: HistoryRequest) throws {
      let start = ContinuousClock.now
      let line = try client.request(request)
      let reply = try WireCoding.decoder().decode(HistoryReply.self, from: line)
      queries.append(
        HistoryQueryResult(
          name: name, seconds: Self.seconds(since: start), points: reply.points.count,
          bucketSeconds: reply.bucketSeconds, replyBytes: line.count))
    }
    for (name, back) in [("400 d", 400.0), ("30 d", 30.0), ("1 d", 1.0)] {
      var request = HistoryRequest(id: .number(1), of: "ward", since: nil)
      request.lastSeconds = back * 86_400
      try ask("ward, \(name)", request)
    }
    var single = HistoryRequest(id: .number(2), of: "d0", since: nil)
    single.lastSeconds = 400 * 86_400
    try ask("d0, 400 d", single)
    // One detector's year minute by minute, as `dosectl export minutes` pages it.
    let exportStart = ContinuousClock.now
    var page = single
    page.minutes = true
    var exported = 0
    while true {
      let reply = try WireCoding.decoder().decode(
        HistoryReply.self, from: try client.request(page))
      exported += reply.points.count
      guard let next = reply.nextSince else { break }
      page.since = next
      page.lastSeconds = nil
    }
    queries.append(
      HistoryQueryResult(
        name: "d0 export, every minute", seconds: Self.seconds(since: exportStart),
        points: exported, bucketSeconds: 60, replyBytes: 0))
    let after = daemon.residentMB()
    let gap = gaps.finish()
    return HistoryBenchResult(
      detectors: detectors, days: days, rows: detectors * days * 1440, fillSeconds: fillSeconds,
      queries: queries, quietEvaluationGapSeconds: quiet.longest,
      longestEvaluationGapSeconds: gap.longest, probeAnswers: gap.answers,
      residentBeforeMB: before, residentAfterMB: after)
  }

  /// A year of minutes per detector, ending an hour ago, straight into the daemon's table.
  private func fill(_ database: String) throws {
    let minutes = days * 1440
    let end = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 3600
    let start = Int(end) - minutes * 60
    var sql = "BEGIN;\n"
    for index in 0..<detectors {
      sql += """
        WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < \(minutes - 1))
        INSERT OR REPLACE INTO minute_aggregate (detector, minute, counts, live_s, readings,
          dose_min_usv_h, dose_mean_usv_h, dose_max_usv_h)
        SELECT 'd\(index)', strftime('%Y-%m-%d %H:%M:%S.000', \(start) + i * 60, 'unixepoch'),
          11, 60.0, 60, 0.09, 0.1, 0.11 FROM m;

        """
    }
    sql += "COMMIT;\n"
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    shell.arguments = [database]
    let input = Pipe()
    shell.standardInput = input
    try shell.run()
    input.fileHandleForWriting.write(Data(sql.utf8))
    try input.fileHandleForWriting.close()
    shell.waitUntilExit()
    guard shell.terminationStatus == 0 else {
      throw HistoryBenchError(
        description: "sqlite3 could not fill \(database): exit \(shell.terminationStatus)")
    }
  }

  static func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  }
}

/// Asks `status` every 20 ms on its own thread and keeps the longest step between the
/// snapshots' `uptime_s`: the longest the engine went without evaluating.
final class UptimeProbe: Sendable {
  private struct State {
    var stop = false
    var last: Double?
    var longest = 0.0
    var answers = 0
  }
  private let state = Mutex(State())
  private let finished = DispatchSemaphore(value: 0)

  init(socket: String) throws {
    let client = try DoseClient(path: socket, timeout: 5)
    nonisolated(unsafe) let owned = client
    Thread { [self] in
      defer { finished.signal() }
      while !state.withLock({ $0.stop }) {
        guard let line = try? owned.request("status"),
          let status = try? WireCoding.decoder().decode(StatusReply.self, from: line)
        else { return }
        state.withLock { state in
          state.answers += 1
          if let last = state.last {
            state.longest = Swift.max(state.longest, status.uptimeSeconds - last)
          }
          state.last = status.uptimeSeconds
        }
        Thread.sleep(forTimeInterval: 0.02)
      }
    }.start()
  }

  func finish() -> (longest: Double, answers: Int) {
    state.withLock { $0.stop = true }
    finished.wait()
    return state.withLock { ($0.longest, $0.answers) }
  }

  /// What was seen so far; the probe goes on from zero.
  func reset() -> (longest: Double, answers: Int) {
    state.withLock { state in
      defer {
        state.longest = 0
        state.answers = 0
      }
      return (state.longest, state.answers)
    }
  }
}

public struct HistoryQueryResult: Codable, Sendable {
  public var name: String
  public var seconds: Double
  public var points: Int
  public var bucketSeconds: Double
  public var replyBytes: Int
}

public struct HistoryBenchResult: Codable, Sendable {
  public var bench = "history"
  public var detectors: Int
  public var days: Int
  public var rows: Int
  public var fillSeconds: Double
  public var queries: [HistoryQueryResult]
  /// The same probe before any query: the evaluation period as this machine keeps it.
  public var quietEvaluationGapSeconds: Double
  public var longestEvaluationGapSeconds: Double
  public var probeAnswers: Int
  public var residentBeforeMB: Double
  public var residentAfterMB: Double

  public var growthMB: Double { residentAfterMB - residentBeforeMB }

  public var summary: String {
    var lines = [
      "history: \(detectors) detectors × \(days) days of minutes (\(rows) rows, written in "
        + String(format: "%.0f s", fillSeconds) + ")"
    ]
    for query in queries {
      lines.append(
        "  \(query.name): "
          + String(format: "%.2f s, %d points", query.seconds, query.points)
          + (query.bucketSeconds > 60 ? String(format: " of %.0f s", query.bucketSeconds) : "")
          + (query.replyBytes > 0
            ? String(format: ", %.2f MB", Double(query.replyBytes) / 1e6) : ""))
    }
    lines.append(
      String(
        format:
          "  longest gap between evaluations %.2f s during the queries, %.2f s before them "
          + "(%.2f×; target ≤ %.1f s, %d status answers); "
          + "dosed resident %.1f → %.1f MB (growth %.1f MB, target ≤ %.0f MB)",
        longestEvaluationGapSeconds, quietEvaluationGapSeconds,
        longestEvaluationGapSeconds / quietEvaluationGapSeconds,
        HistoryBench.maxEvaluationGapSeconds, probeAnswers,
        residentBeforeMB, residentAfterMB, growthMB, HistoryBench.maxGrowthMB))
    return lines.joined(separator: "\n")
  }
}

struct HistoryBenchError: Error, CustomStringConvertible {
  var description: String
}
