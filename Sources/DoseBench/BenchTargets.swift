import Foundation

/// Issue 5's targets, checked against a run's results: each failure is one sentence.
public enum BenchTargets {
  public static let minReadingsPerSecond = 5e6

  public static func failures(
    steps: [StepDetectionResult], clearance: [ClearanceResult], throughput: ThroughputResult?
  ) -> [String] {
    var failures: [String] = []
    for dosed in steps where dosed.method == "dosed" {
      let tube = "\(dosed.tube) at \(fmt(dosed.thresholdUSvH)) µSv/h"
      // Issue 15: the budget holds on every row, the low-threshold corner included.
      if dosed.falseAlarmsPerYear > 1 {
        failures.append(
          "\(tube): dosed false alarms \(fmt(dosed.falseAlarmsPerYear)) per year > 1")
      }
      guard dosed.latencyTargets,
        let fixed = steps.first(where: {
          $0.tube == dosed.tube && $0.thresholdUSvH == dosed.thresholdUSvH
            && $0.method == "fixed_window_60s"
        })
      else { continue }
      if dosed.latencyMedianSeconds > 1.5 * dosed.boundLatencySeconds {
        failures.append(
          "\(tube): dosed median latency \(fmt(dosed.latencyMedianSeconds)) s > 1.5 × bound "
            + fmt(dosed.boundLatencySeconds) + " s")
      }
      if dosed.latencyMedianSeconds > fixed.latencyMedianSeconds / 5 {
        failures.append(
          "\(tube): dosed median latency \(fmt(dosed.latencyMedianSeconds)) s > 1/5 of the "
            + "60 s window's \(fmt(fixed.latencyMedianSeconds)) s")
      }
    }
    if let dosed = clearance.first(where: { $0.method == "dosed" }),
      let fixed = clearance.first(where: { $0.method != "dosed" })
    {
      if dosed.timeToDecideMedianSeconds > fixed.timeToDecideMedianSeconds / 3 {
        failures.append(
          "clearance: dosed median \(fmt(dosed.timeToDecideMedianSeconds)) s > 1/3 of the fixed "
            + "count's \(fmt(fixed.timeToDecideMedianSeconds)) s")
      }
      if dosed.wrongDecisions > 0 {
        failures.append("clearance: dosed declared \(dosed.wrongDecisions) rooms at 1.2× clear")
      }
    }
    if let throughput, throughput.readingsPerSecond < minReadingsPerSecond {
      failures.append(
        "throughput: \(fmt(throughput.readingsPerSecond)) readings/s < "
          + fmt(minReadingsPerSecond))
    }
    return failures
  }

  /// Issue 7: ≥ 10 000 status/s from 32 clients with p99 ≤ 5 ms, RSS ≤ 20 MB with 16
  /// detectors, dosectl status ≤ 30 ms median.
  public static func failures(socket: SocketLoadResult, start: DosectlStartResult) -> [String] {
    var failures: [String] = []
    if socket.requestsPerSecond < 10_000 {
      failures.append("socket: \(fmt(socket.requestsPerSecond)) status/s < 10000")
    }
    if socket.latencyMsP99 > 5 {
      failures.append("socket: p99 latency \(fmt(socket.latencyMsP99)) ms > 5 ms")
    }
    let rss = Swift.max(socket.rssMBIdle, socket.rssMBAfterLoad)
    if !(rss <= 20) { failures.append("socket: resident memory \(fmt(rss)) MB > 20 MB") }
    if start.medianMs > 30 {
      failures.append("dosectl status: median \(fmt(start.medianMs)) ms > 30 ms")
    }
    return failures
  }

  /// Issue 9: a well-formed `status` answered within 100 ms throughout the socket abuse.
  public static func failures(abuse: AbuseResult) -> [String] {
    abuse.phases.filter { $0.answers == 0 }.map { "abuse: no status answer during \($0.name)" }
      + abuse.phases.filter { $0.answers > 0 && $0.maxMs > AbuseBench.maxStatusMs }.map {
        "abuse: status took \(fmt($0.maxMs)) ms during \($0.name) > \(fmt(AbuseBench.maxStatusMs)) ms"
      } + (abuse.admission.map(failures(admission:)) ?? [])
  }

  /// Issue 14: while one reader abuses the socket, root, an admin and another reader each get
  /// `status` within 100 ms, and root and the admin can act.
  static func failures(admission: AdmissionResult) -> [String] {
    admission.probes.flatMap { probe in
      var failures: [String] = []
      if probe.failureCount > 0 || probe.answers == 0 {
        failures.append(
          "abuse: \(probe.name) was refused or failed \(probe.failureCount) times during the "
            + "lockout scenario: \(probe.failures.prefix(2))")
      }
      if probe.maxMs > AbuseBench.maxStatusMs {
        failures.append(
          "abuse: \(probe.name)'s status (fresh connection) took \(fmt(probe.maxMs)) ms during "
            + "the lockout scenario > \(fmt(AbuseBench.maxStatusMs)) ms")
      }
      if probe.name != "reader" && probe.controls == 0 {
        failures.append("abuse: \(probe.name) could not acknowledge the alarm")
      }
      return failures
    }
  }

  /// Issue 14: a year of records for 16 detectors, queried every way, keeps the evaluations
  /// within 0.5 s of each other and the daemon within 20 MB of its size.
  public static func failures(history: HistoryBenchResult) -> [String] {
    var failures: [String] = []
    if history.probeAnswers == 0 { failures.append("history: no status answer during the queries") }
    if history.longestEvaluationGapSeconds > HistoryBench.maxEvaluationGapSeconds {
      failures.append(
        "history: \(fmt(history.longestEvaluationGapSeconds)) s between two evaluations > "
          + "\(fmt(HistoryBench.maxEvaluationGapSeconds)) s")
    }
    if !(history.growthMB <= HistoryBench.maxGrowthMB) {
      failures.append(
        "history: dosed grew \(fmt(history.growthMB)) MB > \(fmt(HistoryBench.maxGrowthMB)) MB")
    }
    return failures
  }

  static func fmt(_ value: Double) -> String { String(format: "%.3g", value) }
}
