import DoseCore
import DoseProtocol
import Foundation

/// `notify`: end-to-end alarm latency against the release `dosed` and
/// `dosed-notify`. One dosed with `trials` simulated SBM-20 detectors at 0.1 µSv/h, each
/// feeding its own isolation room (warn 2.0, alarm 2.5 µSv/h); each detector's source steps to
/// 5 µSv/h at its own moment (staggered by half a second, so the notifier's exec queue does
/// not add to the figure). Measured per trial, on this process's wall clock: from the step to
/// the moment the exec action's program ran for the room's `alarm`-level alarm (it writes
/// `date +%s.%N`).
///
/// Beside it, the Prometheus-rule path for the same steps: the moment a `status` poll every
/// 0.25 s first shows the room at alarm level (dosed's own detection, what the metric shows),
/// plus the wait for the next scrape and the next rule evaluation, each drawn uniformly over
/// its interval (seeded), plus the rule's `for` (0 for DosedLocationAlarm,
/// contrib/prometheus/dosed-rules.yml).
public struct NotifyLatencyBench: Sendable {
  public var dosed: String
  public var notifier: String
  public var trials = 60
  /// Seconds after dosed's start of the first step: every detector has read and the notifier
  /// has connected by then.
  public var firstStepSeconds = 20.0
  public var staggerSeconds = 0.5
  public var scrapeIntervalSeconds = 15.0
  public var evaluationIntervalSeconds = 15.0
  /// Issue 17's targets.
  public static let maxMedianSeconds = 6.0
  public static let maxP95Seconds = 10.0

  public init(dosed: String, notifier: String) {
    self.dosed = dosed
    self.notifier = notifier
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func stepSeconds(_ index: Int) -> Double { firstStepSeconds + staggerSeconds * Double(index) }

  func ward() -> String {
    BenchWard.steppingRooms(trials, seedBase: 1000, stepSeconds: stepSeconds)
  }

  public func run() throws -> NotifyLatencyResult {
    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "notify")
    let log = daemon.directory + "/runs.log"
    let script = daemon.directory + "/record.sh"
    try """
    #!/bin/sh
    printf '%s %s %s %s\\n' "$(date +%s.%N)" "$DOSED_EVENT" "$DOSED_LEVEL" "$DOSED_ALARM_ID" >> \(log)
    """.write(toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    let config = daemon.directory + "/notify.toml"
    try """
    socket = "\(daemon.socket)"
    [[action]]
    name = "record"
    kind = "exec"
    command = ["\(script)"]
    events = ["alarm"]
    """.write(toFile: config, atomically: true, encoding: .utf8)
    try SocketBench(dosed: dosed, dosectl: "").waitReady(daemon.socket)
    let notify = Process()
    notify.executableURL = URL(fileURLWithPath: notifier)
    notify.arguments = ["--config", config]
    notify.standardOutput = FileHandle.nullDevice
    notify.standardError = FileHandle.nullDevice
    try notify.run()
    defer {
      notify.terminate()
      notify.waitUntilExit()
    }
    // The simulation's origin on this clock: now minus dosed's uptime (clock seconds at 1×).
    let client = try DoseClient(path: daemon.socket, timeout: 5)
    let origin = try Self.origin(client)
    var detected: [Int: Double] = [:]
    let deadline = Date().timeIntervalSince1970 + stepSeconds(trials) + 60
    while detected.count < trials && Date().timeIntervalSince1970 < deadline {
      let now = Date().timeIntervalSince1970
      let line = try client.request("status")
      let status = try WireCoding.decoder().decode(StatusReply.self, from: line)
      for (index, location) in status.locations.enumerated()
      where detected[index] == nil && location.alarm == "alarm"
        && now >= origin + stepSeconds(index)
      {
        detected[index] = now - (origin + stepSeconds(index))
      }
      Thread.sleep(forTimeInterval: 0.25)
    }
    // Let the last exec runs land.
    Thread.sleep(forTimeInterval: 2)
    var delivered: [Int: Double] = [:]
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count == 4, fields[1] == "alarm", fields[2] == "alarm",
        let time = Double(fields[0]), fields[3].hasPrefix("dose:l"),
        let index = Int(fields[3].dropFirst("dose:l".count).prefix { $0.isNumber }),
        index < trials, delivered[index] == nil
      else { continue }
      delivered[index] = time - (origin + stepSeconds(index))
    }
    var generator = SeededGenerator(seed: 17)
    let prometheus = detected.values.map {
      $0 + generator.nextUnit() * scrapeIntervalSeconds
        + generator.nextUnit() * evaluationIntervalSeconds
    }
    return NotifyLatencyResult(
      trials: trials, delivered: delivered.count, detected: detected.count,
      notifyMedianSeconds: Self.quantile(Array(delivered.values), 0.5),
      notifyP95Seconds: Self.quantile(Array(delivered.values), 0.95),
      detectionMedianSeconds: Self.quantile(Array(detected.values), 0.5),
      prometheusMedianSeconds: Self.quantile(prometheus, 0.5),
      prometheusP95Seconds: Self.quantile(prometheus, 0.95),
      scrapeIntervalSeconds: scrapeIntervalSeconds,
      evaluationIntervalSeconds: evaluationIntervalSeconds)
  }

  static func origin(_ client: DoseClient) throws -> Double {
    let before = Date().timeIntervalSince1970
    let line = try client.request("status")
    let after = Date().timeIntervalSince1970
    let status = try WireCoding.decoder().decode(StatusReply.self, from: line)
    guard status.timeScale == 1 else { throw Failure(description: "dosed is not at 1×") }
    return (before + after) / 2 - status.uptimeSeconds
  }

  static func quantile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
  }
}

public struct NotifyLatencyResult: Codable, Sendable {
  public var bench = "notify"
  public var trials: Int
  public var delivered: Int
  public var detected: Int
  public var notifyMedianSeconds: Double
  public var notifyP95Seconds: Double
  public var detectionMedianSeconds: Double
  public var prometheusMedianSeconds: Double
  public var prometheusP95Seconds: Double
  public var scrapeIntervalSeconds: Double
  public var evaluationIntervalSeconds: Double

  public var failures: [String] {
    var failures: [String] = []
    if delivered < trials {
      failures.append("notify: \(trials - delivered) of \(trials) alarms not delivered")
    }
    if !(notifyMedianSeconds <= NotifyLatencyBench.maxMedianSeconds) {
      failures.append(
        "notify: median step → exec \(notifyMedianSeconds) s > \(NotifyLatencyBench.maxMedianSeconds) s"
      )
    }
    if !(notifyP95Seconds <= NotifyLatencyBench.maxP95Seconds) {
      failures.append(
        "notify: p95 step → exec \(notifyP95Seconds) s > \(NotifyLatencyBench.maxP95Seconds) s")
    }
    return failures
  }

  public var summary: String {
    let f = BenchTable.f
    let rows = [
      ["PATH", "MEDIAN s", "P95 s", "DELIVERED"],
      [
        "dosed → dosed-notify → exec action", f(notifyMedianSeconds), f(notifyP95Seconds),
        "\(delivered)/\(trials)",
      ],
      [
        "Prometheus rule (\(Int(scrapeIntervalSeconds)) s scrape, "
          + "\(Int(evaluationIntervalSeconds)) s evaluation, for 0)",
        f(prometheusMedianSeconds), f(prometheusP95Seconds), "\(detected)/\(trials)",
      ],
    ]
    return "notify: SBM-20 0.1 → 5 µSv/h, alarm level 2.5 µSv/h, step to the action having run "
      + "(release dosed and dosed-notify; target median ≤ \(f(NotifyLatencyBench.maxMedianSeconds)) s, "
      + "p95 ≤ \(f(NotifyLatencyBench.maxP95Seconds)) s)\n"
      + BenchTable.align(rows)
      + "\n(Prometheus: dosed's detection as a status poll saw it, median "
      + "\(f(detectionMedianSeconds)) s, plus the wait for the next scrape and evaluation)\n"
  }
}
