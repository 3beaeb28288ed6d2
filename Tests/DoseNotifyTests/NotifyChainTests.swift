import DoseNotify
import DoseProtocol
import Foundation
import Testing

/// The whole chain with real peers: dosed with a detector unplugged for a while, dosed-notify
/// with a beacon, an escalation pager and a real Alertmanager, and an acknowledgement given
/// over the socket as `dosectl alarms ack` gives it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary)))
struct NotifyChainTests {
  /// Unplugged from 0.5 h to 4.5 h of simulated time: 3 s to 27 s of real time at 600×, room
  /// enough for the escalation and the ack on a loaded machine.
  static let ward = """
    [[detector]]
    id = "store-1"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      background_usv_h = 1.0
      [[detector.simulated.fault]]
      kind = "disconnect"
      start_h = 0.5
      duration_h = 4.0

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["store-1"]
    warn_usv_h = 10.0
    alarm_usv_h = 50.0
    """

  @Test func escalationAckAndClearReachEveryActionAndAlertmanager() async throws {
    let directory = try ScratchDirectory("chain")
    let beacon = try Recorder(in: directory, name: "beacon")
    let pager = try Recorder(in: directory, name: "pager")
    let alertmanager = try await AlertmanagerProcess()
    let socket = directory.path + "/dosed.sock"
    _ = try directory.write("ward.toml", Self.ward)
    let config = try directory.write(
      "notify.toml",
      """
      socket = "\(socket)"
      ward = "chain-ward"
      [[action]]
      name = "beacon"
      kind = "exec"
      command = ["\(beacon.script)"]
      [[action]]
      name = "pager"
      kind = "exec"
      command = ["\(pager.script)"]
      [[action]]
      name = "am"
      kind = "alertmanager"
      url = "http://127.0.0.1:\(alertmanager.port)"
      [[escalation]]
      after_s = 1
      actions = ["pager"]
      """)
    let dosed = try ChildProcess(
      binaries.appendingPathComponent("dosed").path,
      [
        "--config", directory.path + "/ward.toml", "--socket", socket, "--state-dir",
        directory.path + "/state", "--time-scale", "600",
      ], log: directory.path + "/dosed.log")
    let notifier = try ChildProcess(
      binaries.appendingPathComponent("dosed-notify").path, ["--config", config],
      log: directory.path + "/notify.log")

    // Unacknowledged for after_s: the pager hears it, as tier 1.
    try await eventually("the pager is woken") {
      pager.events().contains("fault fault:store-1")
    }
    let paged = try #require(pager.invocations().first)
    #expect(paged.environment["DOSED_ESCALATION"] == "1")
    #expect(beacon.events().first == "fault fault:store-1")
    #expect(beacon.invocations().first?.environment["DOSED_ESCALATION"] == nil)
    try await eventually("Alertmanager shows the fault firing") {
      let alert = try await alertmanager.alert("fault:store-1")
      let labels = alert?["labels"] as? [String: String]
      return labels?["alertname"] == "DosedDetectorFault" && labels?["ward"] == "chain-ward"
    }

    // Acknowledged over the socket, as `dosectl alarms ack` does (the tests run as root).
    let reply = try await Task.detached {
      try DoseClient(path: socket, timeout: 5).request(
        AlarmAckRequest(id: .number(1), alarm: "fault:store-1", note: "chain test"))
    }.value
    #expect(WireCoding.messageClass(of: reply) == "alarms")
    try await eventually("the ack reaches the beacon and the woken pager") {
      beacon.events().contains("ack fault:store-1") && pager.events().contains("ack fault:store-1")
    }
    let ack = try #require(beacon.invocations().first { $0.environment["DOSED_EVENT"] == "ack" })
    #expect(ack.environment["DOSED_ACK_USER"] == "root")
    #expect(ack.environment["DOSED_ACK_NOTE"] == "chain test")
    try await eventually("Alertmanager shows who acknowledged") {
      let alert = try await alertmanager.alert("fault:store-1")
      return (alert?["annotations"] as? [String: String])?["acknowledged_by"] == "root"
    }

    // The detector comes back: clear everywhere, and the alert resolves.
    try await eventually("the clear reaches the beacon and the pager", seconds: 60) {
      beacon.events().contains("clear fault:store-1")
        && pager.events().contains("clear fault:store-1")
    }
    try await eventually("Alertmanager resolves the alert") {
      try await alertmanager.alert("fault:store-1") == nil
    }
    // Once per occurrence (an id and its `since`): each fault is told once, though the notifier
    // looked many times.
    for recorder in [beacon, pager] {
      let occurrences = recorder.invocations().filter { $0.environment["DOSED_EVENT"] == "fault" }
        .map { $0.environment["DOSED_SINCE"] ?? "" }
      #expect(Set(occurrences).count == occurrences.count, "\(recorder.events())")
    }
    notifier.terminate()
    dosed.terminate()
  }
}
