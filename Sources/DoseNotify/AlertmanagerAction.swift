import DoseProtocol
import Foundation
import Logging

/// An `alertmanager` action: keeps the set of firing alerts and posts it to Alertmanager's API
/// v2 (`POST /api/v2/alerts`) whenever it changes and every `resend_s` while anything fires,
/// as Alertmanager expects of a sender: an alert not re-posted resolves itself at its `endsAt`.
/// A cleared alarm is posted once more with `endsAt` = when it cleared (resolved).
///
/// Nothing is lost while Alertmanager is down: the state is posted whole, so the next post that
/// gets through carries every alert still firing and every resolution not yet delivered (at
/// most `AlertmanagerAction.resolvedCapacity`; older ones are dropped, counted and logged).
/// Failed posts are retried after 1 s, doubling to `retry_max_s`.
public actor AlertmanagerAction: NotifyAction {
  public static let resolvedCapacity = 1000

  public let name: String
  private let config: ActionConfig
  private let logger: Logger
  private let client: HTTPClient
  private var firing: [Occurrence: AlertmanagerAlert] = [:]
  private var resolved: [AlertmanagerAlert] = []
  /// The events behind `resolved`, one for one: what a restart owes Alertmanager (the firing
  /// alerts it tells again by itself).
  private var resolvedEvents: [NotifyEvent] = []
  /// The escalation pages among the firing alerts: when Alertmanager is an escalation target,
  /// a restarted notifier must post them again at once (the first tier it tells again by
  /// itself), or Alertmanager would resolve them at their `endsAt` while the alarm goes on.
  private var firingPages: [Occurrence: NotifyEvent] = [:]
  private var dropped = 0
  /// Bumped on every change, so a post that raced a change leaves the state marked unsent.
  private var generation = 0
  private var sentGeneration = -1
  private var lastPost: Double?
  private var failures = 0
  private var nextAttempt = 0.0
  private let policy: RetryPolicy
  private let clock = ContinuousClock()
  private let started: ContinuousClock.Instant

  public init(config: ActionConfig, logger: Logger) {
    name = config.name
    self.config = config
    self.logger = logger
    client = HTTPClient(baseURL: config.url ?? URL(string: "http://127.0.0.1:9093")!)
    policy = RetryPolicy(maxDelay: config.retryMaxSeconds, giveUpAfter: .infinity)
    started = clock.now
  }

  public func enqueue(_ event: NotifyEvent) {
    let key = Occurrence(id: event.alarmID, since: event.since)
    switch event.event {
    case .alarm, .fault, .test, .unmonitored:
      var alert = AlertmanagerAlert(event: event)
      if let existing = firing[key] { alert.annotations = existing.annotations }
      firing[key] = alert
      if event.escalation != nil, firingPages[key] == nil { firingPages[key] = event }
    case .ack:
      firing[key]?.acknowledge(event)
    case .clear, .monitored:
      // An alert this run never posted (a clear told after a restart of the notifier) is
      // resolved too: the same labels name the same alert in Alertmanager.
      firingPages[key] = nil
      var alert = firing.removeValue(forKey: key) ?? AlertmanagerAlert(event: event)
      alert.endsAt = event.time
      resolved.append(alert)
      resolvedEvents.append(event)
      if resolved.count > Self.resolvedCapacity {
        resolved.removeFirst()
        resolvedEvents.removeFirst()
        dropped += 1
        logger.warning(
          Logger.Message(
            stringLiteral:
              "action \(name): more than \(Self.resolvedCapacity) resolutions waiting; dropped the "
              + "oldest (\(dropped) so far)"))
      }
    }
    generation += 1
  }

  /// The escalation pages still firing and the resolutions not yet posted. First-tier alerts
  /// are not owed: a restarted notifier tells every alarm still active again, and one that
  /// ended meanwhile as cleared.
  public func owed() -> [NotifyEvent] {
    firingPages.values.sorted { ($0.since, $0.alarmID) < ($1.since, $1.alarmID) } + resolvedEvents
  }

  public func run() async {
    while !Task.isCancelled {
      let now = seconds()
      let resendDue = !firing.isEmpty && (lastPost.map { now - $0 >= config.resendSeconds } ?? true)
      if (generation != sentGeneration || resendDue) && now >= nextAttempt {
        await post(now: now)
      } else {
        try? await Task.sleep(for: .milliseconds(25))
      }
    }
  }

  private func post(now: Double) async {
    let postedGeneration = generation
    let resolvedCount = resolved.count
    // endsAt four resend periods ahead: if this notifier dies, its alerts resolve themselves
    // after four missed re-posts rather than firing for ever (Prometheus uses the same margin
    // for the alerts its rules send).
    let endsAt = Date().addingTimeInterval(4 * config.resendSeconds)
    let alerts = (resolved + firing.values.sorted { $0.startsAt < $1.startsAt }).map { alert in
      var alert = alert
      let end = alert.endsAt ?? endsAt
      alert.endsAt = end
      // Alertmanager refuses a whole post ("start time must be before end time") for one alert
      // that starts after it ends: a dosed on simulated time (--time-scale) or a clock step
      // would otherwise block every alert for good.
      alert.startsAt = min(alert.startsAt, end.addingTimeInterval(-1))
      return alert
    }
    if alerts.isEmpty {
      sentGeneration = postedGeneration
      return
    }
    do {
      let body = try [UInt8](WireCoding.encoder().encode(alerts))
      let response = try await client.request(
        .POST, "/api/v2/alerts", body: body, timeout: config.timeoutSeconds)
      guard (200..<300).contains(response.status) else {
        throw HTTPClient.Failure(
          description: "HTTP \(response.status): \(response.text.prefix(300))")
      }
      resolved.removeFirst(min(resolvedCount, resolved.count))
      resolvedEvents.removeFirst(min(resolvedCount, resolvedEvents.count))
      if postedGeneration == generation { sentGeneration = postedGeneration }
      lastPost = now
      if failures > 0 {
        logger.info("action \(name): Alertmanager reached again after \(failures) failed posts")
      }
      failures = 0
      nextAttempt = 0
      logger.debug("action \(name): posted \(alerts.count) alerts")
    } catch {
      failures += 1
      let delay = policy.delay(afterFailures: failures)
      nextAttempt = seconds() + delay
      logger.warning(
        Logger.Message(
          stringLiteral:
            "action \(name): posting \(alerts.count) alerts failed (\(error)); retry in "
            + "\(Int(delay.rounded())) s"))
    }
  }

  private func seconds() -> Double {
    let elapsed = started.duration(to: clock.now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }
}

/// One alert as Alertmanager's API v2 takes it (`postableAlert`).
struct AlertmanagerAlert: Codable, Sendable, Hashable {
  var labels: [String: String]
  var annotations: [String: String]
  var startsAt: Date
  var endsAt: Date?

  init(event: NotifyEvent) {
    let name = Self.alertName(kind: event.kind, test: event.test)
    labels = ["alertname": name, "ward": event.ward, "alarm_id": event.alarmID]
    labels["location"] = event.location
    labels["detector"] = event.detector
    labels["severity"] = event.level == "warn" ? "warning" : "critical"
    if event.test { labels["test"] = "true" }
    let place = event.location ?? event.detector ?? event.ward
    annotations = [
      "summary": (event.test ? "TEST: " : "") + "\(Self.describe(event.kind)) at \(place)",
      "description": event.message,
    ]
    startsAt = event.since
    if let dropped = event.dropped { annotations["dropped"] = String(dropped) }
  }

  mutating func acknowledge(_ event: NotifyEvent) {
    guard let ack = event.acknowledged else { return }
    annotations["acknowledged_by"] = ack.user
    annotations["acknowledged_at"] = NotifyEvent.text(ack.at)
    if let note = ack.note { annotations["acknowledged_note"] = note }
  }

  static func alertName(kind: String, test: Bool) -> String {
    if test { return "DosedTest" }
    switch kind {
    case "dose": return "DosedDoseAlarm"
    case "fault": return "DosedDetectorFault"
    case "storage": return "DosedStorage"
    case "orphan": return "DosedOrphan"
    case "unmonitored": return "DosedUnmonitored"
    default: return "Dosed" + kind.prefix(1).uppercased() + kind.dropFirst()
    }
  }

  static func describe(_ kind: String) -> String {
    switch kind {
    case "dose": "dose-rate alarm"
    case "fault": "detector fault"
    case "storage": "records cannot be read or written"
    case "orphan": "records for a location no longer configured"
    case "unmonitored": "ward not monitored (dosed unreachable or stuck)"
    case "test": "alarm chain test"
    default: "\(kind) alarm"
    }
  }
}
