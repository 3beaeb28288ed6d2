import DoseNotify
import DoseProtocol
import Foundation
import Testing

/// The quarterly chain test as docs/operations.md describes it, with real peers: `alarm_test`
/// (what `dosectl alarms test` sends) raises a test alarm in dosed; dosed-notify carries it to
/// a program and to Alertmanager marked as a test; the acknowledgement is told with who gave it
/// and ends the test everywhere.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary)))
struct TestAlarmChainTests {
  static let ward = """
    [[detector]]
    id = "store-1"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      background_usv_h = 1.0

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["store-1"]
    warn_usv_h = 10.0
    alarm_usv_h = 50.0
    """

  @Test func aTestAlarmTravelsTheChainMarkedTestAndEndsWithItsAck() async throws {
    let directory = try ScratchDirectory("test-alarm")
    let beacon = try Recorder(in: directory, name: "beacon")
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
      name = "am"
      kind = "alertmanager"
      url = "http://127.0.0.1:\(alertmanager.port)"
      """)
    let dosed = try ChildProcess(
      binaries.appendingPathComponent("dosed").path,
      [
        "--config", directory.path + "/ward.toml", "--socket", socket, "--state-dir",
        directory.path + "/state",
      ], log: directory.path + "/dosed.log")
    let notifier = try ChildProcess(
      binaries.appendingPathComponent("dosed-notify").path, ["--config", config],
      log: directory.path + "/notify.log")
    func send(_ request: some Encodable & Sendable) async throws -> Data {
      try await requestDosed(socket, request)
    }
    // The notifier reconciles with `status` when it connects, so it needs only dosed up.
    try await eventually("dosed answers") {
      (try? await send(Request(id: .number(0), cmd: "status"))) != nil
    }

    let raised = try await send(
      AlarmTestRequest(id: .number(1), location: "store", note: "quarterly chain test"))
    #expect(
      WireCoding.messageClass(of: raised) == "alarms", "\(String(decoding: raised, as: UTF8.self))")
    try await eventually("the beacon hears the test") {
      beacon.events().contains("test test:store")
    }
    let test = try #require(beacon.invocations().first { $0.environment["DOSED_EVENT"] == "test" })
    #expect(test.environment["DOSED_TEST"] == "1")
    #expect(test.environment["DOSED_LOCATION"] == "store")
    #expect(test.event["test"] as? Bool == true)
    try await eventually("Alertmanager shows DosedTest, marked test") {
      let labels = try await alertmanager.alert("test:store")?["labels"] as? [String: String]
      return labels?["alertname"] == "DosedTest" && labels?["test"] == "true"
    }

    // The ack ends the test: told as an ack with who, then cleared, and resolved.
    let acked = try await send(
      AlarmAckRequest(id: .number(2), alarm: "test:store", note: "all links ok"))
    #expect(WireCoding.messageClass(of: acked) == "alarms")
    try await eventually("the ack and the clear reach the beacon") {
      let events = beacon.events()
      return events.contains("ack test:store") && events.contains("clear test:store")
    }
    let ack = try #require(beacon.invocations().first { $0.environment["DOSED_EVENT"] == "ack" })
    #expect(ack.environment["DOSED_ACK_USER"] == "root")
    #expect(ack.environment["DOSED_TEST"] == "1")
    let events = beacon.events()
    #expect(events.firstIndex(of: "ack test:store")! < events.firstIndex(of: "clear test:store")!)
    try await eventually("Alertmanager resolves the test") {
      try await alertmanager.alert("test:store") == nil
    }
    // Nothing real was raised or touched by it.
    #expect(!events.contains { $0.hasPrefix("alarm ") })
    notifier.terminate()
    dosed.terminate()
  }
}
