import DoseFollow
import DoseProtocol
import Foundation
import Logging
import ServiceLifecycle

/// dosed-notify as a service: follows dosed (`DosedLink`), decides (`NotifierCore`) and hands
/// each delivery to its action, which queues and retries on its own, so a slow pager never
/// delays a beacon.
public final class NotifierService: Service {
  private let config: NotifyConfig
  private let logger: Logger

  /// Timers (escalation, unmonitored) are checked this often: well inside the 10 s bound for
  /// `unmonitored`, and cheap.
  static let tickInterval = Duration.milliseconds(250)

  public init(config: NotifyConfig, logger: Logger) {
    self.config = config
    self.logger = logger
  }

  public static func makeActions(_ config: NotifyConfig, logger: Logger) -> [String:
    any NotifyAction]
  {
    var actions: [String: any NotifyAction] = [:]
    for action in config.actions {
      switch action.kind {
      case .exec: actions[action.name] = ExecAction(config: action, logger: logger)
      case .alertmanager: actions[action.name] = AlertmanagerAction(config: action, logger: logger)
      }
    }
    return actions
  }

  public func run() async throws {
    let link = DosedLink(socket: config.socket, name: "dosed-notify", decode: SnapshotView.decode)
    let actions = Self.makeActions(config, logger: logger)
    logger.info(
      Logger.Message(
        stringLiteral:
          "dosed-notify \(ProtocolInfo.softwareVersion) following \(config.socket) for ward "
          + "\(config.ward); actions: \(config.actions.map(\.name).joined(separator: ", ")); "
          + (config.stateFile.map { "what is told is kept in \($0)" }
            ?? "what is told is kept in memory only (no state_file)")))
    link.start()
    await cancelWhenGracefulShutdown {
      await withDiscardingTaskGroup { group in
        for action in actions.values {
          group.addTask { await action.run() }
        }
        group.addTask {
          while !Task.isCancelled {
            try? await Task.sleep(for: Self.tickInterval)
            link.tick()
          }
        }
        group.addTask { [config = self.config, logger = self.logger] in
          await Self.follow(link: link, config: config, actions: actions, logger: logger)
        }
      }
    }
    link.stop()
    logger.info("dosed-notify stopped")
  }

  private static func follow(
    link: DosedLink<SnapshotView>, config: NotifyConfig, actions: [String: any NotifyAction],
    logger: Logger
  ) async {
    let clock = ContinuousClock()
    let started = clock.now
    func now() -> Double {
      let elapsed = started.duration(to: clock.now).components
      return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }
    var core = NotifierCore(
      config: config, now: now(), memory: loadMemory(config.stateFile, logger: logger))
    var saved = core.memory
    var savedAt = now()
    var lastFailure = ""
    await withTaskCancellationHandler {
      for await input in link.inputs {
        let deliveries: [NotifierCore.Delivery]
        switch input {
        case .snapshot(let snapshot):
          lastFailure = ""
          deliveries = core.snapshot(snapshot, now: now(), wall: Date())
        case .failed(let reason):
          if reason != lastFailure { logger.warning("dosed: \(reason)") }
          lastFailure = reason
          deliveries = core.failed(reason, now: now(), wall: Date())
        case .watch(let raw):
          if raw.event == "alarm_ack", let line = WatchLine.decode(raw.data),
            let id = line.alarmID, let ack = line.acknowledged
          {
            deliveries = core.watchAcknowledgement(id: id, by: ack)
          } else {
            deliveries = []
          }
        case .tick:
          deliveries = core.tick(now: now(), wall: Date())
        }
        await deliver(deliveries, actions: actions, logger: logger)
        guard let path = config.stateFile else { continue }
        // Checked at every input, ticks included (4 a second), so an event delivered or given
        // up since is soon no longer owed. What was told is written at once; a change in the
        // queues alone at most once a second (a queue draining is many changes).
        var memory = core.memory
        var owed = memory.owed ?? [:]
        for (name, action) in actions {
          let held = await action.owed()
          if !held.isEmpty { owed[name, default: []] += NotifierMemory.keepable(held) }
        }
        memory.owed = owed.isEmpty ? nil : owed
        var toldPart = memory
        toldPart.owed = saved.owed
        let urgent = toldPart != saved
        if memory != saved && (urgent || now() - savedAt >= 1) {
          saved = memory
          savedAt = now()
          do {
            try saved.save(path: path)
          } catch {
            logger.error("cannot keep what was told in \(path): \(error)")
          }
        }
      }
    } onCancel: {
      link.stop()
    }
  }

  /// The earlier run's memory; a missing file is a first start, an unreadable one is logged
  /// and forgotten (alarms still active are told again either way).
  private static func loadMemory(_ path: String?, logger: Logger) -> NotifierMemory? {
    guard let path else { return nil }
    do {
      return try NotifierMemory.load(path: path)
    } catch {
      logger.error("cannot read what an earlier run told from \(path), starting afresh: \(error)")
      return nil
    }
  }

  private static func deliver(
    _ deliveries: [NotifierCore.Delivery], actions: [String: any NotifyAction], logger: Logger
  ) async {
    var logged = Set<NotifyEvent>()
    for delivery in deliveries {
      var event = delivery.event
      event.dropped = nil
      if logged.insert(event).inserted {
        let level: Logger.Level =
          event.event == .clear || event.event == .monitored ? .info : .notice
        logger.log(
          level: level,
          Logger.Message(
            stringLiteral:
              "\(event.event.rawValue)\(event.test ? " (test)" : "") \(event.alarmID)"
              + (event.escalation.map { " escalation tier \($0)" } ?? "")
              + ": \(DisplayText.escaped(event.message))"))
      }
      await actions[delivery.action]?.enqueue(delivery.event)
    }
  }
}
