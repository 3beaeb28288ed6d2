import DoseProtocol
import Foundation
import Logging

/// An `exec` action: each event runs the configured program, in order, one at a time.
///
/// Policy (docs/operations.md): an attempt that exits non-zero, is killed, or overruns
/// `timeout_s` (its process group is then killed) is retried after 1 s, 2 s, 4 s … up to
/// `retry_max_s`, until it has failed for `give_up_s`; then it is dropped. At most
/// `ExecAction.capacity` events wait; when more come, the oldest waiting one is dropped. Drops
/// are logged and reported to the program with the next event it gets (`DOSED_DROPPED`).
public actor ExecAction: NotifyAction {
  /// 1000 events: a ward's worth of alarms, raises and clears for many hours of a dead target,
  /// and a few hundred kilobytes at most.
  public static let capacity = 1000

  public let name: String
  private let config: ActionConfig
  private let logger: Logger
  private var queue: DeliveryQueue<NotifyEvent>
  private let clock = ContinuousClock()
  private let started: ContinuousClock.Instant

  public init(config: ActionConfig, logger: Logger) {
    name = config.name
    self.config = config
    self.logger = logger
    queue = DeliveryQueue(
      capacity: Self.capacity,
      policy: RetryPolicy(maxDelay: config.retryMaxSeconds, giveUpAfter: config.giveUpSeconds))
    started = clock.now
  }

  public func enqueue(_ event: NotifyEvent) {
    if queue.push(event) {
      logger.warning(
        Logger.Message(
          stringLiteral:
            "action \(name): queue full (\(Self.capacity)); dropped the oldest waiting event "
            + "(\(queue.droppedTotal) dropped so far)"))
    }
  }

  /// Every event not yet delivered, the one being tried first.
  public func owed() -> [NotifyEvent] { queue.items }

  public func run() async {
    while !Task.isCancelled {
      let now = seconds()
      guard let (event, dropped) = queue.due(now: now) else {
        try? await Task.sleep(for: .milliseconds(25))
        continue
      }
      var delivered = event
      if dropped > 0 { delivered.dropped = dropped }
      await attempt(delivered)
    }
  }

  private func attempt(_ event: NotifyEvent) async {
    var environment = event.environment
    // A fixed, minimal PATH: the notifier's own environment is not passed on.
    environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    let outcome: String
    do {
      let result = try await ProcessRunner.run(
        config.command, environment: environment, input: event.jsonLine(),
        timeout: config.timeoutSeconds)
      // Escaped: a program's stderr must not forge journal lines (a newline, a terminal code).
      let stderr = DisplayText.escaped(
        result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
      if result.succeeded {
        queue.succeeded()
        logger.info(
          Logger.Message(
            stringLiteral:
              "action \(name): \(event.event.rawValue) \(event.alarmID) delivered"
              + (stderr.isEmpty ? "" : "; stderr: \(stderr)")))
        return
      }
      outcome = result.summary + (stderr.isEmpty ? "" : "; stderr: \(stderr)")
    } catch {
      outcome = "\(error)"
    }
    switch queue.failed(now: seconds()) {
    case .retryAt(let at):
      logger.warning(
        Logger.Message(
          stringLiteral:
            "action \(name): \(event.event.rawValue) \(event.alarmID) failed (\(outcome)); "
            + "retry in \(Int((at - seconds()).rounded())) s"))
    case .gaveUp:
      logger.error(
        Logger.Message(
          stringLiteral:
            "action \(name): \(event.event.rawValue) \(event.alarmID) failed (\(outcome)); "
            + "given up after \(Int(config.giveUpSeconds)) s and dropped"))
    }
  }

  private func seconds() -> Double {
    let elapsed = started.duration(to: clock.now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }
}

/// Something events are delivered to: it queues them and works through them in `run`.
public protocol NotifyAction: Actor {
  var name: String { get }
  func enqueue(_ event: NotifyEvent)
  func run() async
  /// The events it holds and has not delivered, in order, for `state_file`
  /// (`NotifierMemory.owed`): what a restart must send again.
  func owed() -> [NotifyEvent]
}
