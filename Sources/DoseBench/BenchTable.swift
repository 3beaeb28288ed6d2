import Foundation

/// The human-readable form of a run: one aligned table per bench.
public enum BenchTable {
  public static func render(
    steps: [StepDetectionResult], clearance: [ClearanceResult], throughput: ThroughputResult?
  ) -> String {
    var out = ""
    if !steps.isEmpty {
      out += "detect_step: background → 2× threshold; false alarms at 0.5× threshold\n"
      var rows = [
        [
          "TUBE", "BG µSv/h", "THRESH µSv/h", "METHOD", "LATENCY MEDIAN s", "P95 s", "BOUND s",
          "MEDIAN/BOUND", "FALSE/YEAR",
        ]
      ]
      for step in steps {
        rows.append([
          step.tube, f(step.backgroundUSvH), f(step.thresholdUSvH), step.method,
          f(step.latencyMedianSeconds), f(step.latencyP95Seconds), f(step.boundLatencySeconds),
          f(step.latencyMedianSeconds / step.boundLatencySeconds), f(step.falseAlarmsPerYear),
        ])
      }
      out += align(rows) + "\n"
    }
    if !clearance.isEmpty {
      out += "clearance: rooms at 0.5× and 1.2× the clearance level after discharge\n"
      var rows = [["METHOD", "LIMIT µSv/h", "TIME MEDIAN s", "WRONG CLEAR", "BELOW NOT CLEARED"]]
      for row in clearance {
        rows.append([
          row.method, f(row.limitUSvH), f(row.timeToDecideMedianSeconds),
          "\(row.wrongDecisions)/\(row.roomsPerGroup)",
          "\(row.roomsBelowNotCleared)/\(row.roomsPerGroup)",
        ])
      }
      out += align(rows) + "\n"
    }
    if let throughput {
      out += "throughput: \(f(throughput.readingsPerSecond)) readings/s on one thread ("
      out += f(throughput.readingsPerSecond / BenchTargets.minReadingsPerSecond)
      out += "× the 5 M/s target)\n"
    }
    return out
  }

  public static func render(_ load: SocketLoadResult, _ start: DosectlStartResult) -> String {
    "socket: \(load.detectors) detectors, \(load.clients) clients: \(f(load.requestsPerSecond)) "
      + "status/s, latency p50 \(f(load.latencyMsP50)) ms, p99 \(f(load.latencyMsP99)) ms; "
      + "dosed resident \(f(load.rssMBIdle)) MB idle, \(f(load.rssMBAfterLoad)) MB after load "
      + "(\(f(load.rssAnonMBAfterLoad)) MB anonymous, \(f(load.rssFileMBAfterLoad)) MB "
      + "file-backed code)\n"
      + "dosectl status: \(f(start.medianMs)) ms median over \(start.runs) runs (start to exit)\n"
  }

  static func f(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    return String(format: "%.3g", value)
  }

  static func align(_ rows: [[String]]) -> String {
    let widths = (0..<(rows.first?.count ?? 0)).map { column in
      rows.map { $0[column].count }.max() ?? 0
    }
    return rows.map { row in
      row.enumerated().map { index, cell in
        cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n") + "\n"
  }
}
