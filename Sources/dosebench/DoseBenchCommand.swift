import ArgumentParser
import DoseBench
import DoseCore
import Foundation

/// `dosebench`: the measurement-science benchmark. Build it in release
/// (`swift build -c release --product dosebench`); the numbers mean nothing in debug.
@main
struct DoseBenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dosebench",
    abstract: "Alarm latency, false alarms, clearance decisions and core throughput.")

  @Flag(help: "One JSON object per line instead of tables.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Benches to run: detect_step, clearance, waste_survey, throughput, socket, abuse, "
        + "history, notify, notify_outage, board, soak "
        + "(comma separated; socket, abuse, history and soak start the dosed and dosectl built "
        + "beside dosebench, notify also dosed-notify, board also dosed-board; history writes a year of minutes for 16 detectors, about 1 GB in "
        + "/tmp; soak, not run by default, takes 30 simulated days at 3600×: 12 minutes; "
        + "notify_outage, not run by default, keeps Alertmanager down 60 s while three rooms "
        + "alarm)."))
  var only: String =
    "detect_step,clearance,waste_survey,throughput,socket,abuse,history,notify,board"

  @Option(help: "Step trials per tube.")
  var trials = 1000

  @Option(help: "Simulated years at half the threshold, for false alarms.")
  var years = 1.0

  @Option(help: "Rooms per group (0.5× and 1.2× the clearance level).")
  var rooms = 10_000

  @Option(help: "Simulated days of the soak.")
  var soakDays = 30.0

  @Flag(help: "Exit 1 when a target of the benches run is missed (issues 5, 7, 9, 14, 15).")
  var check = false

  // One client of the connection-lockout scenario, run by the abuse bench and its test as
  // another uid (`HelperClient`); not a bench.
  @Option(help: .hidden) var client: String?
  @Option(help: .hidden) var socket = ""
  @Option(help: .hidden) var connections = 500
  @Option(help: .hidden) var seconds = 3.0
  @Option(help: .hidden) var control: String?

  mutating func run() throws {
    // The abuse benches write to connections dosed is entitled to close (a flood, a line too
    // long): a write there must fail with EPIPE, not kill the bench with SIGPIPE (it did once
    // in CI, mid bench-check, with nothing printed).
    signal(SIGPIPE, SIG_IGN)
    if let client {
      try HelperClient.run(
        client, socket: socket, connections: connections, seconds: seconds, control: control)
      return
    }
    let selected = Set(only.split(separator: ",").map(String.init))
    var steps: [StepDetectionResult] = []
    var clearance: [ClearanceResult] = []
    var throughput: ThroughputResult?
    if selected.contains("detect_step") {
      for row in StepDetectionBench.rows {
        guard let tube = TubeTable.lookup(row.tube) else { continue }
        var bench = StepDetectionBench(tube: tube)
        bench.thresholdUSvH = row.thresholdUSvH
        bench.peers = row.peers
        // The corner's latencies run to minutes (ln(ARL)/KL is 510 s for SI-3BG at 0.5 µSv/h):
        // fewer trials, a longer cap.
        bench.trials = row.peers ? trials : Swift.max(1, trials / 5)
        bench.maxLatencySeconds = row.peers ? 600 : 7200
        bench.years = years
        let results = bench.run()
        steps += results
        if json { results.forEach(emit) }
      }
    }
    if selected.contains("clearance"), let tube = TubeTable.lookup("SBM-20") {
      var bench = ClearanceBench(tube: tube)
      bench.roomsPerGroup = rooms
      clearance = bench.run()
      if json { clearance.forEach(emit) }
    }
    var waste: [WasteSurveyResult] = []
    if selected.contains("waste_survey"), let tube = TubeTable.lookup("SBM-20") {
      waste = WasteSurveyBench(tube: tube).run()
      if json { waste.forEach(emit) }
    }
    if selected.contains("throughput") {
      let result = ThroughputBench().run()
      throughput = result
      if json { emit(result) }
    }
    var socket: (SocketLoadResult, DosectlStartResult)?
    if selected.contains("socket") {
      // The daemon and CLI built beside this benchmark (same configuration).
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let bench = SocketBench(
        dosed: directory.appendingPathComponent("dosed").path,
        dosectl: directory.appendingPathComponent("dosectl").path)
      let result = try bench.run()
      socket = result
      if json {
        emit(result.0)
        emit(result.1)
      }
    }
    var abuse: AbuseResult?
    if selected.contains("abuse") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let result = try AbuseBench(
        dosed: directory.appendingPathComponent("dosed").path,
        helper: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
      ).run()
      abuse = result
      if json { emit(result) }
    }
    var history: HistoryBenchResult?
    if selected.contains("history") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let result = try HistoryBench(dosed: directory.appendingPathComponent("dosed").path).run()
      history = result
      if json { emit(result) }
    }
    var notify: NotifyLatencyResult?
    if selected.contains("notify") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let result = try NotifyLatencyBench(
        dosed: directory.appendingPathComponent("dosed").path,
        notifier: directory.appendingPathComponent("dosed-notify").path
      ).run()
      notify = result
      if json { emit(result) }
    }
    var outage: AlertmanagerOutageResult?
    if selected.contains("notify_outage") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let result = try AlertmanagerOutageBench(
        dosed: directory.appendingPathComponent("dosed").path,
        notifier: directory.appendingPathComponent("dosed-notify").path
      ).run()
      outage = result
      if json { emit(result) }
    }
    var board: BoardBenchResult?
    if selected.contains("board") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      let result = try BoardBench(
        dosed: directory.appendingPathComponent("dosed").path,
        board: directory.appendingPathComponent("dosed-board").path
      ).run()
      board = result
      if json { emit(result) }
    }
    if selected.contains("soak") {
      let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      var bench = SoakBench(dosed: directory.appendingPathComponent("dosed").path)
      bench.simulatedDays = soakDays
      let result = try bench.run()
      if json { emit(result) } else { print(result.summary) }
    }
    var failures = BenchTargets.failures(
      steps: steps, clearance: clearance, throughput: throughput)
    if let socket { failures += BenchTargets.failures(socket: socket.0, start: socket.1) }
    if let abuse { failures += BenchTargets.failures(abuse: abuse) }
    if let history { failures += BenchTargets.failures(history: history) }
    failures += waste.flatMap(\.failures)
    failures += notify?.failures ?? []
    failures += board?.failures ?? []
    failures += outage?.failures ?? []
    if !json {
      print(BenchTable.render(steps: steps, clearance: clearance, throughput: throughput))
      if !waste.isEmpty {
        print(
          "waste_survey: packages surveyed until released (≤ 20 surveys), released fraction; "
            + "stated rate \(WasteReleaseTest.defaultAlpha)")
        for row in waste { print(row.summary) }
        print("")
      }
      if let (load, start) = socket { print(BenchTable.render(load, start)) }
      if let abuse { print(abuse.summary) }
      if let history { print(history.summary) }
      if let notify { print(notify.summary) }
      if let board { print(board.summary) }
      if let outage { print(outage.summary) }
      print(failures.isEmpty ? "targets: all met" : "targets missed:")
      for failure in failures { print("  - \(failure)") }
    }
    if check && !failures.isEmpty { throw ExitCode(1) }
  }

  func emit<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    if let data = try? encoder.encode(value), let line = String(data: data, encoding: .utf8) {
      // One line per result as it finishes (the whole run takes a minute or two).
      FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
  }
}
