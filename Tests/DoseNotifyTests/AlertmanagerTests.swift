import DoseNotify
import DoseProtocol
import Foundation
import Testing

/// A real Alertmanager (Debian's prometheus-alertmanager) on loopback, with clustering off.
final class AlertmanagerProcess: Sendable {
  static let binary = "/usr/bin/prometheus-alertmanager"
  let port: Int
  let directory: ScratchDirectory
  private let child: ChildProcess

  init(port: Int = freePort()) async throws {
    self.port = port
    directory = try ScratchDirectory("alertmanager")
    let config = try directory.write(
      "am.yml", "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n")
    child = try ChildProcess(
      Self.binary,
      [
        "--config.file=\(config)", "--storage.path=\(directory.path)/data",
        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
      ], log: directory.path + "/alertmanager.log")
    let client = HTTPClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
    try await eventually("Alertmanager is ready") {
      (try? await client.request(.GET, "/-/ready", timeout: 2))?.status == 200
    }
  }

  func stop() { child.terminate() }

  /// `GET /api/v2/alerts`: the alerts it holds, each as decoded JSON.
  /// Asked up to three times: a connection that a loaded machine's Alertmanager drops now and
  /// then is not what the tests are about (the notifier's own posts retry the same way).
  func alerts() async throws -> [[String: Any]] {
    let client = HTTPClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!)
    var attempt = 1
    while true {
      do {
        let response = try await client.request(.GET, "/api/v2/alerts", timeout: 5)
        return try #require(
          JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
      } catch  where attempt < 3 {
        print("GET /api/v2/alerts, attempt \(attempt): \(error)")
        attempt += 1
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  func alert(_ alarmID: String) async throws -> [String: Any]? {
    try await alerts().first { ($0["labels"] as? [String: String])?["alarm_id"] == alarmID }
  }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary)))
struct AlertmanagerTests {
  static func event(
    _ kind: NotifyEventKind, id: String, level: String = "alarm", test: Bool = false
  )
    -> NotifyEvent
  {
    NotifyEvent(
      event: kind, time: Date(), ward: "ward-7",
      alarm: AlarmView(
        id: id, kind: test ? "test" : "dose", level: level, location: "room-1", detector: "r1",
        message: "room-1 at 230 µSv/h", since: Date(timeIntervalSince1970: 1_800_000_000),
        test: test))
  }

  static func action(port: Int) -> ActionConfig {
    var action = ActionConfig(name: "am", kind: .alertmanager)
    action.url = URL(string: "http://127.0.0.1:\(port)")
    action.timeoutSeconds = 2
    action.retryMaxSeconds = 1
    return action
  }

  @Test func anAlarmFiresWithItsLabelsAndIsResolvedWhenCleared() async throws {
    let alertmanager = try await AlertmanagerProcess()
    let action = AlertmanagerAction(
      config: Self.action(port: alertmanager.port), logger: testLogger)
    let runner = Task { await action.run() }
    defer { runner.cancel() }
    await action.enqueue(Self.event(.alarm, id: "dose:room-1:alarm"))
    await action.enqueue(Self.event(.test, id: "test:room-1", level: "warn", test: true))
    try await eventually("both alerts are active") {
      try await alertmanager.alerts().count == 2
    }
    let alert = try #require(try await alertmanager.alert("dose:room-1:alarm"))
    let labels = try #require(alert["labels"] as? [String: String])
    #expect(labels["alertname"] == "DosedDoseAlarm")
    #expect(labels["ward"] == "ward-7")
    #expect(labels["location"] == "room-1")
    #expect(labels["detector"] == "r1")
    #expect(labels["severity"] == "critical")
    #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
    let annotations = try #require(alert["annotations"] as? [String: String])
    #expect(annotations["description"] == "room-1 at 230 µSv/h")
    #expect(annotations["summary"] == "dose-rate alarm at room-1")
    let test = try #require(try await alertmanager.alert("test:room-1"))
    #expect((test["labels"] as? [String: String])?["alertname"] == "DosedTest")
    #expect((test["labels"] as? [String: String])?["severity"] == "warning")
    #expect((test["labels"] as? [String: String])?["test"] == "true")

    await action.enqueue(Self.event(.clear, id: "dose:room-1:alarm"))
    // Resolved: Alertmanager no longer lists it among its alerts; the other stays.
    try await eventually("the cleared alarm is resolved") {
      try await alertmanager.alert("dose:room-1:alarm") == nil
    }
    #expect(try await alertmanager.alert("test:room-1") != nil)
  }

  /// A clear told after a restart of the notifier (the new run never posted the alert)
  /// resolves the alert the earlier run posted.
  @Test func aClearFromALaterRunResolvesTheAlert() async throws {
    let alertmanager = try await AlertmanagerProcess()
    let earlier = AlertmanagerAction(
      config: Self.action(port: alertmanager.port), logger: testLogger)
    let earlierRun = Task { await earlier.run() }
    await earlier.enqueue(Self.event(.alarm, id: "dose:room-1:alarm"))
    try await eventually("the alert fires") {
      try await alertmanager.alert("dose:room-1:alarm") != nil
    }
    earlierRun.cancel()
    let later = AlertmanagerAction(config: Self.action(port: alertmanager.port), logger: testLogger)
    let laterRun = Task { await later.run() }
    defer { laterRun.cancel() }
    await later.enqueue(Self.event(.clear, id: "dose:room-1:alarm"))
    try await eventually("the alert is resolved") {
      try await alertmanager.alert("dose:room-1:alarm") == nil
    }
  }

  /// Alertmanager as an escalation target: a page still firing is owed across a restart (the
  /// new run would otherwise post it only after `after_s`, and Alertmanager would resolve it at
  /// its `endsAt` meanwhile); a first-tier alert is not (a restart tells it again), and a page
  /// that cleared is owed only as its resolution.
  @Test func firingPagesAndResolutionsAreOwed() async throws {
    let action = AlertmanagerAction(config: Self.action(port: freePort()), logger: testLogger)
    var page = Self.event(.alarm, id: "dose:room-1:alarm")
    page.escalation = 1
    await action.enqueue(page)
    await action.enqueue(Self.event(.fault, id: "fault:r2"))
    #expect(
      await action.owed().map { "\($0.event.rawValue) \($0.alarmID)" } == [
        "alarm dose:room-1:alarm"
      ])
    await action.enqueue(Self.event(.clear, id: "dose:room-1:alarm"))
    #expect(
      await action.owed().map { "\($0.event.rawValue) \($0.alarmID)" } == [
        "clear dose:room-1:alarm"
      ])
  }

  @Test func alarmsRaisedWhileAlertmanagerIsDownArriveWhenItReturns() async throws {
    let port = freePort()
    let action = AlertmanagerAction(config: Self.action(port: port), logger: testLogger)
    let runner = Task { await action.run() }
    defer { runner.cancel() }
    // Three alarms, one of which also clears, while nothing listens on the port.
    await action.enqueue(Self.event(.alarm, id: "dose:room-1:alarm"))
    await action.enqueue(Self.event(.fault, id: "fault:r2"))
    await action.enqueue(Self.event(.alarm, id: "dose:room-3:alarm"))
    await action.enqueue(Self.event(.clear, id: "dose:room-3:alarm"))
    try await Task.sleep(for: .seconds(3))
    // A restart now would owe Alertmanager the resolution (the firing ones it tells again).
    #expect(await action.owed().map(\.alarmID) == ["dose:room-3:alarm"])
    let alertmanager = try await AlertmanagerProcess(port: port)
    try await eventually("the two still firing arrive") {
      // A slow answer on a loaded machine is asked again, not a failure.
      guard let alerts = try? await alertmanager.alerts() else { return false }
      let ids = alerts.compactMap {
        ($0["labels"] as? [String: String])?["alarm_id"]
      }
      return Set(ids) == ["dose:room-1:alarm", "fault:r2"]
    }
    try await eventually("the resolution is no longer owed") { await action.owed().isEmpty }
  }
}
